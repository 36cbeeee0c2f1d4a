using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Steady.Cli.Api;
using Steady.Cli.Output;

namespace Steady.Cli.Commands;

/// <summary>steady oncall, and steady schedule list | show: who is on call, now or at any time.</summary>
internal static class OnCallCommands
{
    public static Command OnCall(Globals globals)
    {
        var at = When(globals, "--at", "At this time instead of now: a time (2026-12-24T03:00, UTC unless it has an offset) or a duration from now (+8h, -1d)");
        var schedule = new Option<string>("--schedule") { Description = "Only this schedule (name or id)", HelpName = "SCHEDULE" };
        var policy = new Option<string>("--policy") { Description = "Only this escalation policy (name or id)", HelpName = "POLICY" };
        var command = new Command("oncall", "Who is on call now (or --at): per schedule, and whom each escalation policy's steps would notify") { at, schedule, policy };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var when = parse.GetValue(at) ?? session.Now;
            var query = $"at={Uri.EscapeDataString(when.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture))}";
            var onlySchedule = parse.GetValue(schedule);
            var onlyPolicy = parse.GetValue(policy);
            var schedules = new List<JsonElement>();
            if (onlyPolicy is null)
            {
                var all = await session.Api.GetAsync($"oncall?{query}", cancellationToken);
                var id = onlySchedule is null ? null : (await session.Api.GetAsync($"schedules/{ApiClient.Segment(onlySchedule)}", cancellationToken)).GetProperty("id").GetString();
                schedules = all.EnumerateArray().Where(s => id is null || s.GetProperty("scheduleId").GetString() == id).ToList();
            }
            var policies = new List<JsonElement>();
            if (onlySchedule is null)
            {
                var names = onlyPolicy is not null ? [onlyPolicy]
                    : (await session.Api.GetAsync("escalation-policies", cancellationToken)).EnumerateArray().Select(p => p.GetProperty("id").GetString()!).ToList();
                foreach (var name in names)
                    policies.Add(await session.Api.GetAsync($"escalation-policies/{ApiClient.Segment(name)}/oncall?{query}", cancellationToken));
            }
            if (session.Json)
            {
                var json = new JsonObject
                {
                    ["at"] = when.ToUniversalTime(),
                    ["schedules"] = new JsonArray(schedules.Select(s => JsonNode.Parse(s.GetRawText())).ToArray()),
                    ["policies"] = new JsonArray(policies.Select(p => JsonNode.Parse(p.GetRawText())).ToArray()),
                };
                JsonOutput.Write(session.Out, JsonDocument.Parse(json.ToJsonString()).RootElement);
                return;
            }
            if (onlyPolicy is null)
            {
                if (schedules.Count == 0)
                {
                    session.Out.WriteLine("No schedules yet. Describe them in a file and run 'steady apply -f FILE' (see 'steady export').");
                }
                else
                {
                    // Times in the reader's own zone (their user record), the zone named.
                    var zone = await MyZoneAsync(session, cancellationToken);
                    session.Out.WriteLine($"On call at {Format.InZone(when, zone)}:");
                    var table = new Table("Schedule", "On call", "Email", "Until", "Source");
                    foreach (var s in schedules)
                    {
                        var person = ConfigCommands.Text(s, "userName");
                        table.Add(ConfigCommands.Text(s, "schedule"), person.Length > 0 ? person : "NOBODY (gap)", Format.OrDash(ConfigCommands.Text(s, "email")),
                            s.TryGetProperty("until", out var until) && until.ValueKind == JsonValueKind.String ? Format.InZone(until.GetDateTimeOffset(), zone) : "-", ConfigCommands.Text(s, "source"));
                    }
                    table.WriteTo(session.Out);
                }
            }
            if (policies.Count > 0)
            {
                if (onlyPolicy is null)
                    session.Out.WriteLine();
                var table = new Table("Policy", "Step", "Notifies", "Who now", "Then wait");
                foreach (var p in policies)
                {
                    foreach (var step in p.GetProperty("steps").EnumerateArray())
                    {
                        var targets = step.GetProperty("targets").EnumerateArray().ToList();
                        var who = targets.SelectMany(t => t.GetProperty("people").EnumerateArray().Select(x => ConfigCommands.Text(x, "name"))).Distinct().ToList();
                        table.Add(ConfigCommands.Text(p, "name"), step.GetProperty("step").GetInt32().ToString(CultureInfo.InvariantCulture),
                            string.Join(", ", targets.Select(t => $"{ConfigCommands.Text(t, "type")} {ConfigCommands.Text(t, "name")}")),
                            who.Count > 0 ? string.Join(", ", who) : "NOBODY (step skipped)", ConfigCommands.Text(step, "wait"));
                    }
                }
                table.WriteTo(session.Out);
            }
        });
        return command;
    }

    /// <summary>The zone on the reader's user record; null (this machine's zone) when the token has no user to ask about.</summary>
    private static async Task<string?> MyZoneAsync(Session session, CancellationToken cancellationToken)
    {
        try
        {
            var me = await session.Api.GetAsync("me", cancellationToken);
            return me.TryGetProperty("user", out var user) && user.TryGetProperty("timeZone", out var zone) ? zone.GetString() : null;
        }
        catch (CliException)
        {
            return null;
        }
    }

    public static Command Schedule(Globals globals)
    {
        var schedule = new Command("schedule", "On-call schedules: rotations in layers, overrides, the final schedule");
        schedule.Subcommands.Add(List(globals));
        schedule.Subcommands.Add(Show(globals));
        return schedule;
    }

    private static Command List(Globals globals)
    {
        var command = new Command("list", "List schedules with who is on call now");
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var items = await session.Api.GetAsync("schedules", cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, items);
                return;
            }
            if (items.GetArrayLength() == 0)
            {
                session.Out.WriteLine("No schedules yet. Describe them in a file and run 'steady apply -f FILE'.");
                return;
            }
            var now = (await session.Api.GetAsync("oncall", cancellationToken)).EnumerateArray().ToDictionary(o => o.GetProperty("scheduleId").GetString()!, o => ConfigCommands.Text(o, "userName"));
            var table = new Table("Name", "Time zone", "Layers", "On call now");
            foreach (var s in items.EnumerateArray())
            {
                var person = now.GetValueOrDefault(s.GetProperty("id").GetString()!, "");
                table.Add(ConfigCommands.Text(s, "name"), ConfigCommands.Text(s, "timeZone"), s.GetProperty("layers").GetArrayLength().ToString(CultureInfo.InvariantCulture), person.Length > 0 ? person : "NOBODY (gap)");
            }
            table.WriteTo(session.Out);
        });
        return command;
    }

    private static Command Show(Globals globals)
    {
        var name = new Argument<string>("SCHEDULE") { Description = "The schedule's name or id" };
        var from = When(globals, "--from", "Start of the window (default now): a time (2026-12-01, 2026-12-01T09:00; UTC unless it has an offset) or a duration from now (+1d, -2h)");
        var to = When(globals, "--to", "End of the window (default 7 days after --from): a time or a duration from now (+14d)");
        var command = new Command("show", "The final schedule for a window: who is on call when, from which layer or override, with coverage gaps flagged") { name, from, to };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var start = parse.GetValue(from) ?? session.Now;
            var end = parse.GetValue(to) ?? start.AddDays(7);
            if (end <= start)
                throw new CliException("--to must be after --from.");
            var segment = ApiClient.Segment(parse.GetRequiredValue(name));
            var final = await session.Api.GetAsync(
                $"schedules/{segment}/final?from={Uri.EscapeDataString(start.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(end.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture))}",
                cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, final);
                return;
            }
            var zoneId = ConfigCommands.Text(final, "timeZone");
            var zone = FindZone(zoneId);
            string Local(DateTimeOffset t) => TimeZoneInfo.ConvertTime(t, zone).ToString("ddd yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            session.Out.WriteLine($"{Table.Clean(ConfigCommands.Text(final, "name"))}: {Local(start)} to {Local(end)} ({zoneId})");
            var table = new Table("From", "To", "On call", "Layer");
            var gaps = TimeSpan.Zero;
            var gapCount = 0;
            foreach (var shift in final.GetProperty("shifts").EnumerateArray())
            {
                var s = shift.GetProperty("start").GetDateTimeOffset();
                var e = shift.GetProperty("end").GetDateTimeOffset();
                var person = ConfigCommands.Text(shift, "userName");
                if (person.Length == 0)
                {
                    gaps += e - s;
                    gapCount++;
                }
                table.Add(Local(s), Local(e), person.Length > 0 ? person : "GAP: nobody on call", person.Length > 0 ? ConfigCommands.Text(shift, "source") : "-");
            }
            table.WriteTo(session.Out);
            session.Out.WriteLine(gapCount == 0
                ? "Covered the whole window: no gaps."
                : $"{gapCount} gap{(gapCount == 1 ? "" : "s")}, {Hours(gaps)} with nobody on call.");
        });
        return command;
    }

    private static string Hours(TimeSpan span) => span.TotalHours >= 1 ? $"{span.TotalHours:0.#} h" : $"{span.TotalMinutes:0} min";

    /// <summary>The schedule's zone from this machine's tz database; UTC (said in the header) when it has none.</summary>
    private static TimeZoneInfo FindZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            return TimeZoneInfo.Utc;
        }
    }

    /// <summary>A time (UTC unless it has an offset) or a signed duration from now: +8h, -1d, 2h.</summary>
    internal static Option<DateTimeOffset?> When(Globals globals, string name, string description) => Syntax.Checked<DateTimeOffset?>(
        new Option<DateTimeOffset?>(name) { Description = description, HelpName = "WHEN" },
        (string text, out DateTimeOffset? at, out string error) =>
        {
            var trimmed = text.Trim();
            var now = globals.Context.Time.GetUtcNow();
            var sign = trimmed.StartsWith('-') ? -1 : 1;
            if (Syntax.TryDuration(trimmed.TrimStart('+', '-'), out var offset, out _))
            {
                at = now + (sign * offset);
                error = "";
                return true;
            }
            if (trimmed == "now")
            {
                at = now;
                error = "";
                return true;
            }
            if (DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var value))
            {
                at = value;
                error = "";
                return true;
            }
            at = null;
            error = $"'{text}' is neither a time (2026-12-24T03:00, 2026-12-24T03:00+01:00) nor a duration from now (+8h, -1d).";
            return false;
        });
}
