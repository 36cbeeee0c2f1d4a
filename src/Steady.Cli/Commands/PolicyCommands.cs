using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Steady.Cli.Api;
using Steady.Cli.Output;

namespace Steady.Cli.Commands;

/// <summary>steady policy list | show: escalation policies, their steps, and whom each step would page now.</summary>
internal static class PolicyCommands
{
    public static Command Policy(Globals globals)
    {
        var policy = new Command("policy", "Escalation policies: ordered steps, each notifying people, schedules or a team, then waiting");
        policy.Subcommands.Add(List(globals));
        policy.Subcommands.Add(Show(globals));
        return policy;
    }

    private static Command List(Globals globals)
    {
        var command = new Command("list", "List escalation policies: their team, steps, repeats, and the services that page through them");
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var items = await session.Api.GetAsync("escalation-policies", cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, items);
                return;
            }
            if (items.GetArrayLength() == 0)
            {
                session.Out.WriteLine("No escalation policies yet. Describe them in a file and run 'steady apply -f FILE'.");
                return;
            }
            var teams = await TeamNamesAsync(session, cancellationToken);
            var table = new Table("Name", "Team", "Steps", "Repeats", "Services").Limit(4, 60);
            foreach (var p in items.EnumerateArray())
            {
                table.Add(ConfigCommands.Text(p, "name"), teams.GetValueOrDefault(ConfigCommands.Text(p, "teamId"), "-"),
                    p.GetProperty("steps").GetArrayLength().ToString(CultureInfo.InvariantCulture), Repeats(p), Services(p));
            }
            table.WriteTo(session.Out);
        });
        return command;
    }

    private static Command Show(Globals globals)
    {
        var name = new Argument<string>("POLICY") { Description = "The policy's name or id" };
        var command = new Command("show", "A policy's steps: what each notifies, whom that pages now, and how long it waits before the next") { name };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var segment = ApiClient.Segment(parse.GetRequiredValue(name));
            var policy = await session.Api.GetAsync($"escalation-policies/{segment}", cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, policy);
                return;
            }
            var now = await session.Api.GetAsync(
                $"escalation-policies/{segment}/oncall?at={Uri.EscapeDataString(session.Now.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture))}", cancellationToken);
            var teams = await TeamNamesAsync(session, cancellationToken);
            var description = ConfigCommands.Text(policy, "description");
            session.Out.WriteLine($"{Table.Clean(ConfigCommands.Text(policy, "name"))} (team {Table.Clean(teams.GetValueOrDefault(ConfigCommands.Text(policy, "teamId"), "?"))})"
                + (description.Length > 0 ? ": " + Table.Clean(description) : ""));
            var repeat = policy.GetProperty("repeat").GetInt32();
            var table = new Table("Step", "Notifies", "Who now", "Then wait");
            var steps = now.GetProperty("steps").EnumerateArray().ToList();
            foreach (var step in steps)
            {
                // The last step's wait only matters when the steps repeat: without a repeat the run ends there.
                var last = step.GetProperty("step").GetInt32() == steps.Count;
                var wait = !last ? ConfigCommands.Text(step, "wait") : repeat > 0 ? ConfigCommands.Text(step, "wait") + ", then step 1 again" : "- (last step)";
                var targets = step.GetProperty("targets").EnumerateArray().ToList();
                var who = targets.SelectMany(t => t.GetProperty("people").EnumerateArray().Select(x => ConfigCommands.Text(x, "name"))).Distinct().ToList();
                table.Add(step.GetProperty("step").GetInt32().ToString(CultureInfo.InvariantCulture),
                    string.Join(", ", targets.Select(t => $"{ConfigCommands.Text(t, "type")} {ConfigCommands.Text(t, "name")}")),
                    who.Count > 0 ? string.Join(", ", who) : "NOBODY (step skipped)", wait);
            }
            table.WriteTo(session.Out);
            session.Out.WriteLine(repeat == 0
                ? "After the last step: no repeat."
                : $"After the last step: the steps run again, {repeat} more time{(repeat == 1 ? "" : "s")}.");
            var services = Services(policy);
            session.Out.WriteLine(services == "-" ? "No service pages through it yet." : $"Services: {services}");
        });
        return command;
    }

    private static string Repeats(JsonElement policy) =>
        policy.GetProperty("repeat").GetInt32() is var n and > 0 ? n.ToString(CultureInfo.InvariantCulture) : "-";

    private static string Services(JsonElement policy)
    {
        var names = policy.GetProperty("services").EnumerateArray().Select(s => s.GetString() ?? "").Where(s => s.Length > 0).ToList();
        return names.Count == 0 ? "-" : string.Join(", ", names);
    }

    private static async Task<Dictionary<string, string>> TeamNamesAsync(Session session, CancellationToken cancellationToken) =>
        (await session.Api.GetAllAsync("teams", cancellationToken)).ToDictionary(t => ConfigCommands.Text(t, "id"), t => ConfigCommands.Text(t, "name"), StringComparer.OrdinalIgnoreCase);
}
