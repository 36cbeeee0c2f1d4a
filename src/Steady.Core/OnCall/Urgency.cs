using NodaTime;
using NodaTime.Text;
using Steady.Core.Alerts;

namespace Steady.Core.OnCall;

/// <summary>How urgently a page must reach someone: high at any hour, low during the service's business hours.</summary>
public enum Urgency
{
    High,
    Low,
}

public static class Urgencies
{
    /// <summary>The service settings: by severity (critical and error high, warning and info low), always high, or always low.</summary>
    public static readonly IReadOnlyList<string> Settings = ["severity", "high", "low"];

    public static Urgency For(Severity severity, string setting) => setting switch
    {
        "high" => Urgency.High,
        "low" => Urgency.Low,
        _ => severity >= Severity.Error ? Urgency.High : Urgency.Low,
    };

    public static string ToWire(this Urgency urgency) => urgency == Urgency.High ? "high" : "low";

    public static Urgency Parse(string wire) => wire == "low" ? Urgency.Low : Urgency.High;

    public static string ToWire(this RuleUrgency urgency) => urgency switch
    {
        RuleUrgency.High => "high",
        RuleUrgency.Low => "low",
        _ => "any",
    };

    /// <summary>A rule's urgency as written (high, low or any, any case, trimmed), or null when it is none of them.</summary>
    public static RuleUrgency? ParseRule(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "high" => RuleUrgency.High,
        "low" => RuleUrgency.Low,
        "any" => RuleUrgency.Any,
        _ => null,
    };

    /// <summary>Whether a notification rule of this urgency applies to a page of <paramref name="urgency"/>.</summary>
    public static bool Covers(this RuleUrgency rule, Urgency urgency) =>
        rule == RuleUrgency.Any || (rule == RuleUrgency.High) == (urgency == Urgency.High);
}

/// <summary>Which pages a person's notification rule is for: high-urgency ones, low-urgency ones, or any.</summary>
public enum RuleUrgency
{
    Any,
    High,
    Low,
}

/// <summary>
/// When a service's people work: local times on some weekdays in a zone. Low-urgency pages wait for
/// them. An end at or before the start runs past midnight (22:00–06:00).
/// </summary>
public sealed record BusinessHours(string TimeZone, IReadOnlyList<IsoDayOfWeek> Days, LocalTime Start, LocalTime End)
{
    private static readonly LocalTimePattern Clock = LocalTimePattern.CreateWithInvariantCulture("HH':'mm");

    public bool IsOpenAt(Instant at)
    {
        var zone = DateTimeZoneProviders.Tzdb[TimeZone];
        var local = at.InZone(zone).LocalDateTime;
        // Today's window, and yesterday's when it runs past midnight.
        foreach (var day in new[] { local.Date, local.Date.PlusDays(-1) })
        {
            if (!Days.Contains(day.DayOfWeek))
                continue;
            var (open, close) = Window(zone, day);
            if (open <= at && at < close)
                return true;
        }
        return false;
    }

    /// <summary>The first instant at or after <paramref name="at"/> inside business hours (<paramref name="at"/> itself when open).</summary>
    public Instant NextOpening(Instant at)
    {
        if (Days.Count == 0 || IsOpenAt(at))
            return at;
        var zone = DateTimeZoneProviders.Tzdb[TimeZone];
        var date = at.InZone(zone).Date;
        for (var i = 0; i <= 8; i++, date = date.PlusDays(1))
        {
            if (!Days.Contains(date.DayOfWeek))
                continue;
            var (open, _) = Window(zone, date);
            if (open >= at)
                return open;
        }
        return at;
    }

    /// <summary>"Mon–Fri 09:00–17:00 Europe/Berlin".</summary>
    public string Describe()
    {
        var days = Days.Order().ToList();
        var dayText = days.Count == 7 ? "every day"
            : days.SequenceEqual([IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday]) ? "Mon–Fri"
            : string.Join(", ", days.Select(d => d.ToString()[..3]));
        return $"{dayText} {Clock.Format(Start)}–{Clock.Format(End)} {TimeZone}";
    }

    private (Instant Open, Instant Close) Window(DateTimeZone zone, LocalDate date)
    {
        var open = zone.ResolveLocal(date + Start, ScheduleCalculator.Resolver).ToInstant();
        var closeDate = End <= Start ? date.PlusDays(1) : date;
        var close = zone.ResolveLocal(closeDate + End, ScheduleCalculator.Resolver).ToInstant();
        return (open, close);
    }

    /// <summary>Reads the written form; null when absent or wrong, with what is wrong added to <paramref name="errors"/>.</summary>
    public static BusinessHours? Parse(BusinessHoursDefinition? definition, List<string> errors)
    {
        if (definition is null)
            return null;
        var before = errors.Count;
        if (definition.TimeZone is null || DateTimeZoneProviders.Tzdb.GetZoneOrNull(definition.TimeZone) is null)
            errors.Add($"businessHours.timeZone '{definition.TimeZone}' is not an IANA time zone like Europe/Berlin.");
        var start = Clock.Parse(definition.Start ?? "");
        var end = Clock.Parse(definition.End ?? "");
        if (!start.Success || !end.Success)
            errors.Add("businessHours needs start and end like 09:00 and 17:00.");
        var days = new List<IsoDayOfWeek>();
        foreach (var day in definition.Days ?? ["monday", "tuesday", "wednesday", "thursday", "friday"])
        {
            if (Enum.TryParse<IsoDayOfWeek>(day, ignoreCase: true, out var d) && d != IsoDayOfWeek.None && !day.All(char.IsAsciiDigit))
                days.Add(d);
            else
                errors.Add($"businessHours.days has '{day}'; use monday … sunday.");
        }
        if (definition.Days is { Count: 0 })
            errors.Add("businessHours.days needs at least one day.");
        if (errors.Count > before)
            return null;
        return new BusinessHours(definition.TimeZone!, days.Distinct().ToList(), start.Value, end.Value);
    }
}

/// <summary>Business hours as written in the API and stored: a zone, weekdays (default Monday to Friday), "09:00" and "17:00".</summary>
public sealed record BusinessHoursDefinition(string? TimeZone = null, IReadOnlyList<string>? Days = null, string? Start = null, string? End = null);

/// <summary>How long to wait before retrying a delivery that failed for now: doubling from a base, capped.</summary>
public static class Backoff
{
    public static TimeSpan After(int attempts, TimeSpan initial, TimeSpan cap, TimeSpan? retryAfter = null)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var wait = TimeSpan.FromTicks((long)Math.Min(initial.Ticks * Math.Pow(2, exponent), cap.Ticks));
        if (retryAfter is { } asked && asked > wait)
            wait = asked < cap ? asked : cap;
        return wait;
    }
}
