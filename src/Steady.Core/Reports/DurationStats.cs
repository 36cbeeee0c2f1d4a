using NodaTime;

namespace Steady.Core.Reports;

/// <summary>How many, and the mean, median (p50) and 90th percentile of a set of durations; the figures are null when there are none.</summary>
public sealed record DurationStats(int Count, Duration? Mean, Duration? P50, Duration? P90)
{
    public static readonly DurationStats None = new(0, null, null, null);

    /// <summary>
    /// The statistics of <paramref name="values"/>. Percentiles are nearest-rank: the p-th percentile of n
    /// sorted values is the value at rank ⌈p/100 × n⌉ (so p50 of 1, 2, 3, 4 is 2 and p90 of ten values is the
    /// ninth) — always one of the values, never an interpolation. The mean is rounded to whole milliseconds.
    /// </summary>
    public static DurationStats Of(IEnumerable<Duration> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
            return None;
        var mean = Duration.FromMilliseconds(Math.Round(sorted.Average(d => d.TotalMilliseconds), MidpointRounding.AwayFromZero));
        return new DurationStats(sorted.Count, mean, Percentile(sorted, 50), Percentile(sorted, 90));
    }

    /// <summary>The nearest-rank percentile of values already sorted ascending.</summary>
    public static T Percentile<T>(IReadOnlyList<T> sorted, int percent)
    {
        if (sorted.Count == 0)
            throw new ArgumentException("No values.", nameof(sorted));
        var rank = (percent * sorted.Count + 99) / 100; // ⌈p × n / 100⌉ in integers: no floating-point rounding up
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}
