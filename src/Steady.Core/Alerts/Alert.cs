namespace Steady.Core.Alerts;

public enum AlertStatus
{
    Triggered,
    Acknowledged,
    Resolved,
}

/// <summary>The PagerDuty severities, which every source is mapped onto.</summary>
public enum Severity
{
    Info,
    Warning,
    Error,
    Critical,
}

/// <summary>
/// One occurrence of a problem on a service. Repeats of the same dedup key update it (last seen,
/// count); once resolved, the same key firing again opens the next occurrence, linked to this one.
/// </summary>
public sealed class Alert
{
    public Guid Id { get; set; }

    public Guid ServiceId { get; set; }

    public Guid GroupId { get; set; }

    /// <summary>PagerDuty dedup_key, Alertmanager fingerprint, or a key derived from the payload.</summary>
    public required string DedupKey { get; set; }

    public int Occurrence { get; set; } = 1;

    public Guid? PreviousId { get; set; }

    public AlertStatus Status { get; set; }

    public Severity Severity { get; set; }

    public required string Summary { get; set; }

    public string? Source { get; set; }

    /// <summary>JSON object of string labels.</summary>
    public required string Labels { get; set; }

    /// <summary>JSON: annotations, custom_details, check results.</summary>
    public string? Details { get; set; }

    /// <summary>JSON array of {href, text}.</summary>
    public string? Links { get; set; }

    /// <summary>alertmanager, events, grafana, generic, heartbeat, check.</summary>
    public required string Format { get; set; }

    public DateTimeOffset FirstSeenAt { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }

    public int EventCount { get; set; } = 1;

    public DateTimeOffset? AcknowledgedAt { get; set; }

    public Guid? AcknowledgedById { get; set; }

    public string? AcknowledgedBy { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }

    public Guid? ResolvedById { get; set; }

    public string? ResolvedBy { get; set; }

    /// <summary>The silence that covers it now: stored and visible, but nobody is paged. Cleared when the silence ends.</summary>
    public Guid? SilencedBy { get; set; }

    /// <summary>The maintenance window of its service that is on now. Cleared when the window ends.</summary>
    public Guid? MaintenanceId { get; set; }

    public bool Flapping { get; set; }

    /// <summary>Optimistic concurrency: the intake writer and people acting on alerts never overwrite each other.</summary>
    public int Version { get; set; }

    public bool IsOpen => Status != AlertStatus.Resolved;

    /// <summary>Whether this alert should reach a human: not silenced and not in maintenance.</summary>
    public bool IsSuppressed => SilencedBy is not null || MaintenanceId is not null;
}

/// <summary>
/// Related alerts of one service within its window: by default those the sender grouped together
/// (one Alertmanager group; each dedup key alone for senders without groups), or those with the same
/// values of the service's grouping labels. The unit that pages a human, so a storm of 500 alerts
/// pages once; a new alert joining it after someone acknowledged it still reaches a person.
/// </summary>
public sealed class AlertGroup
{
    public Guid Id { get; set; }

    public Guid ServiceId { get; set; }

    public required string GroupKey { get; set; }

    /// <summary>JSON object: the grouping labels and their values.</summary>
    public required string Labels { get; set; }

    public required string Title { get; set; }

    public bool IsOpen { get; set; } = true;

    public DateTimeOffset OpenedAt { get; set; }

    public DateTimeOffset LastAlertAt { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }

    public int AlertCount { get; set; }

    public int OpenCount { get; set; }

    public Severity Severity { get; set; }

    /// <summary>While in the future, the group is flapping and its notifications are held.</summary>
    public DateTimeOffset? FlappingUntil { get; set; }

    public int Version { get; set; }

    public bool IsFlappingAt(DateTimeOffset now) => FlappingUntil is { } until && until > now;
}

/// <summary>What happened to an alert, with who and when: its history.</summary>
public sealed class AlertEvent
{
    public Guid Id { get; set; }

    public Guid AlertId { get; set; }

    public Guid ServiceId { get; set; }

    public required string DedupKey { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>One of <see cref="AlertEventKinds"/>: triggered, reopened, acknowledged, resolved, silenced, maintenance, flapping, …</summary>
    public required string Kind { get; set; }

    public Guid? ActorId { get; set; }

    public required string ActorName { get; set; }

    public string? Note { get; set; }
}

public static class AlertEventKinds
{
    public const string Triggered = "triggered";
    public const string Reopened = "reopened";
    public const string Acknowledged = "acknowledged";
    public const string Resolved = "resolved";
    public const string Silenced = "silenced";
    public const string Maintenance = "maintenance";

    /// <summary>The silence that covered it ended (expired, or expired by a person).</summary>
    public const string SilenceEnded = "silence-ended";

    /// <summary>The maintenance window it was in ended.</summary>
    public const string MaintenanceEnded = "maintenance-ended";
    public const string Flapping = "flapping";

    /// <summary>An acknowledged alert nobody resolved within the service's acknowledgement timeout triggered again.</summary>
    public const string Retriggered = "retriggered";

    /// <summary>
    /// The paging engine tells people what it did out of the ordinary with the group's escalation: its
    /// policy changed under it, nobody was left to page, it could not run a step.
    /// </summary>
    public const string Paging = "paging";

    /// <summary>
    /// A new alert joined a group someone acknowledged: its note says what followed (that person was paged
    /// about it, or the group triggered again).
    /// </summary>
    public const string JoinedAcknowledgedGroup = "joined-acknowledged-group";

    /// <summary>The kinds that count as a state change for flapping.</summary>
    public static readonly string[] StateChanges = [Triggered, Reopened, Resolved];
}
