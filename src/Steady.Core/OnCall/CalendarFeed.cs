using Steady.Core.Audit;

namespace Steady.Core.OnCall;

/// <summary>A secret iCal feed of a schedule's shifts or of one person's: the URL holds a random token; only its hash is stored.</summary>
public sealed class CalendarFeed : IAudited
{
    public const string ScheduleKind = "schedule";
    public const string UserKind = "user";

    public Guid Id { get; set; }

    /// <summary><see cref="ScheduleKind"/> or <see cref="UserKind"/>.</summary>
    public required string Kind { get; set; }

    public Guid SubjectId { get; set; }

    [AuditIgnore]
    public required string TokenHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }
}

/// <summary>
/// A notice to the person whose shift starts soon. The row is the claim: written before sending, unique
/// per (schedule, person, shift start), so a restart or a second node never sends it twice.
/// </summary>
public sealed class HandoffNotice
{
    public const string Sending = "sending";
    public const string Sent = "sent";
    public const string Failed = "failed";
    public const string Unreachable = "unreachable";

    public Guid Id { get; set; }

    public Guid ScheduleId { get; set; }

    public Guid UserId { get; set; }

    public DateTimeOffset ShiftStart { get; set; }

    public DateTimeOffset ShiftEnd { get; set; }

    public DateTimeOffset ClaimedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public required string Outcome { get; set; }

    /// <summary>Per contact method: sent, or why not. Never an address or a secret.</summary>
    public string? Detail { get; set; }
}
