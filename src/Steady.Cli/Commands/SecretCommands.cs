using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Steady.Cli.Output;

namespace Steady.Cli.Commands;

/// <summary>steady secrets status | rotate: the keys that protect the secrets stored in the server's database (organization admins).</summary>
internal static class SecretCommands
{
    public static Command Build(Globals globals)
    {
        var secrets = new Command("secrets", "The keys protecting the secrets stored in the server's database (organization admins)");
        secrets.Subcommands.Add(Status(globals));
        secrets.Subcommands.Add(Rotate(globals));
        return secrets;
    }

    private static Command Status(Globals globals)
    {
        var command = new Command("status", "Show the master key's id and the data keys");
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var status = await session.Api.GetAsync("secrets", cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, status);
                return;
            }
            session.Out.WriteLine($"Master key {Table.Clean(status.GetProperty("masterKeyId").GetString())} (an id, not the key); secrets are sealed with data key {Table.Clean(status.GetProperty("dataKeyId").GetString())}.");
            var table = new Table("Data key", "Created", "Retired");
            foreach (var key in status.GetProperty("dataKeys").EnumerateArray())
            {
                table.Add(key.GetProperty("id").GetString() ?? "", Format.Time(key.GetProperty("createdAt").GetDateTimeOffset()),
                    key.GetProperty("retiredAt").ValueKind == JsonValueKind.Null ? "in use" : Format.Time(key.GetProperty("retiredAt").GetDateTimeOffset()));
            }
            table.WriteTo(session.Out);
        });
        return command;
    }

    private static Command Rotate(Globals globals)
    {
        var command = new Command("rotate", "Encrypt every stored secret again under a new data key (wrapped by the server's current master key)");
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var rotation = await session.Api.PostAsync("secrets/rotate", new JsonObject(), cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, rotation);
                return;
            }
            var retired = rotation.GetProperty("retiredDataKeys").EnumerateArray().Select(k => k.GetString()).ToList();
            session.Out.WriteLine($"Encrypted {rotation.GetProperty("reencrypted").GetInt32()} stored secret(s) again under data key {Table.Clean(rotation.GetProperty("dataKeyId").GetString())} (master key {Table.Clean(rotation.GetProperty("masterKeyId").GetString())}).");
            if (retired.Count > 0)
                session.Out.WriteLine($"Retired data key(s): {Table.Clean(string.Join(", ", retired))}.");
        });
        return command;
    }
}
