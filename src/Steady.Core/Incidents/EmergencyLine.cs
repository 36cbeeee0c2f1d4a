namespace Steady.Core.Incidents;

/// <summary>
/// The emergency line's rule for misuse (seed: "Misuse of this channel may result in its withdrawal"):
/// a line whose submissions were marked misuse <see cref="Threshold"/> times within <see cref="Window"/>
/// is suspended until an admin reinstates it.
/// </summary>
public sealed record MisusePolicy(int Threshold, TimeSpan Window)
{
    public static readonly MisusePolicy Default = new(2, TimeSpan.FromDays(90));

    /// <summary>Whether the line should be suspended, counting misuse marked after the last reinstatement.</summary>
    public bool Suspends(IEnumerable<DateTimeOffset> misuseAt, DateTimeOffset? reinstatedAt, DateTimeOffset now) =>
        misuseAt.Count(at => at > now - Window && (reinstatedAt is null || at > reinstatedAt)) >= Threshold;
}

/// <summary>
/// The emergency line's rate (it opens incidents and wakes people): at most <see cref="Submissions"/>
/// accepted within <see cref="Window"/>. Beyond it, a submission waits until the oldest leaves the window.
/// </summary>
public sealed record SubmissionLimit(int Submissions, TimeSpan Window)
{
    public static readonly SubmissionLimit Default = new(3, TimeSpan.FromMinutes(10));

    /// <summary>Null when a submission may be accepted now; otherwise how long until one may.</summary>
    public TimeSpan? RetryAfter(IEnumerable<DateTimeOffset> submittedAt, DateTimeOffset now)
    {
        if (Submissions <= 0)
            return null;
        var recent = submittedAt.Where(at => at > now - Window).Order().ToList();
        if (recent.Count < Submissions)
            return null;
        var wait = recent[recent.Count - Submissions] + Window - now;
        return wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
    }
}
