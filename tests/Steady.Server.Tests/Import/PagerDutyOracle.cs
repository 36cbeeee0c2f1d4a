using System.Globalization;
using System.Text.Json;

namespace Steady.Server.Tests.Import;

/// <summary>
/// Who PagerDuty has on call, computed from the export itself as PagerDuty's API reference describes it —
/// written here without Steady's calculator, NodaTime or the importer, on .NET's own TimeZoneInfo:
/// - a layer covers [start, end); its turns are rotation_turn_length_seconds long, counted from
///   rotation_virtual_start in the schedule's time zone (a handoff keeps its wall-clock time across DST),
///   and the users take turns in their order;
/// - restrictions limit a layer to windows: daily ones start every day at start_time_of_day, weekly ones
///   on start_day_of_week (1 Monday … 7 Sunday), and last duration_seconds of wall-clock time;
/// - later layers in schedule_layers win over earlier ones where they are on call; overrides win over all;
/// - an escalation rule notifies its users and whoever is on call in its schedules, then waits
///   escalation_delay_in_minutes; a rule that reaches nobody passes on at once; after the last rule the
///   policy starts over, num_loops more times.
/// A wall-clock time DST skips counts from the moment after the jump (02:30 → 03:30); a repeated one, its first occurrence.
/// </summary>
public sealed class PagerDutyOracle
{
    public sealed record Restriction(bool Weekly, TimeSpan StartOfDay, long DurationSeconds, int Day);

    public sealed record Layer(DateTimeOffset Start, DateTimeOffset? End, DateTime VirtualStartLocal, long TurnSeconds, string[] Users, Restriction[] Restrictions);

    public sealed record Override(string User, DateTimeOffset Start, DateTimeOffset End);

    public sealed record Schedule(string Id, string Name, TimeZoneInfo Zone, Layer[] Layers, Override[] Overrides);

    public sealed record Rule(long DelayMinutes, string[] Users, string[] Schedules);

    public sealed record Policy(string Id, string Name, int Loops, Rule[] Rules);

    public Dictionary<string, string> Emails { get; } = [];

    public Dictionary<string, Schedule> Schedules { get; } = [];

    public Dictionary<string, Policy> Policies { get; } = [];

