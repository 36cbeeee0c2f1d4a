using Steady.Core.Audit;

namespace Steady.Core.Postmortems;

/// <summary>What an action item does for the system (the Google SRE / PagerDuty kinds).</summary>
public enum ActionItemType
{
    Mitigate,
    Prevent,
    Process,
    Monitoring,
    Backup,
    Design,
}

/// <summary>Where an action item is; "not doing" is a deliberate drop and carries a reason.</summary>
public enum ActionItemStatus
{
    Open,
    InProgress,
    Done,
    NotDoing,
}

/// <summary>
/// Work that comes out of an incident, tracked to completion: from its postmortem or straight from the
/// incident, owned by a person, with a due date; it outlives the incident.
/// </summary>
public sealed class ActionItem : IAudited
{
    public Guid Id { get; set; }

    public Guid IncidentId { get; set; }

    public Guid? PostmortemId { get; set; }

    public required string Title { get; set; }

    public ActionItemType Type { get; set; }

    public Guid OwnerId { get; set; }

    /// <summary>high, medium or low.</summary>
    public required string Priority { get; set; }

    public DateTimeOffset DueAt { get; set; }

    public string? TicketUrl { get; set; }

    public ActionItemStatus Status { get; set; }

    /// <summary>Why it is not being done; required for <see cref="ActionItemStatus.NotDoing"/>.</summary>
    public string? Reason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? DoneAt { get; set; }

    /// <summary>When the owner is next reminded (the follow-up's due row); null once done or dropped.</summary>
    [AuditIgnore]
    public DateTimeOffset? NextReminderAt { get; set; }

    /// <summary>How many reminders were sent for the current due date.</summary>
    [AuditIgnore]
    public int RemindersSent { get; set; }

    /// <summary>The node whose follow-up pass holds it (a claim, as the outboxes' claims).</summary>
    [AuditIgnore]
    public string? LeaseOwner { get; set; }

    [AuditIgnore]
    public DateTimeOffset? LeaseUntil { get; set; }

    [AuditIgnore]
    public int Version { get; set; }
}
