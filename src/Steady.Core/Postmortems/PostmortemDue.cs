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
    /// The due instant: <paramref name="from"/> plus the deadline's days, at the same time of day (UTC).
    /// Business days skip Saturdays and Sundays; a start on a weekend counts from the Monday after.
    /// </summary>
    public static DateTimeOffset For(PostmortemDeadline deadline, DateTimeOffset from)
    {
        var at = from.ToUniversalTime();
        if (!deadline.BusinessDays)
            return at.AddDays(deadline.Days);
        var left = deadline.Days;
        while (left > 0)
        {
            at = at.AddDays(1);
            if (at.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
                left--;
        }
        return at;
    }

    public static DateTimeOffset For(string severity, DateTimeOffset from) => For(DefaultFor(severity), from);
}
