using NodaTime;
using Steady.Core.OnCall;

namespace Steady.Core.Reports;

/// <summary>
/// The part of a person's day an hour or a page falls in, as PagerDuty defines them: business hours
/// 08:00–18:00 on working days, sleep hours 22:00–08:00 every day, off-hours the rest (18:00–22:00 on
/// working days, 08:00–22:00 on weekends and holidays).
/// </summary>
public enum Band
{
    Business,
    Off,
    Sleep,
}

/// <summary>What kind of day a local date is: a working day, a weekend day, or one of the team's holidays (which wins over a weekend).</summary>
public enum DayKind
{
    Workday,
    Weekend,
    Holiday,
}

/// <summary>A piece of time inside one band of one local day.</summary>
public readonly record struct DayPiece(Span Span, LocalDate Date, Band Band, DayKind Day);

/// <summary>
/// One person's days: their time zone (where their nights are) and their team's holidays. Splits time
/// and classifies instants by the local clock, so a night across a DST change is as long as it really
/// was (9 hours of sleep band on the spring-forward night in Berlin, 11 on the fall-back one).
/// </summary>
public sealed class WorkCalendar(DateTimeZone zone, IEnumerable<LocalDate>? holidays = null)
{
    public static readonly LocalTime BusinessStart = new(8, 0);
    public static readonly LocalTime BusinessEnd = new(18, 0);
    public static readonly LocalTime SleepStart = new(22, 0);

    private readonly HashSet<LocalDate> _holidays = [.. holidays ?? []];

    public DateTimeZone Zone { get; } = zone;

    public DayKind KindOf(LocalDate date) =>
        _holidays.Contains(date) ? DayKind.Holiday
        : date.DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday ? DayKind.Weekend
        : DayKind.Workday;

    public LocalDateTime Local(Instant at) => at.InZone(Zone).LocalDateTime;

    /// <summary>The band of the local time at <paramref name="at"/>.</summary>
    public Band BandAt(Instant at)
    {
        var local = Local(at);
        if (local.TimeOfDay < BusinessStart || local.TimeOfDay >= SleepStart)
            return Band.Sleep;
        return local.TimeOfDay < BusinessEnd && KindOf(local.Date) == DayKind.Workday ? Band.Business : Band.Off;
    }

    public DayKind DayAt(Instant at) => KindOf(Local(at).Date);

    /// <summary>
    /// The night an instant in the sleep band belongs to, named by the date it began on (02:00 on a
    /// Tuesday is Monday's night); null outside the sleep band.
    /// </summary>
    public LocalDate? NightOf(Instant at)
    {
        var local = Local(at);
        if (local.TimeOfDay >= SleepStart)
            return local.Date;
        return local.TimeOfDay < BusinessStart ? local.Date.PlusDays(-1) : null;
    }

    /// <summary>The Monday that starts the local week <paramref name="date"/> is in.</summary>
    public static LocalDate WeekOf(LocalDate date) => date.PlusDays(-((int)date.DayOfWeek - 1));

    /// <summary>An instant at a local date and time, resolved as schedules resolve them (a skipped time moves on by the gap).</summary>
    public Instant At(LocalDate date, LocalTime time) => Zone.ResolveLocal(date + time, ScheduleCalculator.Resolver).ToInstant();

    /// <summary>The span cut at every local midnight, 08:00, 18:00 and 22:00, each piece with its band and kind of day.</summary>
    public IEnumerable<DayPiece> Split(Span span)
    {
        if (span.IsEmpty)
            yield break;
        var last = Local(span.End).Date;
        for (var date = Local(span.Start).Date; date <= last; date = date.PlusDays(1))
        {
            var kind = KindOf(date);
            var cuts = new[] { At(date, LocalTime.Midnight), At(date, BusinessStart), At(date, BusinessEnd), At(date, SleepStart), At(date.PlusDays(1), LocalTime.Midnight) };
            for (var i = 0; i < 4; i++)
            {
                var start = cuts[i] > span.Start ? cuts[i] : span.Start;
                var end = cuts[i + 1] < span.End ? cuts[i + 1] : span.End;
                if (end <= start)
                    continue;
                var band = i switch
                {
                    0 or 3 => Band.Sleep,
                    1 => kind == DayKind.Workday ? Band.Business : Band.Off,
                    _ => Band.Off,
                };
                yield return new DayPiece(new Span(start, end), date, band, kind);
            }
        }
    }
}
