using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Steady.Cli.Api;
using Steady.Cli.Output;

namespace Steady.Cli.Commands;

/// <summary>steady service key create | list | revoke: the keys monitoring tools send alerts with.</summary>
internal static class KeyCommands
{
    public static Command Build(Globals globals)
    {
        var key = new Command("key", "Integration keys: what monitoring tools send a service's alerts with");
        key.Subcommands.Add(Create(globals));
        key.Subcommands.Add(List(globals));
        key.Subcommands.Add(Revoke(globals));
        return key;
    }

    private static Argument<string> ServiceArgument() => new("SERVICE") { Description = "The service's name or id" };

    private static Command Create(Globals globals)
    {
        var service = ServiceArgument();
        var name = new Option<string>("--name") { Description = "What the key is for, e.g. alertmanager (default: default)", HelpName = "NAME" };
        var command = new Command("create", "Create an integration key (admins of the owning team)") { service, name };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var body = new JsonObject { ["name"] = parse.GetValue(name) };
            var created = await session.Api.PostAsync($"services/{ApiClient.Segment(parse.GetRequiredValue(service))}/integration-keys", body, cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, created);
                return;
            }
            var k = created.Deserialize(CliJson.Default.IntegrationKeyDto)!;
            var intake = $"{session.Connection.Server}/intake/{Table.Clean(k.Key)}";
            var output = session.Out;
            output.WriteLine($"Created integration key {Table.Clean(k.Name)} ({k.Id}) for {Table.Clean(parse.GetRequiredValue(service))}:");
            output.WriteLine();
            output.WriteLine($"    {Table.Clean(k.Key)}");
            output.WriteLine();
            output.WriteLine("Point monitoring at one of:");
            new Table("Source", "URL")
                .Add("Alertmanager", $"{intake}/alertmanager")
                .Add("PagerDuty Events v2", $"{intake}/events  (or {session.Connection.Server}/v2/enqueue with this routing_key)")
                .Add("Grafana", $"{intake}/grafana")
                .Add("Generic JSON", $"{intake}/generic")
                .Add("Heartbeat", $"{intake}/heartbeat")
                .WriteTo(output);
        });
        return command;
    }

    private static Command List(Globals globals)
    {
        var service = ServiceArgument();
        var all = new Option<bool>("--all") { Description = "Include revoked keys" };
        var command = new Command("list", "List a service's integration keys (responders and admins of the owning team)") { service, all };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var includeRevoked = parse.GetValue(all);
            var path = $"services/{ApiClient.Segment(parse.GetRequiredValue(service))}/integration-keys{(includeRevoked ? "?includeRevoked=true" : "")}";
            var keys = await session.Api.GetAsync(path, cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, keys);
                return;
            }
            var list = keys.Deserialize(CliJson.Default.ListIntegrationKeyDto)!;
            if (list.Count == 0)
            {
                session.Out.WriteLine($"{Table.Clean(parse.GetRequiredValue(service))} has no {(includeRevoked ? "" : "active ")}integration keys. Create one with 'steady service key create {ServiceCommands.Quote(parse.GetRequiredValue(service))}'.");
                return;
            }
            var table = includeRevoked ? new Table("Id", "Name", "Key", "Created", "Revoked") : new Table("Id", "Name", "Key", "Created");
            foreach (var k in list)
            {
                if (includeRevoked)
                    table.Add(k.Id.ToString(), k.Name, k.Key, Format.Time(k.CreatedAt), Format.Time(k.RevokedAt));
                else
                    table.Add(k.Id.ToString(), k.Name, k.Key, Format.Time(k.CreatedAt));
            }
            table.WriteTo(session.Out);
        });
        return command;
    }

    private static Command Revoke(Globals globals)
    {
        var service = ServiceArgument();
        var key = new Argument<string>("KEY") { Description = "The key's id, or its name when only one active key has it" };
        var command = new Command("revoke", "Revoke an integration key: alerts sent with it are refused from now on (admins of the owning team)") { service, key };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var serviceSegment = ApiClient.Segment(parse.GetRequiredValue(service));
            var wanted = parse.GetRequiredValue(key).Trim();
            var keys = (await session.Api.GetAsync($"services/{serviceSegment}/integration-keys", cancellationToken)).Deserialize(CliJson.Default.ListIntegrationKeyDto)!;
            var target = Pick.ByIdOrName(keys, wanted, k => k.Id, k => k.Name, "active integration key",
                $"steady service key list {ServiceCommands.Quote(parse.GetRequiredValue(service))}");
            await session.Api.DeleteAsync($"services/{serviceSegment}/integration-keys/{target.Id}", cancellationToken);
            if (!session.Json)
                session.Out.WriteLine($"Revoked integration key {Table.Clean(target.Name)} ({target.Id}) of {Table.Clean(parse.GetRequiredValue(service))}.");
        });
        return command;
    }
}
