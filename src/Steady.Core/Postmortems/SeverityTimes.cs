namespace Steady.Core.Postmortems;

/// <summary>A change of an incident's severity: when, from which level, to which.</summary>
public sealed record SeverityChange(DateTimeOffset At, string From, string To);

/// <summary>How long an incident was at one severity (all its stretches at that level together).</summary>
public sealed record SeverityPeriod(string Severity, TimeSpan Duration);

/// <summary>The impact section's time spent at each severity, from the declaration to the resolution (or now).</summary>
public static class SeverityTimes
{
    /// <summary>
    /// The time at each severity, in the order the incident first held them. The level at declaration is the
    /// first change's "from" (the current one when it never changed); changes outside declared … end are clipped.
    /// </summary>
    public static IReadOnlyList<SeverityPeriod> From(string current, DateTimeOffset declared, DateTimeOffset end, IEnumerable<SeverityChange> changes)
    {
        var ordered = changes.OrderBy(c => c.At).ToList();
        var periods = new List<SeverityPeriod>();
        void Add(string severity, DateTimeOffset from, DateTimeOffset to)
        {
            var length = (to < end ? to : end) - (from > declared ? from : declared);
            if (length < TimeSpan.Zero)
                length = TimeSpan.Zero;
            var index = periods.FindIndex(p => string.Equals(p.Severity, severity, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
                periods.Add(new(severity, length));
            else
                periods[index] = periods[index] with { Duration = periods[index].Duration + length };
        }
        var level = ordered.Count > 0 ? ordered[0].From : current;
        var since = declared;
        foreach (var change in ordered)
        {
            Add(level, since, change.At);
            level = change.To;
            since = change.At;
        }
        Add(level, since, end);
        return periods.Where(p => p.Duration > TimeSpan.Zero || periods.Count == 1).ToList();
    }
}
