using System.Text.Json;

namespace Steady.Core.StatusPage;

/// <summary>How a subscriber is reached.</summary>
public enum SubscriberKind
{
    Email,
    Webhook,
}

/// <summary>Pending until an email address confirms (double opt-in); failed once its deliveries fail for good (marked, never retried forever).</summary>
public enum SubscriberState
{
    Pending,
    Active,
    Failed,
}

/// <summary>
/// Someone told of a page's incidents, component changes and maintenance: an email address (confirmed by
/// a signed, single-use, expiring link) or a webhook (Statuspage's notification shape), for all the page's
/// components or some. Not audited: addresses are personal data, kept out of the audit log.
/// </summary>
public sealed class StatusSubscriber
{
    public Guid Id { get; set; }

    public Guid PageId { get; set; }

    public SubscriberKind Kind { get; set; }

    public required string Address { get; set; }

    /// <summary>The address as compared: an email lower-cased, a URL as given. One subscription per address and page.</summary>
    public required string AddressKey { get; set; }

    /// <summary>A JSON array of component ids; null for all of them.</summary>
    public string? Components { get; set; }

    public SubscriberState State { get; set; }

    /// <summary>What the current confirmation link carries; cleared when it is used, changed when a new one is sent.</summary>
    public string? ConfirmNonce { get; set; }

    public DateTimeOffset? ConfirmSentAt { get; set; }

    public DateTimeOffset? ConfirmedAt { get; set; }

    public string? FailedReason { get; set; }

    public DateTimeOffset? FailedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Who added it in the console or API; null when the person subscribed on the page.</summary>
    public string? CreatedBy { get; set; }

    public IReadOnlyList<Guid>? ComponentIds() => Components is null ? null : JsonSerializer.Deserialize<List<Guid>>(Components);

    public static string? WriteComponents(IEnumerable<Guid>? ids) => ids is null ? null : JsonSerializer.Serialize(ids.Distinct().Order().ToList());

    /// <summary>Whether a notice about <paramref name="about"/> (null: the whole page) reaches this subscriber.</summary>
    public static bool Wants(IReadOnlyList<Guid>? subscribed, IReadOnlyList<Guid>? about) =>
        subscribed is null || about is null || about.Count == 0 || subscribed.Intersect(about).Any();
}

/// <summary>
/// One thing to tell a page's subscribers (an incident update, a component's change, a maintenance notice),
/// written with the change that caused it; the worker fans it out to one notice per subscriber who wants it,
/// a batch at a time (<see cref="FanoutCursor"/>), so posting an update never waits for thousands of rows.
/// </summary>
public sealed class StatusBroadcast
{
    public Guid Id { get; set; }

    public Guid PageId { get; set; }

    /// <summary>incident, component or maintenance.</summary>
    public required string Kind { get; set; }

    /// <summary>What it is about, unique per page: "update:{id}", "component:{interval}", "maintenance:{id}:scheduled".</summary>
    public required string Key { get; set; }

    public required string Subject { get; set; }

    /// <summary>The email's text (the manage and unsubscribe links are added per subscriber).</summary>
    public required string Body { get; set; }

    /// <summary>The webhook body in Statuspage's shape, without its per-subscriber <c>meta</c>.</summary>
    public required string Webhook { get; set; }

    /// <summary>A JSON array of the component ids it is about; null for the whole page.</summary>
    public string? ComponentIds { get; set; }

    /// <summary>Component changes that came with an incident update reach webhooks alone (emails tell the update once).</summary>
    public bool WebhookOnly { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the fan-out is due (again); null once every subscriber has their notice.</summary>
    public DateTimeOffset? DueAt { get; set; }

    /// <summary>The last subscriber id fanned out to; the next batch starts after it.</summary>
    public Guid? FanoutCursor { get; set; }

    public int Recipients { get; set; }

    public string? LeaseOwner { get; set; }
}

/// <summary>One message to one subscriber: a confirmation link, or a broadcast. Sent at least once, with its id as idempotency key.</summary>
public sealed class StatusNotice
{
    public Guid Id { get; set; }

    public Guid SubscriberId { get; set; }

    public Guid? BroadcastId { get; set; }

    /// <summary>confirm, manage, or broadcast.</summary>
    public required string Kind { get; set; }

    /// <summary>A confirmation's nonce as it was when the link was asked for: a link mailed later replaces it.</summary>
    public string? ConfirmNonce { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When to (re)try; null once sent or given up.</summary>
    public DateTimeOffset? DueAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public int Attempts { get; set; }

    /// <summary>How the last attempt went, in words; never an address.</summary>
    public string? Outcome { get; set; }

    public string? LeaseOwner { get; set; }
}
