using NodaTime;

namespace Steady.Core.StatusPage;

/// <summary>One day of a component on the page, in the page's time zone.</summary>
/// <param name="Known">False for days before the component existed: shown as "no data", left out of the %.</param>
/// <param name="MinutesDown">Major outage minutes fully, partial outage minutes at 30 %.</param>
public sealed record UptimeDay(LocalDate Date, Instant Start, Instant End, bool Known, double MinutesDown, double MinutesMajor, double MinutesPartial, double MinutesDegraded, double MinutesMaintenance, double MinutesCounted)
{
    public ComponentState Worst => MinutesMajor > 0 ? ComponentState.MajorOutage
        : MinutesPartial > 0 ? ComponentState.PartialOutage
        : MinutesDegraded > 0 ? ComponentState.DegradedPerformance
        : MinutesMaintenance > 0 ? ComponentState.UnderMaintenance
        : ComponentState.Operational;
}

/// <summary>A component's daily bars and its uptime over them.</summary>
public sealed record UptimeBars(IReadOnlyList<UptimeDay> Days, double Percent);

/// <summary>
/// Uptime from a component's state history kept as intervals. The rule (written on the page and in
/// docs/status-page.md): a minute of major outage counts fully as down, a minute of partial outage
/// at 30 %, degraded performance and maintenance not at all. Days are the page zone's calendar days
/// (23 or 25 hours across DST), the last one cut at now; days before the component existed are not counted.
/// </summary>
public static class Uptime
{
    public const double PartialWeight = 0.3;

    public static UptimeBars Compute(IEnumerable<ComponentStateInterval> history, DateTimeZone zone, Instant now, int days = 90)
    {
        var intervals = history.OrderBy(i => i.StartedAt).ToList();
        var firstKnown = intervals.Count == 0 ? now : Instant.FromDateTimeOffset(intervals[0].StartedAt);
        var today = now.InZone(zone).Date;
        var result = new List<UptimeDay>(days);
        double counted = 0, down = 0;
        for (var d = days - 1; d >= 0; d--)
        {
            var date = today.PlusDays(-d);
            var start = date.AtStartOfDayInZone(zone).ToInstant();
            var dayEnd = date.PlusDays(1).AtStartOfDayInZone(zone).ToInstant();
            var end = Instant.Min(dayEnd, now);
            var from = Instant.Max(start, firstKnown);
            if (firstKnown >= dayEnd || firstKnown > now)
            {
                result.Add(new UptimeDay(date, start, end, false, 0, 0, 0, 0, 0, 0));
                continue;
            }
            double major = 0, partial = 0, degraded = 0, maintenance = 0;
            foreach (var interval in intervals)
            {
                var a = Instant.Max(Instant.FromDateTimeOffset(interval.StartedAt), from);
                var b = Instant.Min(interval.EndedAt is { } e ? Instant.FromDateTimeOffset(e) : now, end);
                if (b <= a)
                    continue;
                var minutes = (b - a).TotalMinutes;
                switch (interval.State)
                {
                    case ComponentState.MajorOutage: major += minutes; break;
                    case ComponentState.PartialOutage: partial += minutes; break;
                    case ComponentState.DegradedPerformance: degraded += minutes; break;
                    case ComponentState.UnderMaintenance: maintenance += minutes; break;
                }
            }
            var dayDown = major + PartialWeight * partial;
            var dayCounted = Math.Max(0, (end - from).TotalMinutes);
            counted += dayCounted;
            down += dayDown;
            result.Add(new UptimeDay(date, start, end, true, dayDown, major, partial, degraded, maintenance, dayCounted));
        }
        return new UptimeBars(result, counted <= 0 ? 100 : Math.Round(100 * (1 - (down / counted)), 2));
    }

    /// <summary>Statuspage's impact of an incident from the worst state its updates set a component to.</summary>
    public static string Impact(IEnumerable<ComponentState> states)
    {
        var all = states.ToList();
        return all.Contains(ComponentState.MajorOutage) ? "critical"
            : all.Contains(ComponentState.PartialOutage) ? "major"
            : all.Contains(ComponentState.DegradedPerformance) ? "minor"
            : "none";
    }
}
