using NodaTime;

namespace Steady.Core.Reports;

/// <summary>Time split by band (business, off, sleep) and by kind of day (working day, weekend, holiday).</summary>
public sealed class HoursByBand
{
    private readonly Duration[,] _cells = new Duration[3, 3];

    /// <summary>The time of the spans, each cut by <paramref name="calendar"/>.</summary>
    public static HoursByBand Of(WorkCalendar calendar, IEnumerable<Span> spans)
    {
        var hours = new HoursByBand();
        foreach (var span in spans)
        {
            foreach (var piece in calendar.Split(span))
                hours.Add(piece.Band, piece.Day, piece.Span.Length);
        }
        return hours;
    }

    public void Add(Band band, DayKind day, Duration length) => _cells[(int)band, (int)day] += length;

    public Duration In(Band band) => _cells[(int)band, 0] + _cells[(int)band, 1] + _cells[(int)band, 2];

    public Duration OnDay(DayKind day) => _cells[0, (int)day] + _cells[1, (int)day] + _cells[2, (int)day];

    public Duration Total => In(Band.Business) + In(Band.Off) + In(Band.Sleep);

    /// <summary>A duration in hours, exactly (decimal, from ticks).</summary>
    public static decimal Hours(Duration duration) => (decimal)duration.BclCompatibleTicks / TimeSpan.TicksPerHour;
}
