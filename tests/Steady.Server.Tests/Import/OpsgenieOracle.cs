using System.Globalization;
using System.Text.Json;

namespace Steady.Server.Tests.Import;

/// <summary>
/// Who Opsgenie has on call, computed from the export itself as Opsgenie's documentation describes it — written
/// here without Steady's calculator, NodaTime or the importer, on .NET's own TimeZoneInfo:
/// - a rotation covers [startDate, endDate); its turns are <c>length</c> hours, days or weeks of wall-clock time in
///   the schedule's zone counted from startDate, and the participants take turns in their order;
/// - a time-of-day restriction limits it to a daily window (past midnight when the end is earlier); a
///   weekday-and-time-of-day one to windows from a weekday and time to a weekday and time;
/// - everyone on call in any rotation is on call for the schedule ("all on-call users from different rotations are
///   notified"); an override of the whole schedule puts its user alone on call; one naming rotations replaces
///   those rotations' person;
/// - escalation rules fire at their delay after the alert's creation (rules with the same delay together); after the
///   last rule the escalation waits <c>repeat.waitInterval</c> and starts over, <c>repeat.count</c> more times. A rule
///   whose schedule has nobody on call notifies nobody, and the next rule still waits for its own delay.
/// Rules the importer says it cannot carry (a rotation's next or previous person, a team's own escalation) are left
/// out here too: the import's notes name them.
/// </summary>
public sealed class OpsgenieOracle
{
    public sealed record Window(int StartDay, TimeSpan Start, int EndDay, TimeSpan End, bool Weekly);

    public sealed record Rotation(string Id, string Name, DateTimeOffset Start, DateTimeOffset? End, DateTime StartLocal, string Type, int Length, string[] Users, Window[] Windows);

    public sealed record Override(string User, DateTimeOffset Start, DateTimeOffset End, string[] Rotations);

    public sealed record Schedule(string Id, string Name, TimeZoneInfo Zone, Rotation[] Rotations, Override[] Overrides);

    public sealed record Rule(long Delay, string Kind, string Id, string NotifyType);

    public sealed record Escalation(string Name, Rule[] Rules, int Count, long WaitInterval);

    public Dictionary<string, string> Emails { get; } = [];

    public Dictionary<string, string[]> TeamMembers { get; } = [];

    public Dictionary<string, Schedule> Schedules { get; } = [];

    public Dictionary<string, Escalation> Escalations { get; } = [];

