using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Steady.Cli.Output;

namespace Steady.Cli.Commands;

/// <summary>steady token create | list | revoke: your personal API tokens.</summary>
internal static class TokenCommands
{
    public static Command Build(Globals globals)
    {
        var token = new Command("token", "Your API tokens, for scripts, CI and this CLI");
        token.Subcommands.Add(Create(globals));
        token.Subcommands.Add(List(globals));
        token.Subcommands.Add(Revoke(globals));
        return token;
    }

    private static Command Create(Globals globals)
    {
        var name = new Argument<string>("NAME") { Description = "What the token is for, e.g. ci-deploy" };
        var expires = new Option<int?>("--expires-in") { Description = "Days until the token stops working (default: never)", HelpName = "DAYS" };
        expires.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is <= 0)
                result.AddError("--expires-in must be a positive number of days.");
        });
        var command = new Command("create", "Create an API token; its secret is printed once and cannot be shown again") { name, expires };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var body = new JsonObject { ["name"] = parse.GetRequiredValue(name) };
            if (parse.GetValue(expires) is { } days)
                body["expiresAt"] = session.Now.AddDays(days).ToString("O", CultureInfo.InvariantCulture);
            var created = await session.Api.PostAsync("tokens", body, cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, created);
                return;
            }
            var dto = created.Deserialize(CliJson.Default.CreatedTokenDto)!;
            var output = session.Out;
            output.WriteLine($"Created token {Table.Clean(dto.Token.Name)} ({dto.Token.Id}){(dto.Token.ExpiresAt is { } at ? $", valid until {Format.Time(at)}" : "")}.");
            output.WriteLine("Copy the secret now; it is not shown again:");
            output.WriteLine();
            output.WriteLine($"    {Table.Clean(dto.Secret)}");
            output.WriteLine();
        });
        return command;
    }

    private static Command List(Globals globals)
    {
        var command = new Command("list", "List your API tokens");
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var tokens = await session.Api.GetAsync("tokens", cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, tokens);
                return;
            }
            var list = tokens.Deserialize(CliJson.Default.ListTokenDto)!;
            var now = session.Now;
            var table = new Table("Id", "Name", "Prefix", "Created", "Last used", "Expires", "Status");
            foreach (var t in list)
            {
                var status = t.RevokedAt is not null ? "revoked"
                    : t.ExpiresAt <= now ? "expired"
                    : session.Connection.Token?.StartsWith(t.Prefix, StringComparison.Ordinal) == true ? "active (this CLI)"
                    : "active";
                table.Add(t.Id.ToString(), t.Name, t.Prefix + "…", Format.Time(t.CreatedAt), Format.Time(t.LastUsedAt), Format.Time(t.ExpiresAt), status);
            }
            table.WriteTo(session.Out);
        });
        return command;
    }

    private static Command Revoke(Globals globals)
    {
        var token = new Argument<string>("TOKEN") { Description = "The token's id, or its name when only one active token has it" };
        var command = new Command("revoke", "Revoke an API token: it stops working at once") { token };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var list = (await session.Api.GetAsync("tokens", cancellationToken)).Deserialize(CliJson.Default.ListTokenDto)!;
            var active = list.Where(t => t.RevokedAt is null).ToList();
            var target = Pick.ByIdOrName(active, parse.GetRequiredValue(token).Trim(), t => t.Id, t => t.Name, "active token", "steady token list");
            await session.Api.DeleteAsync($"tokens/{target.Id}", cancellationToken);
            if (session.Json)
                return;
            session.Out.WriteLine($"Revoked token {Table.Clean(target.Name)} ({target.Id}).");
            if (session.Connection.Token?.StartsWith(target.Prefix, StringComparison.Ordinal) == true)
                session.Out.WriteLine($"That was the token this CLI was using (from {session.Connection.TokenSource}); run 'steady login' with another.");
        });
        return command;
    }
}
