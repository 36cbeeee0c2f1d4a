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
