using NodaTime;

namespace Steady.Core.Reports;

/// <summary>One interruption: when it began, and the band and kind of day it began in (in the person's zone).</summary>
public readonly record struct Interruption(Instant At, Band Band, DayKind Day);

/// <summary>
/// Pages become interruptions: a page to a person opens a window of <see cref="Window"/> (5 minutes);
/// further pages inside it are part of the same interruption; the first page at or after its end opens
/// the next. Each interruption is classified by the instant it began.
/// </summary>
public static class Interruptions
{
    public static readonly Duration Window = Duration.FromMinutes(5);

    public static IReadOnlyList<Interruption> Of(IEnumerable<Instant> pages, WorkCalendar calendar)
    {
        var result = new List<Interruption>();
        Instant? windowEnd = null;
        foreach (var page in pages.Order())
        {
            if (windowEnd is { } end && page < end)
                continue;
            result.Add(new Interruption(page, calendar.BandAt(page), calendar.DayAt(page)));
            windowEnd = page + Window;
        }
        return result;
    }
}
