using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Steady.Cli.Api;
using Steady.Cli.Output;

namespace Steady.Cli.Commands;

/// <summary>steady maintenance start | list | end: planned work on a service, during which its alerts page nobody.</summary>
internal static class MaintenanceCommands
{
    public static Command Build(Globals globals)
    {
        var maintenance = new Command("maintenance", "Maintenance windows: while one is on, a service's new alerts are stored and page nobody");
        maintenance.Subcommands.Add(Start(globals));
        maintenance.Subcommands.Add(List(globals));
        maintenance.Subcommands.Add(End(globals));
        return maintenance;
    }

    private static Option<string> ServiceOption() =>
        new("--service") { Description = "The service (name or id)", HelpName = "SERVICE", Required = true };

    private static Command Start(Globals globals)
    {
        var service = ServiceOption();
        var duration = Syntax.Checked<TimeSpan>(
            new Option<TimeSpan>("--duration") { Description = "How long, e.g. 30m, 2h, 1d (at most 30 days)", HelpName = "DURATION", Required = true },
            Syntax.TryDuration);
        var reason = new Option<string>("--reason") { Description = "What the work is", HelpName = "TEXT", Required = true };
        var command = new Command("start", "Start a maintenance window on a service now (responders of the owning team)") { service, duration, reason };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var serviceName = parse.GetRequiredValue(service).Trim();
            var body = new JsonObject { ["reason"] = parse.GetRequiredValue(reason) };
            SilenceCommands.Lasting(body, parse.GetValue(duration), session.Now);
            var created = await session.Api.PostAsync($"services/{ApiClient.Segment(serviceName)}/maintenance", body, cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, created);
                return;
            }
            var m = created.Deserialize(AlertJson.Default.MaintenanceDto)!;
            var output = session.Out;
            output.WriteLine($"Maintenance {ShortId.Of(m.Id)} on {Table.Clean(serviceName)} until {Ago.Both(m.EndsAt, session.Now)}: {Table.Clean(m.Reason)}");
            output.WriteLine(m.Active
                ? "Its alerts, open now or firing meanwhile, are stored and page nobody until it ends; those still triggered then page."
                : "From its start, its alerts (open then or firing meanwhile) are stored and page nobody until it ends; those still triggered then page.");
            output.WriteLine($"End it early with: steady maintenance end --service {ServiceCommands.Quote(serviceName)} {ShortId.Of(m.Id)}");
        });
        return command;
    }

    private static Command List(Globals globals)
    {
        var service = ServiceOption();
        var command = new Command("list", "List a service's maintenance windows, newest first") { service };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var serviceName = parse.GetRequiredValue(service).Trim();
            var found = await session.Api.GetAsync($"services/{ApiClient.Segment(serviceName)}/maintenance", cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, found);
                return;
            }
            var windows = found.Deserialize(AlertJson.Default.ListMaintenanceDto)!;
            if (windows.Count == 0)
            {
                session.Out.WriteLine($"{Table.Clean(serviceName)} has had no maintenance windows. Start one with 'steady maintenance start --service {ServiceCommands.Quote(serviceName)} --duration 1h --reason TEXT'.");
                return;
            }
            var now = session.Now;
            var ids = ShortId.For(windows.Select(m => m.Id));
            var table = new Table("Id", "Status", "Starts", "Ends", "Reason", "By").Limit(4, 60);
            foreach (var m in windows)
                table.Add(ids[m.Id], m.Active ? "active" : m.StartsAt > now ? "planned" : "ended", Ago.Both(m.StartsAt, now), Ago.Both(m.EndsAt, now), m.Reason, m.CreatedBy);
            table.WriteTo(session.Out);
        });
        return command;
    }

    private static Command End(Globals globals)
    {
        var service = ServiceOption();
        var id = ShortId.Argument("ID", "The window's id, or the short id 'steady maintenance list' shows");
        var command = new Command("end", "End a maintenance window now: the service's alerts still triggered page, and new ones page as usual (responders of the owning team)") { service, id };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var serviceName = parse.GetRequiredValue(service).Trim();
            var path = $"services/{ApiClient.Segment(serviceName)}/maintenance";
            var (full, part, _) = ShortId.Parse(parse.GetRequiredValue(id));
            var windowId = full ?? ShortId.Pick(
                (await session.Api.GetAsync(path, cancellationToken)).Deserialize(AlertJson.Default.ListMaintenanceDto)!.Select(m => m.Id),
                part!, "maintenance window", $"steady maintenance list --service {ServiceCommands.Quote(serviceName)}");
            var ended = await session.Api.DeleteAsync($"{path}/{windowId}", cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, ended);
                return;
            }
            var m = ended.Deserialize(AlertJson.Default.MaintenanceDto)!;
            session.Out.WriteLine($"Ended maintenance {ShortId.Of(m.Id)} on {Table.Clean(serviceName)}: its alerts still triggered page now, and new ones page as usual.");
        });
        return command;
    }
}
