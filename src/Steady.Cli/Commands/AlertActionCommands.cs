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
    /// <summary>What one of the commands does to an alert, and how it reads afterwards.</summary>
    private sealed record Act(string Verb, string Done, string Path, string Status, Func<AlertDto, (string? By, DateTimeOffset? At)> Who);

    public static Command Acknowledge(Globals globals)
    {
        var ids = Ids();
        var command = new Command("ack", "Acknowledge alerts: you are on it, and escalation stops (responders of the service's team)") { ids };
        SetAction(globals, command, ids, new Act("acknowledge", "Acknowledged", "ack", "acknowledged", a => (a.AcknowledgedBy, a.AcknowledgedAt)), _ => new JsonObject());
        return command;
    }

    public static Command Resolve(Globals globals)
    {
        var ids = Ids();
        var note = new Option<string>("--note") { Description = "What fixed it, kept in the alert's history", HelpName = "TEXT" };
        var command = new Command("resolve", "Resolve alerts: the problem is over (responders of the service's team)") { ids, note };
        SetAction(globals, command, ids, new Act("resolve", "Resolved", "resolve", "resolved", a => (a.ResolvedBy, a.ResolvedAt)),
            parse => new JsonObject { ["note"] = parse.GetValue(note) });
        return command;
    }

    private static Argument<string[]> Ids() =>
        ShortId.Arguments("ID", "Alert ids, or the short ids 'steady alert list' shows");

    private static void SetAction(Globals globals, Command command, Argument<string[]> ids, Act act, Func<ParseResult, JsonObject> body) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var session = globals.Open(parse);
            var lookup = new AlertIds(session.Api);
            var results = new List<JsonElement>();
            var failed = 0;
            foreach (var typed in parse.GetRequiredValue(ids).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                var (id, error) = await lookup.ResolveAsync(typed, cancellationToken);
                if (id is null)
                {
                    failed++;
                    await globals.Context.Error.WriteLineAsync($"steady: cannot {act.Verb} {Table.Clean(typed)}: {error}");
                    continue;
                }
                try
                {
                    // Read it first: the API answers the same whether this changed the alert or someone
                    // already had, and the person should know which.
                    var before = (await session.Api.GetAsync($"alerts/{id}", cancellationToken)).GetProperty("alert");
                    var was = before.Deserialize(AlertJson.Default.AlertDto)!;
                    if (was.Status == act.Status)
                    {
                        results.Add(before);
                        var (by, at) = act.Who(was);
                        Say(session, was, $"{ShortId.Of(was.Id)} was already {act.Status} by {Table.Clean(by ?? "someone")} {Ago.Since(at, session.Now)}");
                        continue;
                    }
                    var after = await session.Api.PostAsync($"alerts/{id}/{act.Path}", body(parse), cancellationToken);
                    results.Add(after);
                    Say(session, after.Deserialize(AlertJson.Default.AlertDto)!, $"{act.Done} {ShortId.Of(was.Id)}");
                }
                catch (ApiProblem problem) when (problem.Status != 401)
                {
                    // One alert refused (resolved already, not found, not your team's): say so, go on with the rest.
                    failed++;
                    await globals.Context.Error.WriteLineAsync($"steady: cannot {act.Verb} {Table.Clean(typed)}: {ProblemMessage.Describe(problem)}");
                }
            }
            if (session.Json)
                JsonOutput.Write(session.Out, results);
            return failed == 0 ? ExitCodes.Ok : ExitCodes.Error;
        });

    /// <summary>"Acknowledged 546f0bde: critical · p99 latency above 2 s · payments-api".</summary>
    private static void Say(Session session, AlertDto a, string what)
    {
        if (!session.Json)
            session.Out.WriteLine($"{what}: {a.Severity} · {Table.Clean(a.Summary)} · {Table.Clean(a.ServiceName)}");
    }
}
