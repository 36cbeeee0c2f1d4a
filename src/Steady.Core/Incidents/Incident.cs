using Steady.Core.Audit;

namespace Steady.Core.Incidents;

/// <summary>
/// Something that broke, or threatens to, for users: its severity, status, when each phase began
/// (time to acknowledge, mitigate, resolve), and the cadence state of its updates. Its people are in
/// <see cref="IncidentRoleAssignment"/>, its story in <see cref="TimelineEntry"/>.
/// </summary>
public sealed class Incident : IAudited
{
    public Guid Id { get; set; }

    /// <summary>The organization's human number: #12.</summary>
    public int Number { get; set; }

    public required string Title { get; set; }

    public required string Severity { get; set; }

    public IncidentStatus Status { get; set; }

    /// <summary>The team that answers for it (its first service's team); its responders may act on it.</summary>
    public Guid TeamId { get; set; }

    public string? Summary { get; set; }

    public DateTimeOffset DeclaredAt { get; set; }

    public Guid? DeclaredById { get; set; }

    public required string DeclaredBy { get; set; }

    /// <summary>When the first alert fired (or the incident was declared): the start for time-to-X.</summary>
    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? AcknowledgedAt { get; set; }

    public DateTimeOffset? MitigatedAt { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>Set when the commander resolved it without waiting for the health check.</summary>
    public string? ResolutionOverride { get; set; }

    [AuditIgnore]
    public DateTimeOffset? LastUpdateAt { get; set; }

    /// <summary>When the next status update is due; null when the severity has no cadence or the incident is resolved.</summary>
    [AuditIgnore]
    public DateTimeOffset? NextUpdateDueAt { get; set; }

    /// <summary>How far the cadence went for the current due time (none, reminded, escalated).</summary>
    [AuditIgnore]
    public CadenceStep CadenceDone { get; set; }

    /// <summary>The emergency-line submission this incident came from, if any.</summary>
    public Guid? SubmissionId { get; set; }

    public string? WhatHappened { get; set; }

    public string? WhatWasDone { get; set; }

    public string? FailedAssumptions { get; set; }

    public string? WhatShouldChange { get; set; }

    public string? Cause { get; set; }

    /// <summary>The hook for postmortems: set once the severity says one is due (SEV1/SEV2); the postmortem feature fills it in.</summary>
    public bool PostmortemRequired { get; set; }

    [AuditIgnore]
    public int Version { get; set; }

    public bool IsOpen => Lifecycle.IsOpen(Status);
}

/// <summary>A service the incident affects.</summary>
public sealed class IncidentService
{
    public Guid IncidentId { get; set; }

    public Guid ServiceId { get; set; }
}

/// <summary>An alert linked to the incident: its events appear on the timeline, and it must be resolved before the incident is.</summary>
public sealed class IncidentAlert
{
    public Guid IncidentId { get; set; }

    public Guid AlertId { get; set; }

    public DateTimeOffset LinkedAt { get; set; }
}

/// <summary>A person in a role, from when to when; exactly one commander has no end at any moment (a partial unique index says so too).</summary>
public sealed class IncidentRoleAssignment : IAudited
{
    public Guid Id { get; set; }

    public Guid IncidentId { get; set; }

    public Guid UserId { get; set; }

    public IncidentRole Role { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    public required string AssignedBy { get; set; }
}

/// <summary>
/// One event on the incident's timeline. Kinds: declared, severity, status, role, update, action,
/// note, evidence, finding, journal, alert-linked, resolution… Imported entries keep their original
/// time and host, and are deduplicated by key. Not audited row by row (most entries are the trace of a
/// change audited itself, or the engine's own): a person's note, pin and import are audit entries of
/// the incident (IncidentRecords).
/// </summary>
public sealed class TimelineEntry
{
    public Guid Id { get; set; }