    public static PagerDutyOracle Load(string folder)
    {
        var oracle = new PagerDutyOracle();
        using var users = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "users.json")));
        foreach (var u in users.RootElement.GetProperty("users").EnumerateArray())
            oracle.Emails[u.GetProperty("id").GetString()!] = u.GetProperty("email").GetString()!;
        using var schedules = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "schedules.json")));
        foreach (var s in schedules.RootElement.GetProperty("schedules").EnumerateArray())
        {
            var id = s.GetProperty("id").GetString()!;
            var zone = TimeZoneInfo.FindSystemTimeZoneById(s.GetProperty("time_zone").GetString()!);
            var layers = s.GetProperty("schedule_layers").EnumerateArray().Select(l => new Layer(
                Time(l.GetProperty("start")),
                l.GetProperty("end").ValueKind == JsonValueKind.Null ? null : Time(l.GetProperty("end")),
                TimeZoneInfo.ConvertTime(Time(l.GetProperty("rotation_virtual_start")), zone).DateTime,
                l.GetProperty("rotation_turn_length_seconds").GetInt64(),
                l.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("user").GetProperty("id").GetString()!).ToArray(),
                l.GetProperty("restrictions").EnumerateArray().Select(r => new Restriction(
                    r.GetProperty("type").GetString() == "weekly_restriction",
                    TimeSpan.ParseExact(r.GetProperty("start_time_of_day").GetString()!, "hh\\:mm\\:ss", CultureInfo.InvariantCulture),
                    r.GetProperty("duration_seconds").GetInt64(),
                    r.TryGetProperty("start_day_of_week", out var day) && day.ValueKind == JsonValueKind.Number ? day.GetInt32() : 0)).ToArray())).ToArray();
            var overrides = new List<Override>();
            var overrideFile = Path.Combine(folder, "overrides", id + ".json");
            if (File.Exists(overrideFile))
            {
                using var o = JsonDocument.Parse(File.ReadAllText(overrideFile));
                overrides.AddRange(o.RootElement.GetProperty("overrides").EnumerateArray().Select(x => new Override(x.GetProperty("user").GetProperty("id").GetString()!, Time(x.GetProperty("start")), Time(x.GetProperty("end")))));
            }
            oracle.Schedules[id] = new Schedule(id, s.GetProperty("name").GetString()!, zone, layers, overrides.ToArray());
        }
        using var policies = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "escalation_policies.json")));
        foreach (var p in policies.RootElement.GetProperty("escalation_policies").EnumerateArray())
        {
            var rules = p.GetProperty("escalation_rules").EnumerateArray().Select(r => new Rule(
                r.GetProperty("escalation_delay_in_minutes").GetInt64(),
                r.GetProperty("targets").EnumerateArray().Where(t => t.GetProperty("type").GetString() == "user_reference").Select(t => t.GetProperty("id").GetString()!).ToArray(),
                r.GetProperty("targets").EnumerateArray().Where(t => t.GetProperty("type").GetString() == "schedule_reference").Select(t => t.GetProperty("id").GetString()!).ToArray())).ToArray();
            oracle.Policies[p.GetProperty("id").GetString()!] = new Policy(p.GetProperty("id").GetString()!, p.GetProperty("name").GetString()!, p.GetProperty("num_loops").GetInt32(), rules);
        }
        return oracle;
    }

    private static DateTimeOffset Time(JsonElement e) => DateTimeOffset.Parse(e.GetString()!, CultureInfo.InvariantCulture);

    /// <summary>The email of whoever is on call in the schedule at <paramref name="t"/>, or null.</summary>
    public string? OnCall(Schedule s, DateTimeOffset t)
    {
        foreach (var o in s.Overrides)
        {
            if (o.Start <= t && t < o.End)
                return Emails[o.User];
        }
        for (var i = s.Layers.Length - 1; i >= 0; i--)
        {
            var layer = s.Layers[i];
            if (t < layer.Start || (layer.End is { } end && t >= end))
                continue;
            if (layer.Restrictions.Length > 0 && !layer.Restrictions.Any(r => Within(s.Zone, r, t)))
                continue;
            var k = Turn(s.Zone, layer, t);
            var n = layer.Users.Length;
            return Emails[layer.Users[(int)(((k % n) + n) % n)]];
        }
        return null;
    }

    private static long Turn(TimeZoneInfo zone, Layer layer, DateTimeOffset t)
    {
        DateTimeOffset Handoff(long k) => Utc(zone, layer.VirtualStartLocal.AddSeconds(k * layer.TurnSeconds));
        var local = TimeZoneInfo.ConvertTime(t, zone).DateTime;
        var k = (long)Math.Floor((local - layer.VirtualStartLocal).TotalSeconds / layer.TurnSeconds);
        while (Handoff(k) > t)
            k--;
        while (Handoff(k + 1) <= t)
            k++;
        return k;
    }

    private static bool Within(TimeZoneInfo zone, Restriction r, DateTimeOffset t)
    {
        var today = TimeZoneInfo.ConvertTime(t, zone).Date;
        for (var back = r.Weekly ? 7 : 1; back >= 0; back--)
        {
            var day = today.AddDays(-back);
            var iso = day.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)day.DayOfWeek;
            if (r.Weekly && iso != r.Day)
                continue;
            var startLocal = day + r.StartOfDay;
            if (Utc(zone, startLocal) <= t && t < Utc(zone, startLocal.AddSeconds(r.DurationSeconds)))
                return true;
        }
        return false;
    }

    /// <summary>A wall-clock time in the zone as an instant: skipped times move past the jump, repeated ones take their first occurrence.</summary>
    private static DateTimeOffset Utc(TimeZoneInfo zone, DateTime local)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            var before = zone.GetUtcOffset(local.AddHours(-3)); // the offset in force before the jump
            return new DateTimeOffset(local - before, TimeSpan.Zero);
        }
        if (zone.IsAmbiguousTime(local))
            return new DateTimeOffset(local, zone.GetAmbiguousTimeOffsets(local).Max());
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    /// <summary>Who the policy notifies after a trigger at <paramref name="t0"/>: each notification's minute and the people, in order.</summary>
    public List<string> Escalation(Policy p, DateTimeOffset t0)
    {
        var timeline = new List<string>();
        var t = t0;
        for (var pass = 0; pass <= p.Loops; pass++)
        {
            foreach (var rule in p.Rules)
            {
                var people = rule.Users.Select(u => Emails[u])
                    .Concat(rule.Schedules.Select(s => OnCall(Schedules[s], t)).OfType<string>())
                    .Distinct().Order(StringComparer.Ordinal).ToList();
                if (people.Count == 0)
                    continue;
                timeline.Add($"+{(t - t0).TotalMinutes:0}m {string.Join(",", people)}");
                t = t.AddMinutes(rule.DelayMinutes);
            }
        }
        return timeline;
    }
}
