namespace Steady.Core.Alerts;

/// <summary>
/// A dead-man's switch: something pings it every interval. When no ping arrives by
/// last ping + interval + grace, an alert is raised; the next ping resolves it.
/// </summary>
public sealed class Heartbeat
{
    public Guid Id { get; set; }

    public Guid ServiceId { get; set; }

    public required string Name { get; set; }

    public int IntervalSeconds { get; set; }

    public int GraceSeconds { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset LastPingAt { get; set; }

    /// <summary>When the heartbeat is missed unless a ping arrives first: a due time the engine sleeps until.</summary>
    public DateTimeOffset DueAt { get; set; }

    /// <summary>True while the heartbeat is missed and its alert open.</summary>
    public bool IsDown { get; set; }

    public int Version { get; set; }

    public string DedupKey => "heartbeat:" + Name;

    public static DateTimeOffset DueAfter(DateTimeOffset ping, int intervalSeconds, int graceSeconds) =>
        ping.AddSeconds(intervalSeconds + graceSeconds);
}
