using Steady.Core.OnCall;

namespace Steady.Core.Paging;

/// <summary>Where a run stands. Stored and shown as its text (<see cref="RunStates.ToWire"/>: "active", "acknowledged", …).</summary>
public enum RunState
{
    /// <summary>Escalating: the step at (Step, Pass) runs at NextDueAt.</summary>
    Active,

    /// <summary>Someone acknowledged; with an acknowledgement timeout, NextDueAt is when it re-triggers.</summary>
    Acknowledged,

    /// <summary>The group resolved.</summary>
    Resolved,

    /// <summary>Every step of every pass ran and nobody acknowledged.</summary>
    Exhausted,

    /// <summary>Every triggered alert of the group is silenced or in maintenance.</summary>
    Suppressed,

    /// <summary>
    /// The engine could not run its next step (data it cannot read, a bug): it stopped, the reason is in
    /// its note, on the alert's history or the incident's timeline, and counted on /metrics. The group
    /// triggering again starts it over; pages it planned before still go.
    /// </summary>
    Failed,
}

/// <summary>A run state's text, the one the database, the API and the console hold.</summary>
public static class RunStates
{
    /// <summary>The text stored and shown: the database's rows and the API's JSON depend on it, so it never changes.</summary>
    public static string ToWire(this RunState state) => state switch
    {
        RunState.Active => "active",
        RunState.Acknowledged => "acknowledged",
        RunState.Resolved => "resolved",
        RunState.Exhausted => "exhausted",
        RunState.Suppressed => "suppressed",
        RunState.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>The state whose text is <paramref name="wire"/>; a text no state has is an error (the database holds only these).</summary>
    public static RunState Parse(string wire) =>
        ByWire.TryGetValue(wire, out var state) ? state : throw new FormatException($"'{wire}' is not a run state.");

    private static readonly Dictionary<string, RunState> ByWire = Enum.GetValues<RunState>().ToDictionary(ToWire, StringComparer.Ordinal);

    /// <summary>States in which nobody is paged any more.</summary>
    public static bool Stops(this RunState state) => state is RunState.Acknowledged or RunState.Resolved or RunState.Suppressed;
}

/// <summary>
/// An escalation through a policy, all in the database: which step runs next, in which pass, and when
/// (indexed). Either an alert group's (the unit that pages; its id is the group's, one run per group)
/// or an incident's (a page it asked for: the SEV1 page, a raised severity, the emergency line, the
/// overdue update's escalation; several per incident, each under its own key). A worker claims due runs
/// with a lease, so a node that dies mid-step leaves the run to another.
/// </summary>
public sealed class EscalationRunRecord
{
    /// <summary>An alert group's run has the group's id; an incident's run its own.</summary>
    public Guid Id { get; set; }

    public Guid? GroupId { get; set; }

    public Guid? IncidentId { get; set; }

    /// <summary>The service whose settings apply (an incident's first service; null for an incident without one).</summary>
    public Guid? ServiceId { get; set; }

    /// <summary>The policy it runs; <see cref="Guid.Empty"/> when it pages one person (<see cref="TargetUserId"/>).</summary>
    public Guid PolicyId { get; set; }

    /// <summary>An incident's page of one person (the commander, when its services have no policy).</summary>
    public Guid? TargetUserId { get; set; }

    /// <summary>An incident's run: what asked for it ("declare:page:policy:…"), unique per incident, so asking twice pages once.</summary>
    public string? Key { get; set; }

    /// <summary>An incident's run: why it pages, the text of its messages.</summary>
    public string? Reason { get; set; }

    public required RunState State { get; set; }

    public required Urgency Urgency { get; set; }

    public int Step { get; set; }

    public int Pass { get; set; }

    /// <summary>When the engine acts next (the next step, a re-trigger after an acknowledgement timeout); null: nothing to do.</summary>
    public DateTimeOffset? NextDueAt { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When a step last notified someone.</summary>
    public DateTimeOffset? LastStepAt { get; set; }

    /// <summary>Why it waits or stopped, in words ("low urgency: waits for business hours Mon–Fri 09:00–17:00 Europe/Berlin").</summary>
    public string? Note { get; set; }

    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseUntil { get; set; }

    public int Version { get; set; }
}

/// <summary>The states of a delivery in the outbox. Stored and shown as its text (<see cref="DeliveryStates.ToWire"/>: "queued", "failed-permanent", …).</summary>
public enum DeliveryState
{
    Queued,
    Sending,
    Sent,
    FailedTemporary,
    FailedPermanent,
    Cancelled,
}

/// <summary>A delivery state's text, the one the database, the API and the console hold, and the groups of states the outbox asks for.</summary>
public static class DeliveryStates
{
    public static readonly IReadOnlyList<DeliveryState> All = Enum.GetValues<DeliveryState>();

    /// <summary>States a worker may still claim (sending: only once its lease ran out).</summary>
    public static readonly DeliveryState[] Pending = [DeliveryState.Queued, DeliveryState.FailedTemporary, DeliveryState.Sending];

