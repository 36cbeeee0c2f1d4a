using Steady.Core.Audit;

namespace Steady.Core.Alerts;

/// <summary>
/// A dead-man's switch: something pings it every interval. When no ping arrives by
/// last ping + interval + grace, an alert is raised; the next ping resolves it.
/// </summary>
public sealed class Heartbeat : IAudited
{
    public Guid Id { get; set; }

    public Guid ServiceId { get; set; }

    public required string Name { get; set; }

    public int IntervalSeconds { get; set; }

    public int GraceSeconds { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Bookkeeping of every ping: not audited (creating the heartbeat and changing its interval or grace are).</summary>
    [AuditIgnore]
    public DateTimeOffset LastPingAt { get; set; }

    /// <summary>When the heartbeat is missed unless a ping arrives first: a due time the engine sleeps until.</summary>
    [AuditIgnore]
    public DateTimeOffset DueAt { get; set; }

    /// <summary>True while the heartbeat is missed and its alert open (the alert's history says so).</summary>
    [AuditIgnore]
    public bool IsDown { get; set; }

    [AuditIgnore]
    public int Version { get; set; }

    public string DedupKey => "heartbeat:" + Name;

    public static DateTimeOffset DueAfter(DateTimeOffset ping, int intervalSeconds, int graceSeconds) =>
        ping.AddSeconds(intervalSeconds + graceSeconds);
}
