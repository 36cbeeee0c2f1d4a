using NodaTime;
using NodaTime.Text;
using Steady.Core.Alerts;
using Steady.Server.Features.OnCall.Schedules;

namespace Steady.Server.Features.Alerts.Silences;

/// <summary>One matcher row of the silence form: a label, how it compares (=, !=, =~, !~), a value. A row without a label is ignored.</summary>
public sealed class MatcherForm
{
    public string? Name { get; set; }

    public string Op { get; set; } = "=";

    public string? Value { get; set; }

    public Matcher ToMatcher() => new(Name!.Trim(), Value ?? "", IsRegex: Op is "=~" or "!~", IsEqual: Op is "=" or "=~");
}

/// <summary>
/// When a silence or maintenance window starts (a local time in the person's zone, or now) and when it ends: after a
/// length chosen from a list, or at a local date and time in the person's zone (which wins when both are given).
/// </summary>
public static class SuppressionTimes
{
    public static readonly (int Minutes, string Label)[] Durations =
        [(30, "30 minutes"), (60, "1 hour"), (120, "2 hours"), (240, "4 hours"), (480, "8 hours"), (1440, "1 day"), (4320, "3 days"), (10080, "7 days")];

    /// <summary>The start as an instant (null: now), or an error for the field.</summary>
    public static (DateTimeOffset? At, string? Error) Start(string? local, string zoneId) =>
        Local(local, zoneId, "Give the start as a date and time, or leave it empty for now.");

    /// <summary>The end as an instant (null: after the chosen length), or an error for the field.</summary>
    public static (DateTimeOffset? At, string? Error) End(string? local, string zoneId) =>
        Local(local, zoneId, "Give the end as a date and time, or leave it empty to use the length.");

    /// <summary>Start and end together: the errors go on <c>StartsAt</c> and <c>EndsAt</c>; the length counts only without an end.</summary>
    public static (DateTimeOffset? Start, DateTimeOffset? End, int? Minutes, List<(string Field, string Error)> Errors) Read(string? start, string? end, int minutes, string zoneId)
    {
        var errors = new List<(string, string)>();
        var (from, startError) = Start(start, zoneId);
        if (startError is not null)
            errors.Add(("StartsAt", startError));
        var (until, endError) = End(end, zoneId);
        if (endError is not null)
            errors.Add(("EndsAt", endError));
        return (from, until, until is null ? minutes : null, errors);
    }

    private static (DateTimeOffset? At, string? Error) Local(string? local, string zoneId, string error)
    {
        if (string.IsNullOrWhiteSpace(local))
            return (null, null);
        var parsed = LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm").Parse(local.Trim());
        if (!parsed.Success || parsed.Value.Year is < 2000 or > 2100)
            return (null, error);
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId) ?? DateTimeZone.Utc;
        return (zone.ResolveLocal(parsed.Value, Steady.Core.OnCall.ScheduleCalculator.Resolver).ToDateTimeOffset(), null);
    }

    public static string Format(DateTimeOffset at, string zoneId) => Zoned.Format(at, zoneId);
}