    /// <summary>The text stored and shown: the database's rows, its partial indexes, the claim's SQL and the API's JSON depend on it, so it never changes.</summary>
    public static string ToWire(this DeliveryState state) => state switch
    {
        DeliveryState.Queued => "queued",
        DeliveryState.Sending => "sending",
        DeliveryState.Sent => "sent",
        DeliveryState.FailedTemporary => "failed-temporary",
        DeliveryState.FailedPermanent => "failed-permanent",
        DeliveryState.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>The state whose text is <paramref name="wire"/>; a text no state has is an error (the database holds only these).</summary>
    public static DeliveryState Parse(string wire) =>
        TryParse(wire, out var state) ? state : throw new FormatException($"'{wire}' is not a delivery state.");

    /// <summary>The state whose text is <paramref name="wire"/>, if one has it (what a caller typed).</summary>
    public static bool TryParse(string wire, out DeliveryState state) => ByWire.TryGetValue(wire, out state);

    private static readonly Dictionary<string, DeliveryState> ByWire = All.ToDictionary(ToWire, StringComparer.Ordinal);
}

/// <summary>
/// One notification to one person through one contact method: a row of the one outbox. Planned by a
/// step from the person's notification rules (now, or after a delay), claimed when due, retried with
/// backoff; its idempotency key goes with every attempt. Several due deliveries to the same contact
/// method for the same service go out as one message (<see cref="SentAs"/>, the first one's id).
/// </summary>
public sealed class Delivery
{
    public Guid Id { get; set; }

    /// <summary>The escalation run that planned it.</summary>
    public Guid RunId { get; set; }

    /// <summary>The alert group it pages for, or null when it pages for an incident.</summary>
    public Guid? GroupId { get; set; }

    public Guid? IncidentId { get; set; }

    public Guid? ServiceId { get; set; }

    public Guid UserId { get; set; }

    public Guid? ContactMethodId { get; set; }

    /// <summary>The contact method's kind (email, webhook, …), or null when the person has none.</summary>
    public string? Channel { get; set; }

    /// <summary>The contact method's label: never the address, which is private.</summary>
    public required string Target { get; set; }

    public int Step { get; set; }

    public int Pass { get; set; }

    public required Urgency Urgency { get; set; }

    public required DeliveryState State { get; set; }

    public int Attempts { get; set; }

    /// <summary>When it is due: planned time, next attempt, or (while sending) when its lease runs out.</summary>
    public DateTimeOffset DueAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastAttemptAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>The last attempt's outcome in words, or why it was cancelled.</summary>
    public string? Error { get; set; }

    public required string IdempotencyKey { get; set; }

    /// <summary>The message that carries it: the id of the bundle's first delivery (its own id when alone).</summary>
    public Guid? SentAs { get; set; }

    public string? LeaseOwner { get; set; }

    /// <summary>"step 1: at once", "step 2: after 5 min".</summary>
    public string? Reason { get; set; }

    /// <summary>One of <see cref="DeliveryKinds"/>: a step's page, or a new alert told to the person who acknowledged its group.</summary>
    public string Kind { get; set; } = DeliveryKinds.Page;

    /// <summary>The new alert a <see cref="DeliveryKinds.NewAlertInAcknowledgedGroup"/> delivery tells about; null for pages.</summary>
    public Guid? AlertId { get; set; }

    /// <summary>When its message was handed to its channel, until the outcome is stored: still set when another node takes it over, the message may have arrived.</summary>
    public DateTimeOffset? SendingAt { get; set; }

    /// <summary>How many times it went again, under the same key, because an earlier attempt's outcome was lost (its node died or stalled while sending).</summary>
    public int Repeats { get; set; }
}

/// <summary>The idempotency key a message carries: its first delivery's ("dlv-{id}"), on every attempt, whichever of its deliveries are still to go.</summary>
public static class DeliveryKeys
{
    public static string For(Guid message) => "dlv-" + message.ToString();
}

/// <summary>Why a delivery pages someone.</summary>
public static class DeliveryKinds
{
    /// <summary>A step of an escalation (an alert group's or an incident's).</summary>
    public const string Page = "page";

    /// <summary>
    /// A new alert (a dedup key its group had not seen) joined a group someone acknowledged: that person is
    /// paged about it through their own notification rules, while the group stays acknowledged.
    /// </summary>
    public const string NewAlertInAcknowledgedGroup = "new-alert-in-acknowledged-group";
}

/// <summary>A signed link used once: its nonce ("ack:ID"), so a second use is refused.</summary>
public sealed class UsedLink
{
    public required string Nonce { get; set; }

    public DateTimeOffset UsedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>A server-wide secret kept in the database (the key that signs acknowledge links), shared by every node.</summary>
public sealed class ServerSecret
{
    public required string Name { get; set; }

    /// <summary>Stored encrypted.</summary>
    [Steady.Core.Audit.Secret]
    public required string Value { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Whose turn it is in a team's round-robin: the index of the next member, in a stable order.</summary>
public sealed class RoundRobinPosition
{
    public Guid TeamId { get; set; }

    public int NextIndex { get; set; }
}
