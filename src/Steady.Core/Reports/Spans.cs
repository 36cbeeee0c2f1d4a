using NodaTime;

namespace Steady.Core.Reports;

/// <summary>A half-open stretch of time [Start, End).</summary>
public readonly record struct Span(Instant Start, Instant End)
{
    public Duration Length => End > Start ? End - Start : Duration.Zero;

    public bool IsEmpty => End <= Start;

    public bool Contains(Instant at) => Start <= at && at < End;
}

/// <summary>Interval arithmetic over <see cref="Span"/>s: union, difference, clipping, totals.</summary>
public static class Spans
{
    /// <summary>The spans merged: sorted, overlapping or touching ones joined, empty ones dropped.</summary>
    public static IReadOnlyList<Span> Union(IEnumerable<Span> spans)
    {
        var sorted = spans.Where(s => !s.IsEmpty).OrderBy(s => s.Start).ToList();
        var result = new List<Span>(sorted.Count);
        foreach (var span in sorted)
        {
            if (result.Count > 0 && span.Start <= result[^1].End)
            {
                if (span.End > result[^1].End)
                    result[^1] = result[^1] with { End = span.End };
            }
            else
            {
                result.Add(span);
            }
        }
        return result;
    }

    /// <summary>What of <paramref name="spans"/> lies outside every span of <paramref name="remove"/>.</summary>
    public static IReadOnlyList<Span> Except(IEnumerable<Span> spans, IEnumerable<Span> remove)
    {
        var cuts = Union(remove);
        var result = new List<Span>();
        foreach (var span in Union(spans))
        {
            var start = span.Start;
            foreach (var cut in cuts)
            {
                if (cut.End <= start || cut.Start >= span.End)
                    continue;
                if (cut.Start > start)
                    result.Add(new Span(start, cut.Start));
                start = cut.End > start ? cut.End : start;
                if (start >= span.End)
                    break;
            }
            if (start < span.End)
                result.Add(new Span(start, span.End));
        }
        return result;
    }

    /// <summary>The parts of the spans inside <paramref name="window"/>.</summary>
    public static IReadOnlyList<Span> Clip(IEnumerable<Span> spans, Span window) =>
        spans.Select(s => new Span(s.Start > window.Start ? s.Start : window.Start, s.End < window.End ? s.End : window.End))
            .Where(s => !s.IsEmpty)
            .ToList();

    public static Duration Total(IEnumerable<Span> spans) => spans.Aggregate(Duration.Zero, (sum, s) => sum + s.Length);

    /// <summary>The longest span after merging touching ones (zero when there is none).</summary>
    public static Duration Longest(IEnumerable<Span> spans) => Union(spans).Select(s => s.Length).DefaultIfEmpty(Duration.Zero).Max();
}
