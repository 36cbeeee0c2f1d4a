namespace Steady.Core.Alerts;

/// <summary>
/// A kind of window: how long one may last, and the words its problems use — <paramref name="Noun"/> ("the
/// silence ends"), <paramref name="Name"/> ("this silence", "A silence may last…"), ending it
/// (<paramref name="End"/>, <paramref name="Ended"/>: "expire", "expired").
/// </summary>
public sealed record WindowKind(string Noun, string Name, TimeSpan Longest, string End, string Ended);

/// <summary>
/// A time a person set during which alerts page nobody — a <see cref="Silence"/> or a
/// <see cref="MaintenanceWindow"/>: from when to when, why, and by whom; and the one check of the
/// start and end a person asks for.
/// </summary>
public abstract class SuppressionWindow
{
    public DateTimeOffset StartsAt { get; set; }

    public DateTimeOffset EndsAt { get; set; }

    public required string Reason { get; set; }

    public Guid? CreatedById { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it covered the alerts already open as it started; null until it starts.</summary>
    public DateTimeOffset? AppliedAt { get; set; }

    /// <summary>When its mark came off its alerts after it ended; null until then.</summary>
    public DateTimeOffset? LiftedAt { get; set; }

    public bool IsActiveAt(DateTimeOffset now) => StartsAt <= now && now < EndsAt;

    /// <summary>Ended, or called off before it started: it covers nothing any more.</summary>
    public bool IsOverAt(DateTimeOffset now) => EndsAt <= now || EndsAt <= StartsAt;

    /// <summary>
    /// Ends it now; one not started yet is called off (it ends as it starts), so its alerts lose the mark and
    /// those still triggered page. Returns why it cannot be ended — it is over already — or null.
    /// </summary>
    public string? EndAt(DateTimeOffset now, WindowKind kind)
    {
        if (IsOverAt(now))
        {
            return EndsAt <= StartsAt && StartsAt > CreatedAt
                ? $"This {kind.Name} was called off before it started (it was to start at {StartsAt:yyyy-MM-dd HH:mm} UTC); there is nothing to {kind.End}."
                : $"This {kind.Name} already {kind.Ended} at {EndsAt:yyyy-MM-dd HH:mm} UTC; there is nothing to {kind.End}.";
        }
        EndsAt = now < StartsAt ? StartsAt : now;
        return null;
    }

    /// <summary>
    /// When a new window starts (<paramref name="startsAt"/>, or now) and ends (<paramref name="endsAt"/>, or
    /// <paramref name="durationMinutes"/> after it starts). It must end in the future, after it starts, and
    /// last no longer than its <paramref name="kind"/> may; otherwise <paramref name="validation"/> says why,
    /// on 'endsAt', and the end returned means nothing.
    /// </summary>
    public static (DateTimeOffset StartsAt, DateTimeOffset EndsAt) Plan(WindowKind kind, DateTimeOffset? startsAt, DateTimeOffset? endsAt, int? durationMinutes, DateTimeOffset now, Validation validation)
    {
        var starts = startsAt?.ToUniversalTime() ?? now;
        var ends = endsAt?.ToUniversalTime() ?? (durationMinutes is { } minutes ? starts.AddMinutes(minutes) : (DateTimeOffset?)null);
        if (ends is null)
            validation.Add("endsAt", $"Say when the {kind.Noun} ends: 'endsAt' or 'durationMinutes'.");
        else if (ends <= starts || ends <= now)
            validation.Add("endsAt", $"The {kind.Noun} must end in the future, after it starts.");
        else if (ends - starts > kind.Longest)
            validation.Add("endsAt", $"A {kind.Name} may last at most {kind.Longest.TotalDays:0} days.");
        return (starts, ends ?? default);
    }
}
