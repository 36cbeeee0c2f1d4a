using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Steady.Core.OnCall;
using Steady.Core.Paging;

namespace Steady.Server.Notify;

/// <summary>
/// The generic webhook: a versioned JSON body (docs/notifications.md), the delivery's idempotency key
/// in headers, and, when the method has a secret, an HMAC-SHA256 signature over "timestamp.body".
/// </summary>
public sealed class WebhookChannel(HttpDelivery delivery, TimeProvider time) : INotificationChannel
{
    public const string SecretSetting = "secret";
    public const string EventType = "steady.notification";
    public const int Version = 1;

    public ContactKind Kind => ContactKind.Webhook;

    public async Task<DeliveryResult> SendAsync(ContactTarget target, Notification notification, CancellationToken cancellationToken)
    {
        if (HttpDelivery.Url(target.Address) is not { } url)
            return HttpDelivery.NotAUrl;
        var body = HttpDelivery.Serialize(Body(notification));
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = HttpDelivery.JsonContent(body) };
        request.Headers.Add("Idempotency-Key", notification.IdempotencyKey);
        request.Headers.Add("X-Steady-Delivery", notification.IdempotencyKey);
        request.Headers.Add("X-Steady-Timestamp", timestamp);
        if (target.Setting(SecretSetting) is { } secret)
            request.Headers.Add("X-Steady-Signature", Signature(secret, timestamp, body));
        return await delivery.SendAsync(request, cancellationToken);
    }

    /// <summary>"sha256=" and the lowercase hex HMAC-SHA256, keyed by the secret's UTF-8 bytes, of "timestamp.body".</summary>
    public static string Signature(string secret, string timestamp, byte[] body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.UTF8.GetBytes(timestamp + "."));
        hmac.AppendData(body);
        return "sha256=" + Convert.ToHexStringLower(hmac.GetHashAndReset());
    }

    /// <summary>The body, version 1. Add fields freely; rename or remove only with a new version.</summary>
    public static WebhookBody Body(Notification n) => new(
        EventType,
        Version,
        n.Kind.ToString().ToLowerInvariant(),
        n.IdempotencyKey,
        n.CreatedAt.ToUniversalTime(),
        n.Title,
        n.Summary,
        NotificationText.SeverityName(n.Severity),
        n.ServiceName,
        n.AlertCount,
        NotificationText.SafeLinks(n).Select(l => new WebhookLink(l.Href.AbsoluteUri, l.Text)).ToList(),
        n.AckUrl?.AbsoluteUri,
        n.ResolveUrl?.AbsoluteUri,
        n.DetailsUrl?.AbsoluteUri,
        n.About.Text,
        n.About.Fields.Count == 0 ? null : n.About.Fields.GroupBy(f => f.Name).ToDictionary(g => g.Key, g => g.First().Value));
}

public sealed record WebhookBody(
    string Type,
    int Version,
    string Kind,
    string IdempotencyKey,
    DateTimeOffset CreatedAt,
    string Title,
    string Summary,
    string Severity,
    string Service,
    int AlertCount,
    IReadOnlyList<WebhookLink> Links,
    string? AckUrl,
    string? ResolveUrl,
    string? DetailsUrl,
    string? Description = null,
    IReadOnlyDictionary<string, string>? Details = null);

public sealed record WebhookLink(string Href, string Text);
