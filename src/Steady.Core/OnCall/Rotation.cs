using NodaTime;

namespace Steady.Core.OnCall;

public enum RotationUnit
{
    Seconds,
    Hours,
    Days,
    Weeks,
}

/// <summary>How long each shift of a layer lasts, in local time: 12 hours, 1 day, 1 week.</summary>
public sealed record ShiftLength(int Count, RotationUnit Unit)
{
    public static readonly ShiftLength Daily = new(1, RotationUnit.Days);
    public static readonly ShiftLength Weekly = new(1, RotationUnit.Weeks);

    /// <summary>The local start of shift <paramref name="k"/> counted from the layer's first handoff.</summary>
    public LocalDateTime Advance(LocalDateTime start, long k) => Unit switch
    {
        RotationUnit.Seconds => start.PlusSeconds(Count * k),
        RotationUnit.Hours => start.PlusHours(Count * k),
        RotationUnit.Days => start.PlusDays(checked((int)(Count * k))),
        _ => start.PlusWeeks(checked((int)(Count * k))),
    };

    /// <summary>The nominal length, used only to estimate which shift an instant falls in.</summary>
    public TimeSpan Nominal => Unit switch
    {
        RotationUnit.Seconds => TimeSpan.FromSeconds(Count),
        RotationUnit.Hours => TimeSpan.FromHours(Count),
        RotationUnit.Days => TimeSpan.FromDays(Count),
        _ => TimeSpan.FromDays(7 * Count),
    };
}

/// <summary>
/// A daily window in which a layer is on call, e.g. business hours Mon–Fri 09:00–17:00. An end at
/// or before the start runs past midnight (nights 18:00–08:00). With a <see cref="Length"/> the window
/// runs that long in local time from its start instead of to <see cref="End"/>, so it may span days
/// (Friday 18:00 for 63 hours: the weekend).
/// </summary>
public sealed record Restriction(LocalTime Start, LocalTime End, IReadOnlyList<IsoDayOfWeek>? Days = null, Period? Length = null)
{
    /// <summary>The longest window a restriction may describe: a week.</summary>
    public static readonly Duration MaxLength = Duration.FromDays(7);

    public bool AppliesOn(IsoDayOfWeek day) => Days is null || Days.Count == 0 || Days.Contains(day);

    /// <summary>The local end of the window that starts on <paramref name="day"/>.</summary>
    public LocalDateTime EndOn(LocalDate day) => Length is { } length
        ? day + Start + length
        : (End > Start ? day : day.PlusDays(1)) + End;

    /// <summary>How many days before a day a window that is still open on it may have started.</summary>
    public int DaysSpanned => Length is { } length ? (int)Math.Ceiling(length.ToDuration().TotalDays) : 1;
}

/// <summary>
/// One rotation: participants take turns, shift after shift, from the first handoff (a local date
/// and time in the schedule's zone). Handoffs stay at their local time across DST changes. A layer
/// may take effect only <see cref="From"/> an instant and end <see cref="Until"/> one (PagerDuty's
/// layer start and end); its turns still count from the first handoff.
/// </summary>
public sealed record Layer(string Name, IReadOnlyList<Guid> Participants, LocalDateTime FirstHandoff, ShiftLength Length, IReadOnlyList<Restriction>? Restrictions = null, Instant? From = null, Instant? Until = null);

/// <summary>Someone covers part of the schedule: takes precedence over every layer.</summary>
public sealed record ScheduleOverride(Guid UserId, Instant Start, Instant End);

/// <summary>A schedule: a zone, layers (later ones take precedence where they are on call), and overrides.</summary>
public sealed record Rota(string TimeZone, IReadOnlyList<Layer> Layers, IReadOnlyList<ScheduleOverride>? Overrides = null)
{
    public DateTimeZone Zone => DateTimeZoneProviders.Tzdb[TimeZone];
}

/// <summary>Who is on call over an interval and why (which layer, or an override).</summary>
public sealed record Shift(Guid? UserId, Instant Start, Instant End, string Source)
{
    public bool IsGap => UserId is null;

    public Duration Length => End - Start;
}
