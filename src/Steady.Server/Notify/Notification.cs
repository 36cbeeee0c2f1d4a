using System.Text.Json;
using Steady.Core.Alerts;
using Steady.Core.OnCall;

namespace Steady.Server.Notify;

/// <summary>Why a notification is sent.</summary>
public enum NotificationKind
{
    /// <summary>An alert group needs a human.</summary>
    Page,

    /// <summary>The "send test" action on a contact method.</summary>
    Test,

    /// <summary>A shift starts: the incoming person is told.</summary>
    Handoff,

    /// <summary>An incident speaks: a status update to its channels, an overdue-update reminder, a page for it.</summary>
    Incident,
}

/// <summary>
/// What a responder needs, ready to render: service, summary, severity, links, how many alerts are
/// in the group, and the signed acknowledge / resolve links (made elsewhere; channels only show them).
/// The idempotency key is the delivery's: a retried send carries the same key.
/// </summary>
public sealed record Notification(
    NotificationKind Kind,
    string Title,
    string Summary,
    Severity Severity,
    string ServiceName,
    int AlertCount,
    IReadOnlyList<AlertLink> Links,
    Uri? AckUrl,
    Uri? ResolveUrl,
    Uri? DetailsUrl,
    string IdempotencyKey,
    DateTimeOffset CreatedAt)
{
    /// <summary>What the monitoring tool said about the alert beyond its summary (its description and other fields), for a page about one alert group.</summary>
    public AlertDescription About { get; init; } = AlertDescription.None;
}

/// <summary>
/// Where to: an email address, a URL or a phone number, and the method's own settings (a webhook's
/// HMAC secret, an ntfy token, an SMS provider's request template). Settings may hold secrets: never log them.
/// </summary>
public sealed record ContactTarget(ContactKind Kind, string Address, IReadOnlyDictionary<string, string> Settings)
{
    public ContactTarget(ContactKind kind, string address)
        : this(kind, address, new Dictionary<string, string>())
    {
    }

    public string? Setting(string name) => Settings.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    /// <summary>
    /// A stored contact method as a target: its kind as stored ("email", "slack", …) and its settings
    /// as a JSON object. A value that is not a string (an SMS template's "headers" object) is kept as
    /// its JSON text. Throws <see cref="FormatException"/> for an unknown kind or settings that are not an object.
    /// </summary>
    public static ContactTarget FromStored(string kind, string address, string? settingsJson) =>
        FromStored(ContactKinds.Parse(kind), address, settingsJson);

    /// <summary>A stored contact method as a target (see the overload taking the kind as text).</summary>
    public static ContactTarget FromStored(ContactKind kind, string address, string? settingsJson)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(settingsJson))
        {
            try
            {
                using var document = JsonDocument.Parse(settingsJson);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                    throw new FormatException("A contact method's settings must be a JSON object.");
                foreach (var setting in document.RootElement.EnumerateObject())
                {
                    settings[setting.Name] = setting.Value.ValueKind switch
                    {
                        JsonValueKind.String => setting.Value.GetString()!,
                        JsonValueKind.Null => "",
                        _ => setting.Value.GetRawText(),
                    };
                }
            }
            catch (JsonException e)
            {
                throw new FormatException("A contact method's settings are not valid JSON.", e);
            }
        }
        return new ContactTarget(kind, address, settings);
    }
}

public enum DeliveryOutcome
{
    /// <summary>The receiver took it.</summary>
    Sent,

    /// <summary>A temporary failure (timeout, connection refused, 5xx, 429, SMTP 4xx): send again later, with the same key.</summary>
    Retry,

    /// <summary>A permanent failure (rejected, misconfigured): sending again will not help; show it to people.</summary>
    Failed,
}

/// <summary>How one attempt went, in a sentence a person can act on. Never holds a secret.</summary>
public sealed record DeliveryResult(DeliveryOutcome Outcome, string Detail, TimeSpan? RetryAfter = null)
{
    /// <summary>The HTTP status the receiver answered, for channels that send over HTTP; null when none came.</summary>
    public int? StatusCode { get; init; }

    /// <summary>True for an attempt over HTTP (webhooks, chat, push, SMS providers), answered or not.</summary>
    public bool OverHttp { get; init; }

    /// <summary>
    /// What "send test" tells: for HTTP, whether it went and the status code — never the receiver's answer or why a
    /// connection failed, or a test would read internal services and probe their ports.
    /// </summary>
    public DeliveryResult ForTest() => !OverHttp ? this : this with
    {
        Detail = StatusCode is { } status ? $"HTTP {status}" : Outcome == DeliveryOutcome.Sent ? "sent" : "no HTTP answer",
    };

    public static DeliveryResult Sent(string detail) => new(DeliveryOutcome.Sent, detail);

    public static DeliveryResult Retry(string detail, TimeSpan? after = null) => new(DeliveryOutcome.Retry, detail, after);

    public static DeliveryResult Failed(string detail) => new(DeliveryOutcome.Failed, detail);
}

/// <summary>One way of reaching a person. Implementations classify every outcome; they throw only when cancelled.</summary>
public interface INotificationChannel
{
    ContactKind Kind { get; }

    Task<DeliveryResult> SendAsync(ContactTarget target, Notification notification, CancellationToken cancellationToken);
}
