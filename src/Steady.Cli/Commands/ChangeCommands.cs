using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Steady.Cli.Output;

namespace Steady.Cli.Commands;

/// <summary>steady change record | list, and steady freeze check: what changed, and whether automation must hold.</summary>
internal static class ChangeCommands
{
    private static readonly string[] Kinds = ["deploy", "config", "feature-flag", "infrastructure", "database", "rollback", "other"];

    public static Command Build(Globals globals)
    {
        var change = new Command("change", "Changes on services (deploys, config): shown on incidents as 'what changed before this started'");
        change.Subcommands.Add(Record(globals));
        change.Subcommands.Add(List(globals));
        return change;
    }

    public static Command BuildFreeze(Globals globals)
    {
        var freeze = new Command("freeze", "The automation freeze: while a SEV1/SEV2 is open on a service (or a manual freeze is set), pipelines hold");
        freeze.Subcommands.Add(Check(globals));
        return freeze;
    }

    private static Command Record(Globals globals)
    {
        var service = new Option<string>("--service") { Description = "The service that changed", HelpName = "SERVICE", Required = true };
        var summary = new Argument<string>("SUMMARY") { Description = "What changed, e.g. \"deploy v2.4.1\"" };
        var kind = Syntax.OneOf(new Option<string>("--kind") { Description = "deploy (default), config, feature-flag, infrastructure, database, rollback or other", HelpName = "KIND" }, "a kind of change", Kinds);
        var link = new Option<string>("--link") { Description = "Where to read more (a pipeline run, a pull request)", HelpName = "URL" };
        var who = new Option<string>("--who") { Description = "Who made it (default: you)", HelpName = "NAME" };
        var at = new Option<string>("--at") { Description = "When, if earlier: a duration ago (15m) or a time", HelpName = "WHEN" };
        var command = new Command("record", "Record a change on a service (a pipeline step: steady change record --service api \"deploy $VERSION\")") { service, summary, kind, link, who, at };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var body = new JsonObject { ["service"] = parse.GetRequiredValue(service), ["summary"] = parse.GetRequiredValue(summary), ["kind"] = parse.GetValue(kind) ?? "deploy" };
            if (parse.GetValue(link) is { } l)
                body["link"] = l;
            if (parse.GetValue(who) is { } w)
                body["who"] = w;
            if (parse.GetValue(at) is { } when)
            {
                if (!Syntax.TryPast(when, session.Now, out var instant, out var error))
                    throw new CliException(error, ExitCodes.Usage);
                body["at"] = instant;
            }
            var created = await session.Api.PostAsync("changes", body, cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, created);
                return;
            }
            session.Out.WriteLine($"Recorded {IncidentCommands.Str(created, "kind")} on {Table.Clean(IncidentCommands.Str(created, "service"))}: {Table.Clean(IncidentCommands.Str(created, "summary"))}");
        });
        return command;
    }

    private static Command List(Globals globals)
    {
        var service = new Option<string>("--service") { Description = "Only this service's changes", HelpName = "SERVICE" };
        var command = new Command("list", "Recent changes, newest first") { service };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var path = "changes?limit=100" + (parse.GetValue(service) is { } s ? $"&service={Uri.EscapeDataString(s)}" : "");
            var changes = await session.Api.GetAsync(path, cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, changes);
                return;
            }
            var table = new Table("When", "Service", "Kind", "Summary", "Who").Limit(3, 60);
            foreach (var c in changes.EnumerateArray())
                table.Add(Ago.Since(c.GetProperty("at").GetDateTimeOffset(), session.Now), IncidentCommands.Str(c, "service"), IncidentCommands.Str(c, "kind"), IncidentCommands.Str(c, "summary"), IncidentCommands.Str(c, "who"));
            if (table.Count == 0)
                session.Out.WriteLine("No changes recorded.");
            else
                table.WriteTo(session.Out);
        });
        return command;
    }

    private static Command Check(Globals globals)
    {
        var service = new Option<string>("--service") { Description = "The service a pipeline is about to change", HelpName = "SERVICE", Required = true };
        var command = new Command("check", "Exit 0 when changes may go ahead, 3 when the service is frozen (with the reason and incident on stderr)") { service };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var session = globals.Open(parse);
            var verdict = await session.Api.GetAsync($"freeze?service={Uri.EscapeDataString(parse.GetRequiredValue(service))}", cancellationToken);
            var frozen = verdict.GetProperty("frozen").GetBoolean();
            if (session.Json)
                JsonOutput.Write(session.Out, verdict);
            else if (frozen)
                await globals.Context.Error.WriteLineAsync($"steady: {Table.Clean(IncidentCommands.Str(verdict, "service"))} is frozen: {Table.Clean(IncidentCommands.Str(verdict, "reason"))}");
            else
                session.Out.WriteLine($"{Table.Clean(IncidentCommands.Str(verdict, "service"))} is clear: changes may go ahead.");
            return frozen ? ExitCodes.Frozen : ExitCodes.Ok;
        });
        return command;
    }
}
