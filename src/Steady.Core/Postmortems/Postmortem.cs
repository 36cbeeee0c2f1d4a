using Steady.Core.Audit;

namespace Steady.Core.Postmortems;

/// <summary>Where a postmortem is: draft → in review → reviewed → published.</summary>
public enum PostmortemStatus
{
    Draft,
    InReview,
    Reviewed,
    Published,
}

/// <summary>
/// The blameless postmortem of one incident: drafted when the incident is resolved (or on demand),
/// owned by a person with a due date, its sections prefilled from what the incident knows. The
/// timeline and responders are copies taken at drafting time (JSON), editable without touching the
/// incident's own timeline; the impact times are read live from the incident.
/// </summary>
public sealed class Postmortem : IAudited
{
    public Guid Id { get; set; }

    /// <summary>One per incident (a unique index says so).</summary>
    public Guid IncidentId { get; set; }

    public PostmortemStatus Status { get; set; }

    public Guid? OwnerId { get; set; }

    public DateTimeOffset? DueAt { get; set; }

    public string? Summary { get; set; }

    /// <summary>What people add to the measured impact: customers or users affected, support requests.</summary>
    public string? Impact { get; set; }

    public string? Trigger { get; set; }

    public string? RootCause { get; set; }

    public string? ContributingFactors { get; set; }

    public string? Detection { get; set; }

    public string? Resolution { get; set; }

    public string? WentWell { get; set; }

    public string? WentWrong { get; set; }

    public string? GotLucky { get; set; }

    /// <summary>JSON array of {at, kind, text, actor, pinned}: the copy of the pinned entries and key events.</summary>
    public required string Timeline { get; set; }

    /// <summary>JSON array of {name, role, from, to}: who held which role, from when to when.</summary>
    public required string Responders { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? PublishedAt { get; set; }

    /// <summary>What customers read: posted to the status page's incident when the postmortem is published (optional).</summary>
    public string? PublicSummary { get; set; }

    /// <summary>When the owner is next reminded to write it (the follow-up's due row); null once reviewed, or without an owner or due date.</summary>
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
