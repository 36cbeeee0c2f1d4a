using NodaTime;

namespace Steady.Core.Postmortems;

/// <summary>How long a severity gives a postmortem's owner: a number of days, calendar or business (Monday to Friday).</summary>
public sealed record PostmortemDeadline(int Days, bool BusinessDays);

/// <summary>When a postmortem is due, counted from when its incident was resolved.</summary>
public static class PostmortemDue
{
    /// <summary>For a severity whose table row sets no deadline: 10 business days.</summary>
    public static readonly PostmortemDeadline Fallback = new(10, BusinessDays: true);

    /// <summary>The default severity table's: SEV1 3 days; SEV2 5 business days; any other severity <see cref="Fallback"/>.</summary>
    public static PostmortemDeadline DefaultFor(string severity) => Incidents.SeverityTable.Default.PostmortemDeadlineOf(severity);

    /// <summary>
    /// The due instant: <paramref name="from"/> plus the deadline's days, at the same local time of day in
    /// <paramref name="zone"/> (the organisation's; UTC when not given). Days are counted on the zone's
    /// calendar, so a weekend is the zone's Saturday and Sunday and a DST change keeps the time of day.
    /// Business days skip Saturdays and Sundays; a start on a weekend counts from the Monday after.
    /// </summary>
    public static DateTimeOffset For(PostmortemDeadline deadline, DateTimeOffset from, DateTimeZone? zone = null)
    {
        zone ??= DateTimeZone.Utc;
        var local = Instant.FromDateTimeOffset(from).InZone(zone).LocalDateTime;
        if (!deadline.BusinessDays)
        {
            local = local.PlusDays(deadline.Days);
        }
        else
        {
            var left = deadline.Days;
            while (left > 0)
            {
                local = local.PlusDays(1);
                if (local.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday))
                    left--;
            }
        }
        // A time of day the zone skips (DST) moves forward by the gap; a repeated one takes its earlier instant.
        return local.InZoneLeniently(zone).ToDateTimeOffset().ToUniversalTime();
    }

    public static DateTimeOffset For(string severity, DateTimeOffset from) => For(DefaultFor(severity), from);
}
