using System.Globalization;
using System.Text.Json;

namespace Steady.Server.Tests.Import;

/// <summary>
/// Who Grafana OnCall has on call, computed from the export itself as its API reference and RFC 5545 describe it —
/// written here without Steady's calculator, NodaTime or the importer, on .NET's own TimeZoneInfo:
/// - a shift's events start at <c>start</c> (local time in the shift's zone, else the schedule's) and recur every
///   <c>interval</c> hours, days or weeks — or, with <c>by_day</c>, on those days of every week, weeks counted from
///   <c>week_start</c> — each lasting <c>duration</c> seconds of wall-clock time; no event starts after <c>until</c>;
/// - <c>rolling_users</c> take the recurrence's time frames (the interval, or the week) in turn, from
///   <c>start_rotation_from_user_index</c>; a single_event is one event;
/// - where events overlap, the higher <c>level</c> is on call; overrides win over every level;
/// - an escalation chain runs its steps in position order: notify steps at once, wait steps for their duration,
///   repeat_escalation from the top 5 more times. Steps the importer says it cannot carry are left out here too.
/// </summary>
public sealed class GrafanaOnCallOracle
{
    public sealed record Shift(string Id, string Type, int Level, DateTime Start, long Duration, string? Frequency, int Interval, DateTime? Until, int[] Days, int WeekStart, string[] Users);

    public sealed record Schedule(string Id, string Name, TimeZoneInfo Zone, Shift[] Shifts, Shift[] Overrides);

    public sealed record Step(string Type, long Seconds, string[] Users, string? Schedule);

    public sealed record Chain(string Id, string Name, Step[] Steps);

    private static readonly string[] IcalDays = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

    public Dictionary<string, string> Emails { get; } = [];

    public Dictionary<string, Schedule> Schedules { get; } = [];

    public Dictionary<string, Chain> Chains { get; } = [];