    public static OpsgenieOracle Load(string folder)
    {
        var oracle = new OpsgenieOracle();
        using var users = Read(folder, "users.json");
        foreach (var u in users.RootElement.GetProperty("data").EnumerateArray())
            oracle.Emails[u.GetProperty("id").GetString()!] = u.GetProperty("username").GetString()!;
        using var teams = Read(folder, "teams.json");
        foreach (var t in teams.RootElement.GetProperty("data").EnumerateArray())
            oracle.TeamMembers[t.GetProperty("id").GetString()!] = t.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("user").GetProperty("id").GetString()!).ToArray();
        using var schedules = Read(folder, "schedules.json");
        foreach (var s in schedules.RootElement.GetProperty("data").EnumerateArray())
        {
            var id = s.GetProperty("id").GetString()!;
            var zone = TimeZoneInfo.FindSystemTimeZoneById(s.GetProperty("timezone").GetString()!);
            var rotations = s.GetProperty("rotations").EnumerateArray().Select(r =>
            {
                var start = Time(r.GetProperty("startDate"));
                return new Rotation(
                    r.GetProperty("id").GetString()!,
                    r.GetProperty("name").GetString()!,
                    start,
                    r.TryGetProperty("endDate", out var end) ? Time(end) : null,
                    TimeZoneInfo.ConvertTime(start, zone).DateTime,
                    r.GetProperty("type").GetString()!,
                    r.GetProperty("length").GetInt32(),
                    r.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("id").GetString()!).ToArray(),
                    r.TryGetProperty("timeRestriction", out var tr) ? Windows(tr) : []);
            }).ToArray();
            var overrides = new List<Override>();
            var file = Path.Combine(folder, "overrides", id + ".json");
            if (File.Exists(file))
            {
                using var o = JsonDocument.Parse(File.ReadAllText(file));
                overrides.AddRange(o.RootElement.GetProperty("data").EnumerateArray().Select(x => new Override(
                    x.GetProperty("user").GetProperty("id").GetString()!, Time(x.GetProperty("startDate")), Time(x.GetProperty("endDate")),
                    x.GetProperty("rotations").EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToArray())));
            }
            oracle.Schedules[id] = new Schedule(id, s.GetProperty("name").GetString()!, zone, rotations, overrides.ToArray());
        }
        using var escalations = Read(folder, "escalations.json");
        foreach (var e in escalations.RootElement.GetProperty("data").EnumerateArray())
        {
            var rules = e.GetProperty("rules").EnumerateArray().Select(r =>
            {
                var delay = r.GetProperty("delay");
                var amount = delay.GetProperty("timeAmount").GetInt64();
                var minutes = delay.GetProperty("timeUnit").GetString() switch { "hours" => amount * 60, "days" => amount * 1440, _ => amount };
                var recipient = r.GetProperty("recipient");
                return new Rule(minutes, recipient.GetProperty("type").GetString()!, recipient.GetProperty("id").GetString()!, r.GetProperty("notifyType").GetString()!);
            }).ToArray();
            var repeat = e.GetProperty("repeat");
            oracle.Escalations[e.GetProperty("id").GetString()!] = new Escalation(e.GetProperty("name").GetString()!, rules, repeat.GetProperty("count").GetInt32(), repeat.GetProperty("waitInterval").GetInt64());
        }
        return oracle;
    }

    private static JsonDocument Read(string folder, string file) => JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, file)));

    private static DateTimeOffset Time(JsonElement e) => DateTimeOffset.Parse(e.GetString()!, CultureInfo.InvariantCulture);

    private static Window[] Windows(JsonElement restriction)
    {
        static TimeSpan At(JsonElement r, string prefix) => new(r.GetProperty(prefix + "Hour").GetInt32(), r.GetProperty(prefix + "Min").GetInt32(), 0);
        static int Day(JsonElement r, string name) => r.GetProperty(name).GetString() switch
        {
            "monday" => 1, "tuesday" => 2, "wednesday" => 3, "thursday" => 4, "friday" => 5, "saturday" => 6, "sunday" => 7,
            var other => throw new InvalidOperationException(other),
        };
        if (restriction.GetProperty("type").GetString() == "time-of-day")
        {
            var r = restriction.GetProperty("restriction");
            return [new Window(0, At(r, "start"), 0, At(r, "end"), false)];
        }
        return restriction.GetProperty("restrictions").EnumerateArray().Select(r => new Window(Day(r, "startDay"), At(r, "start"), Day(r, "endDay"), At(r, "end"), true)).ToArray();
    }

    /// <summary>The emails of everyone on call in the schedule at <paramref name="t"/>, in order; empty in a gap.</summary>
    public List<string> OnCall(Schedule s, DateTimeOffset t)
    {
        var whole = s.Overrides.FirstOrDefault(o => o.Rotations.Length == 0 && o.Start <= t && t < o.End);
        if (whole is not null)
            return [Emails[whole.User]];
        var people = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var rotation in s.Rotations)
        {
            if (t < rotation.Start || (rotation.End is { } end && t >= end))
                continue;
            var swap = s.Overrides.FirstOrDefault(o => o.Rotations.Contains(rotation.Id) && o.Start <= t && t < o.End);
            if (swap is not null)
            {
                people.Add(Emails[swap.User]);
                continue;
            }
            if (rotation.Windows.Length > 0 && !rotation.Windows.Any(w => Within(s.Zone, w, t)))
                continue;
            var k = Turn(s.Zone, rotation, t);
            var n = rotation.Users.Length;
            people.Add(Emails[rotation.Users[(int)(((k % n) + n) % n)]]);
        }
        return [.. people];
    }

    private static DateTime Advance(Rotation r, long k) => r.Type switch
    {
        "hourly" => r.StartLocal.AddHours(k * r.Length),
        "daily" => r.StartLocal.AddDays(k * r.Length),
        _ => r.StartLocal.AddDays(7 * k * r.Length),
    };

    private static long Turn(TimeZoneInfo zone, Rotation r, DateTimeOffset t)
    {
        var unit = r.Type switch { "hourly" => 1.0 / 24, "daily" => 1.0, _ => 7.0 } * r.Length;
        var local = TimeZoneInfo.ConvertTime(t, zone).DateTime;
        var k = (long)Math.Floor((local - r.StartLocal).TotalDays / unit);
        while (Utc(zone, Advance(r, k)) > t)
            k--;
        while (Utc(zone, Advance(r, k + 1)) <= t)
            k++;
        return k;
    }

    private static bool Within(TimeZoneInfo zone, Window w, DateTimeOffset t)
    {
        var today = TimeZoneInfo.ConvertTime(t, zone).Date;
        for (var back = 8; back >= 0; back--)
        {
            var day = today.AddDays(-back);
            var iso = day.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)day.DayOfWeek;
            if (w.Weekly && iso != w.StartDay)
                continue;
            var start = day + w.Start;
            DateTime end;
            if (w.Weekly)
            {
                end = day.AddDays(((w.EndDay - w.StartDay) + 7) % 7) + w.End;
                if (end <= start)
                    end = end.AddDays(7);
            }
            else
            {
                end = (w.End > w.Start ? day : day.AddDays(1)) + w.End;
            }
            if (Utc(zone, start) <= t && t < Utc(zone, end))
                return true;
        }
        return false;
    }

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

    /// <summary>
    /// Who the escalation notifies after an alert created at <paramref name="t0"/>: each notification's minute and the
    /// people, in order; <paramref name="reachedNobody"/> says whether some rule's schedule had nobody on call.
    /// </summary>
    public List<string> Notifications(Escalation e, DateTimeOffset t0, out bool reachedNobody)
    {
        reachedNobody = false;
        var timeline = new List<string>();
        var carried = e.Rules.Where(r => r.Kind == "user" || (r.Kind == "schedule" && r.NotifyType == "default") || (r.Kind == "team" && r.NotifyType == "all")).ToList();
        var passStart = t0;
        for (var pass = 0; pass <= e.Count; pass++)
        {
            foreach (var group in carried.GroupBy(r => r.Delay).OrderBy(g => g.Key))
            {
                var t = passStart.AddMinutes(group.Key);
                var people = group.SelectMany(r => r.Kind switch
                {
                    "user" => [Emails[r.Id]],
                    "team" => TeamMembers[r.Id].Select(id => Emails[id]).ToList(),
                    _ => OnCall(Schedules[r.Id], t),
                }).Distinct().Order(StringComparer.Ordinal).ToList();
                if (people.Count == 0)
                {
                    reachedNobody = true;
                    continue;
                }
                timeline.Add($"+{(t - t0).TotalMinutes:0}m {string.Join(",", people)}");
            }
            passStart = passStart.AddMinutes(e.Rules.Max(r => r.Delay) + e.WaitInterval);
        }
        return timeline;
    }
}