    public Guid IncidentId { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Kind { get; set; }

    public required string Text { get; set; }

    public Guid? ActorId { get; set; }

    public string? ActorName { get; set; }

    /// <summary>Where it came from when not a person in Steady: journal, snapshot…</summary>
    public string? Source { get; set; }

    public string? Host { get; set; }

    /// <summary>Unique per incident when set: importing the same entry twice adds it once.</summary>
    public string? Key { get; set; }

    public bool Pinned { get; set; }

    /// <summary>What it refers to: an update, an action, a piece of evidence.</summary>
    public Guid? RefId { get; set; }

    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>A structured status update.</summary>
public sealed class IncidentUpdate : IAudited
{
    public Guid Id { get; set; }

    public Guid IncidentId { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Known { get; set; }

    public string? Unknown { get; set; }

    public required string Doing { get; set; }

    public DateTimeOffset? NextUpdateAt { get; set; }

    public UpdateVisibility Visibility { get; set; }

    public Guid? AuthorId { get; set; }

    public required string Author { get; set; }

    public required string Severity { get; set; }

    public IncidentStatus Status { get; set; }
}

/// <summary>A deliberate action: intent, expected effect, who decided, when done, what it did.</summary>
public sealed class IncidentAction : IAudited
{
    public Guid Id { get; set; }

    public Guid IncidentId { get; set; }

    public required string Intent { get; set; }

    public required string ExpectedEffect { get; set; }

    public required string DecidedBy { get; set; }

    public DateTimeOffset DecidedAt { get; set; }

    public DateTimeOffset? DoneAt { get; set; }

    public string? ObservedEffect { get; set; }

    public DateTimeOffset? ObservedAt { get; set; }

    /// <summary>Given with the observed effect, optionally: did it do what was expected, nothing, or make it worse?</summary>
    public ActionVerdict? Verdict { get; set; }

    public required string RecordedBy { get; set; }
}

/// <summary>A steady.snapshot/v1 document attached to an incident: findings first, the data kept whole.</summary>
public sealed class IncidentEvidence : IAudited
{
    public Guid Id { get; set; }

    public Guid IncidentId { get; set; }

    public required string Kind { get; set; }

    public string? Host { get; set; }

    public DateTimeOffset TakenAt { get; set; }

    public DateTimeOffset AddedAt { get; set; }

    public required string AddedBy { get; set; }

    public int FindingCount { get; set; }

    /// <summary>JSON array of the findings (severity, title, detail). Not copied into the audit log: the evidence itself keeps them.</summary>
    [AuditIgnore]
    public required string Findings { get; set; }

    /// <summary>The whole document as sent (large: the audit log records the evidence, not a copy of it).</summary>
    [AuditIgnore]
    public required string Document { get; set; }
}

/// <summary>
/// One message the incident sends (an update to its channels, a cadence reminder, an escalation, a
/// page), kept in the database: the unique key per incident makes it once only across restarts, and a
/// pending one (<see cref="DueAt"/> set) is sent by the incident worker, retried until it is sent or fails.
/// </summary>
public sealed class IncidentNotice
{
    public Guid Id { get; set; }

    public Guid IncidentId { get; set; }

    /// <summary>e.g. "update:{id}:channel:0", "remind:{due}:user:{id}", "declare:page:user:{id}".</summary>
    public required string Key { get; set; }

    /// <summary>update, remind, escalate, page.</summary>
    public required string Kind { get; set; }

    /// <summary>"channel:N" (the configured incident channel N) or "user:{id}" (all their contact methods).</summary>
    public required string Recipient { get; set; }

    public required string Title { get; set; }

    public required string Body { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When to (re)try; null once sent or given up.</summary>
    public DateTimeOffset? DueAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public int Attempts { get; set; }

    /// <summary>How the last attempt went, in words; never an address or a secret.</summary>
    public string? Outcome { get; set; }

    /// <summary>When it was handed to its channels, until the outcome is stored (see <see cref="Paging.Delivery.SendingAt"/>).</summary>
    public DateTimeOffset? SendingAt { get; set; }

    /// <summary>The claim of the node sending it ("node-N/host/pid/claim"), while it is being sent; null otherwise.</summary>
    public string? LeaseOwner { get; set; }
}

/// <summary>
/// One of an incident's own channels (a chat webhook, an address of its email list): its updates go
/// there as well as to the server-wide incident channels. Kind, address and settings as a contact method's.
/// </summary>
public sealed class IncidentChannel : IAudited
{
    public Guid Id { get; set; }

    public Guid IncidentId { get; set; }

    /// <summary>email, webhook, slack, teams, mattermost, discord or ntfy.</summary>
    public required string Kind { get; set; }

    /// <summary>An email address or the webhook's URL (a secret: stored encrypted, shown shortened).</summary>
    [Secret]
    public required string Address { get; set; }

    /// <summary>JSON object of the channel's settings, as a contact method's; null: none.</summary>
    [Secret]
    public string? Settings { get; set; }

    public DateTimeOffset AddedAt { get; set; }

    public required string AddedBy { get; set; }
}
