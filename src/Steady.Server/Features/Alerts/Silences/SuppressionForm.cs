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

/// <summary>When a silence or maintenance window starts (a local time in the person's zone, or now) and how long it lasts.</summary>
public static class SuppressionTimes
{
    public static readonly (int Minutes, string Label)[] Durations =
        [(30, "30 minutes"), (60, "1 hour"), (120, "2 hours"), (240, "4 hours"), (480, "8 hours"), (1440, "1 day"), (4320, "3 days"), (10080, "7 days")];

    /// <summary>The start as an instant (null: now), or an error for the field.</summary>
    public static (DateTimeOffset? At, string? Error) Start(string? local, string zoneId)
    {
        if (string.IsNullOrWhiteSpace(local))
            return (null, null);
        var parsed = LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm").Parse(local.Trim());
        if (!parsed.Success || parsed.Value.Year is < 2000 or > 2100)
            return (null, "Give the start as a date and time, or leave it empty for now.");
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId) ?? DateTimeZone.Utc;
        return (zone.ResolveLocal(parsed.Value, Steady.Core.OnCall.ScheduleCalculator.Resolver).ToDateTimeOffset(), null);
    }

    public static string Format(DateTimeOffset at, string zoneId) => Zoned.Format(at, zoneId);
}
