using System.Security;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Steady.Server.Notify;

/// <summary>
/// An SMS or voice provider described by a request template in the contact method's settings, so any
/// HTTP provider works without its SDK: "url", "method" (POST), "headers" (a JSON object), "body", and
/// optionally "contentType". Placeholders such as {{to}} and {{message}} are replaced, escaped for
/// where they stand: URL-encoded in the URL and in form bodies, JSON-escaped in JSON bodies,
/// XML-escaped in XML bodies.
/// </summary>
public static partial class ProviderTemplate
{
    public const string UrlSetting = "url";
    public const string MethodSetting = "method";
    public const string HeadersSetting = "headers";
    public const string BodySetting = "body";
    public const string ContentTypeSetting = "contentType";

    public static readonly IReadOnlyList<string> Placeholders =
        ["to", "message", "ack_url", "resolve_url", "details_url", "severity", "service", "summary", "description", "alert_count", "idempotency_key"];

    /// <summary>The provider request for this target and text, or why the template cannot make one.</summary>
    public static (HttpRequestMessage? Request, string? Error) Build(ContactTarget target, Notification n, string message)
    {
        var values = new Dictionary<string, string>
        {
            ["to"] = target.Address.Trim(),
            ["message"] = message,
            ["ack_url"] = n.AckUrl?.AbsoluteUri ?? "",
            ["resolve_url"] = n.ResolveUrl?.AbsoluteUri ?? "",
            ["details_url"] = n.DetailsUrl?.AbsoluteUri ?? "",
            ["severity"] = NotificationText.SeverityName(n.Severity),
            ["service"] = n.ServiceName,
            ["summary"] = n.Summary,
            ["description"] = n.About.Text ?? "",
            ["alert_count"] = n.AlertCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["idempotency_key"] = n.IdempotencyKey,
        };
        if (target.Setting(UrlSetting) is not { } urlTemplate)
            return (null, "the provider template has no url setting");
        if ((Unknown(urlTemplate) ?? Unknown(target.Setting(BodySetting) ?? "") ?? Unknown(target.Setting(HeadersSetting) ?? "")) is { } unknown)
            return (null, $"the provider template uses an unknown placeholder {{{{{unknown}}}}}; known: {string.Join(", ", Placeholders)}");
        if (HttpDelivery.Url(Fill(urlTemplate, values, Uri.EscapeDataString)) is not { } url)
            return (null, "the provider template's url is not an http(s) URL");

        var headers = new List<(string Name, string Value)>();
        if (target.Setting(HeadersSetting) is { } headersJson)
        {
            try
            {
                using var document = JsonDocument.Parse(headersJson);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                    return (null, "the provider template's headers are not a JSON object");
                foreach (var header in document.RootElement.EnumerateObject())
                {
                    if (header.Value.ValueKind != JsonValueKind.String)
                        return (null, $"the provider template's header {header.Name} is not a string");
                    headers.Add((header.Name, Fill(header.Value.GetString()!, values, NotificationText.OneLine)));
                }
            }
            catch (JsonException)
            {
                return (null, "the provider template's headers are not valid JSON");
            }
        }

        var methodName = (target.Setting(MethodSetting) ?? "POST").Trim().ToUpperInvariant();
        if (methodName.Length == 0 || !methodName.All(char.IsAsciiLetterUpper))
            return (null, "the provider template's method is not an HTTP method");
        var method = new HttpMethod(methodName);
        var request = new HttpRequestMessage(method, url);
        var bodyTemplate = target.Setting(BodySetting);
        var contentType = target.Setting(ContentTypeSetting)
            ?? headers.Where(h => h.Name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).LastOrDefault()
            ?? (bodyTemplate?.TrimStart() is ['{' or '[', ..] ? "application/json" : "application/x-www-form-urlencoded");
        if (bodyTemplate is not null)
        {
            var body = Fill(bodyTemplate, values, EscaperFor(contentType));
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                continue;
            if (!request.Headers.TryAddWithoutValidation(name, value))
                request.Content?.Headers.TryAddWithoutValidation(name, value);
        }
        return (request, null);
    }

    private static readonly Notification Sample = new(NotificationKind.Test, "Check", "Check", Steady.Core.Alerts.Severity.Info, "Steady", 1, [],
        new Uri("https://steady.invalid/ack"), new Uri("https://steady.invalid/resolve"), new Uri("https://steady.invalid/alerts"), "check", DateTimeOffset.UnixEpoch);

    /// <summary>Why this template cannot make a request (checked when a contact method is saved, so the mistake shows then, not at 3am), or null.</summary>
    public static string? Check(ContactTarget target)
    {
        var (request, error) = Build(target, Sample, "Check");
        request?.Dispose();
        return error;
    }

    /// <summary>Sends <paramref name="message"/> (the SMS text or the words to speak) through the target's template.</summary>
    public static async Task<DeliveryResult> SendAsync(HttpDelivery delivery, ContactTarget target, Notification notification, string message, CancellationToken cancellationToken)
    {
        var (request, error) = Build(target, notification, message);
        if (request is null)
            return DeliveryResult.Failed(error!);
        using (request)
            return await delivery.SendAsync(request, cancellationToken);
    }

    /// <summary>How a value is escaped in a body of this content type.</summary>
    public static Func<string, string> EscaperFor(string contentType)
    {
        var type = contentType.Split(';')[0].Trim().ToLowerInvariant();
        if (type.EndsWith("json", StringComparison.Ordinal))
            return value => JsonEncodedText.Encode(value).ToString();
        if (type == "application/x-www-form-urlencoded")
            return Uri.EscapeDataString;
        if (type.EndsWith("xml", StringComparison.Ordinal))
            return value => SecurityElement.Escape(value);
        return value => value;
    }

    public static string Fill(string template, IReadOnlyDictionary<string, string> values, Func<string, string> escape) =>
        PlaceholderPattern().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var value) ? escape(value) : m.Value);

    private static string? Unknown(string template) =>
        PlaceholderPattern().Matches(template).Select(m => m.Groups[1].Value).FirstOrDefault(name => !Placeholders.Contains(name));

    [GeneratedRegex(@"\{\{\s*([A-Za-z_]+)\s*\}\}")]
    private static partial Regex PlaceholderPattern();
}