    public static GrafanaOnCallOracle Load(string folder)
    {
        var oracle = new GrafanaOnCallOracle();
        using var users = Read(folder, "users.json");
        foreach (var u in users.RootElement.GetProperty("results").EnumerateArray())
            oracle.Emails[u.GetProperty("id").GetString()!] = u.GetProperty("email").GetString()!;
        using var shifts = Read(folder, "on_call_shifts.json");
        var byId = shifts.RootElement.GetProperty("results").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!, s => s.Clone());
        using var schedules = Read(folder, "schedules.json");
        foreach (var s in schedules.RootElement.GetProperty("results").EnumerateArray())
        {
            var all = s.GetProperty("on_call_shifts").EnumerateArray().Select(id => ToShift(byId[id.GetString()!])).ToList();
            oracle.Schedules[s.GetProperty("id").GetString()!] = new Schedule(s.GetProperty("id").GetString()!, s.GetProperty("name").GetString()!,
                TimeZoneInfo.FindSystemTimeZoneById(s.GetProperty("time_zone").GetString()!), all.Where(x => x.Type != "override").ToArray(), all.Where(x => x.Type == "override").ToArray());
        }
        using var chains = Read(folder, "escalation_chains.json");
        using var policies = Read(folder, "escalation_policies.json");
        foreach (var c in chains.RootElement.GetProperty("results").EnumerateArray())
        {
            var id = c.GetProperty("id").GetString()!;
            var steps = policies.RootElement.GetProperty("results").EnumerateArray()
                .Where(p => p.GetProperty("escalation_chain_id").GetString() == id)
                .OrderBy(p => p.GetProperty("position").GetInt32())
                .Select(p => new Step(
                    p.GetProperty("type").GetString()!,
                    p.TryGetProperty("duration", out var d) ? d.GetInt64() : 0,
                    p.TryGetProperty("persons_to_notify", out var persons) ? persons.EnumerateArray().Select(x => x.GetString()!).ToArray() : [],
                    p.TryGetProperty("notify_on_call_from_schedule", out var sc) ? sc.GetString() : null))
                .ToArray();
            oracle.Chains[id] = new Chain(id, c.GetProperty("name").GetString()!, steps);
        }
        return oracle;
    }

    private static JsonDocument Read(string folder, string file) => JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, file)));

    private static DateTime Local(string text) => DateTime.ParseExact(text, "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    private static Shift ToShift(JsonElement s)
    {
        string? Text(string name) => s.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var users = s.TryGetProperty("rolling_users", out var rolling) && rolling.ValueKind == JsonValueKind.Array
            ? rolling.EnumerateArray().Select(g => g[0].GetString()!).ToArray()
            : s.GetProperty("users").EnumerateArray().Select(u => u.GetString()!).ToArray();
        var first = s.TryGetProperty("start_rotation_from_user_index", out var f) && f.ValueKind == JsonValueKind.Number ? f.GetInt32() : 0;
        users = users.Skip(first).Concat(users.Take(first)).ToArray();
        var days = s.TryGetProperty("by_day", out var byDay) && byDay.ValueKind == JsonValueKind.Array ? byDay.EnumerateArray().Select(d => Array.IndexOf(IcalDays, d.GetString()) + 1).ToArray() : [];
        return new Shift(
            s.GetProperty("id").GetString()!,
            s.GetProperty("type").GetString()!,
            s.TryGetProperty("level", out var level) ? level.GetInt32() : 0,
            Local(Text("start")!),
            s.GetProperty("duration").GetInt64(),
            Text("frequency"),
            s.TryGetProperty("interval", out var interval) && interval.ValueKind == JsonValueKind.Number ? interval.GetInt32() : 1,
            Text("until") is { } until ? Local(until) : null,
            days,
            Array.IndexOf(IcalDays, Text("week_start") ?? "SU") + 1,
            users);
    }

    /// <summary>The email of whoever is on call in the schedule at <paramref name="t"/>, or null.</summary>
    public string? OnCall(Schedule s, DateTimeOffset t)
    {
        foreach (var o in s.Overrides)
        {
            var start = Utc(s.Zone, o.Start);
            if (start <= t && t < Utc(s.Zone, o.Start.AddSeconds(o.Duration)))
                return Emails[o.Users[0]];
        }
        string? best = null;
        var bestLevel = int.MinValue;
        foreach (var shift in s.Shifts)
        {
            if (shift.Level >= bestLevel && Covering(s.Zone, shift, t) is { } user)
                (best, bestLevel) = (Emails[user], shift.Level);
        }
        return best;
    }

    /// <summary>Who the shift has on call at <paramref name="t"/>: the user of an event that covers it, or null.</summary>
    private static string? Covering(TimeZoneInfo zone, Shift shift, DateTimeOffset t)
    {
        bool Covers(DateTime eventStart) =>
            eventStart >= shift.Start && (shift.Until is null || eventStart <= shift.Until) &&
            Utc(zone, eventStart) <= t && t < Utc(zone, eventStart.AddSeconds(shift.Duration));
        if (shift.Type == "single_event")
            return Covers(shift.Start) ? shift.Users[0] : null;
        var local = TimeZoneInfo.ConvertTime(t, zone).DateTime;
        var n = shift.Users.Length;
        if (shift.Days.Length > 0)
        {
            DateTime WeekOf(DateTime d) => d.Date.AddDays(-(((Iso(d) - shift.WeekStart) % 7 + 7) % 7));
            for (var back = 0; back <= 1; back++)
            {
                var day = local.Date.AddDays(-back);
                var eventStart = day + shift.Start.TimeOfDay;
                if (!shift.Days.Contains(Iso(day)) || !Covers(eventStart))
                    continue;
                var week = (long)(WeekOf(day) - WeekOf(shift.Start)).TotalDays / 7;
                return shift.Users[(int)(((week % n) + n) % n)];
            }
            return null;
        }
        DateTime Frame(long k) => shift.Frequency switch
        {
            "hourly" => shift.Start.AddHours(k * shift.Interval),
            "daily" => shift.Start.AddDays(k * shift.Interval),
            _ => shift.Start.AddDays(7 * k * shift.Interval),
        };
        var frameDays = shift.Frequency switch { "hourly" => 1.0 / 24, "daily" => 1.0, _ => 7.0 } * shift.Interval;
        var guess = (long)Math.Floor((local - shift.Start).TotalDays / frameDays);
        for (var k = guess + 1; k >= guess - 2; k--)
        {
            if (Covers(Frame(k)))
                return shift.Users[(int)(((k % n) + n) % n)];
        }
        return null;
    }

    private static int Iso(DateTime d) => d.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)d.DayOfWeek;

    /// <summary>A wall-clock time in the zone as an instant: skipped times move past the jump, repeated ones take their first occurrence.</summary>
    private static DateTimeOffset Utc(TimeZoneInfo zone, DateTime local)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
            return new DateTimeOffset(local - zone.GetUtcOffset(local.AddHours(-3)), TimeSpan.Zero);
        if (zone.IsAmbiguousTime(local))
            return new DateTimeOffset(local, zone.GetAmbiguousTimeOffsets(local).Max());
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    /// <summary>Who the chain notifies after an alert at <paramref name="t0"/>: each notification's minute and the people, in order.</summary>
    public List<string> Notifications(Chain chain, DateTimeOffset t0)
    {
        var sent = new List<(DateTimeOffset At, List<string> People)>();
        var t = t0;
        for (var pass = 0; pass <= 5; pass++)
        {
            var repeats = false;
            foreach (var step in chain.Steps)
            {
                var people = step.Type switch
                {
                    "notify_persons" => step.Users.Select(u => Emails[u]).ToList(),
                    "notify_on_call_from_schedule" => OnCall(Schedules[step.Schedule!], t) is { } e ? [e] : [],
                    _ => [],
                };
                if (step.Type == "wait")
                    t = t.AddSeconds(step.Seconds);
                if (people.Count > 0 && sent.Count > 0 && sent[^1].At == t)
                    sent[^1].People.AddRange(people);
                else if (people.Count > 0)
                    sent.Add((t, people));
                if (step.Type == "repeat_escalation")
                {
                    repeats = true;
                    break;
                }
            }
            if (!repeats)
                break;
        }
        return sent.Select(s => $"+{(s.At - t0).TotalMinutes:0}m {string.Join(",", s.People.Distinct().Order(StringComparer.Ordinal))}").ToList();
    }
}
