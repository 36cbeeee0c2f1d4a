using Steady.Core.Audit;

namespace Steady.Core.OnCall;

/// <summary>A way to reach a person: an email address, a webhook or chat URL, an ntfy topic, a phone number.</summary>
public sealed class ContactMethod : IAudited
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    /// <summary>Stored as its lowercase text (<see cref="ContactKinds.ToWire"/>).</summary>
    public required ContactKind Kind { get; set; }

    public required string Label { get; set; }

    /// <summary>The email address, URL or phone number (a webhook's or chat's URL carries its token: stored encrypted).</summary>
    [Secret]
    public required string Address { get; set; }

    /// <summary>JSON object of per-method settings: secrets (webhook HMAC secret, ntfy token, SMS provider template). Stored encrypted, never shown in full.</summary>
    [Secret]
    public string? Settings { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When a "send test" to it last succeeded.</summary>
    public DateTimeOffset? VerifiedAt { get; set; }
}

/// <summary>A personal rule: when paged (at an urgency), notify this contact method after a delay — push now, email after 2 minutes, SMS after 5.</summary>
public sealed class NotificationRule : IAudited
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public Guid ContactMethodId { get; set; }

    public int DelayMinutes { get; set; }

    public required RuleUrgency Urgency { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
