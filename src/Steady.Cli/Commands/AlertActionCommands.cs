using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Steady.Cli.Api;
using Steady.Cli.Output;

namespace Steady.Cli.Commands;

/// <summary>
/// steady alert ack | resolve ID...: several alerts at once. Each one that fails is one
/// "steady: ..." line naming it, the others still go through, and the exit code is 1 if any failed.
/// </summary>
internal static class AlertActionCommands
{
    public static Command Acknowledge(Globals globals)
    {
        var ids = Ids();
        var command = new Command("ack", "Acknowledge alerts: you are on it, and escalation stops (responders of the service's team)") { ids };
        SetAction(globals, command, ids, "acknowledge", "Acknowledged", "ack", _ => new JsonObject(), a => (a.AcknowledgedBy, a.AcknowledgedAt));
        return command;
    }

    public static Command Resolve(Globals globals)
    {
        var ids = Ids();
        var note = new Option<string>("--note") { Description = "What fixed it, kept in the alert's history", HelpName = "TEXT" };
        var command = new Command("resolve", "Resolve alerts: the problem is over (responders of the service's team)") { ids, note };
        SetAction(globals, command, ids, "resolve", "Resolved", "resolve", parse => new JsonObject { ["note"] = parse.GetValue(note) }, a => (a.ResolvedBy, a.ResolvedAt));
        return command;
    }

    private static Argument<string[]> Ids() =>
        ShortId.Arguments("ID", "Alert ids, or the short ids 'steady alert list' shows");

    private static void SetAction(Globals globals, Command command, Argument<string[]> ids, string verb, string done, string path,
        Func<ParseResult, JsonObject> body, Func<AlertDto, (string? By, DateTimeOffset? At)> who) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var session = globals.Open(parse);
            var lookup = new AlertIds(session.Api);
            var changed = new List<JsonElement>();
            var failed = 0;
            foreach (var typed in parse.GetRequiredValue(ids).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                var (id, error) = await lookup.ResolveAsync(typed, cancellationToken);
                if (id is null)
                {
                    failed++;
                    await globals.Context.Error.WriteLineAsync($"steady: cannot {verb} {Table.Clean(typed)}: {error}");
                    continue;
                }
                JsonElement alert;
                try
                {
                    alert = await session.Api.PostAsync($"alerts/{id}/{path}", body(parse), cancellationToken);
                }
                catch (ApiProblem problem) when (problem.Status != 401)
                {
                    // One alert refused (resolved already, not found, not your team's): say so, go on with the rest.
                    failed++;
                    await globals.Context.Error.WriteLineAsync($"steady: cannot {verb} {Table.Clean(typed)}: {ProblemMessage.Describe(problem)}");
                    continue;
                }
                changed.Add(alert);
                if (!session.Json)
                {
                    var a = alert.Deserialize(AlertJson.Default.AlertDto)!;
                    var now = DateTimeOffset.UtcNow;
                    var (by, at) = who(a);
                    session.Out.WriteLine($"{done} {ShortId.Of(a.Id)} (by {Table.Clean(by ?? "someone")}, {Ago.Since(at, now)}): {a.Severity} · {Table.Clean(a.Summary)} · {Table.Clean(a.ServiceName)}");
                }
            }
            if (session.Json)
                JsonOutput.Write(session.Out, changed);
            return failed == 0 ? ExitCodes.Ok : ExitCodes.Error;
        });
}
