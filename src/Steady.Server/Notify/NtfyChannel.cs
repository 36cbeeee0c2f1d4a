using System.Net.Http.Headers;
using System.Text;
using Steady.Core.Alerts;
using Steady.Core.OnCall;
using Steady.Core.Paging;

namespace Steady.Server.Notify;

/// <summary>
/// ntfy-style push (self-hosted, no vendor cloud): the summary as a plain-text body POSTed to the topic
/// URL, with Title, Priority, Tags, Click (the details page) and Actions (view buttons to acknowledge
/// and resolve) headers, and "Authorization: Bearer" when the method has a token.
/// </summary>
public sealed class NtfyChannel(HttpDelivery delivery) : INotificationChannel
{
    public const string TokenSetting = "token";

    public ContactKind Kind => ContactKind.Ntfy;

    public async Task<DeliveryResult> SendAsync(ContactTarget target, Notification notification, CancellationToken cancellationToken)
    {
        if (HttpDelivery.Url(target.Address) is not { } url)
            return HttpDelivery.NotAUrl;
        var body = NotificationText.Body(notification) is { Length: > 0 } text ? text : notification.Summary; // ntfy needs a body
        var links = NotificationText.SafeLinks(notification).Select(l => $"{l.Text}: {l.Href.AbsoluteUri}").ToList();
        if (links.Count > 0)
            body += "\n\n" + string.Join('\n', links);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "text/plain") };
        foreach (var (name, value) in Headers(notification))
            request.Headers.TryAddWithoutValidation(name, value);
        if (target.Setting(TokenSetting) is { } token)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await delivery.SendAsync(request, cancellationToken);
    }

    /// <summary>The ntfy headers for a notification, in order.</summary>
    public static IEnumerable<(string Name, string Value)> Headers(Notification n)
    {
        yield return ("Title", HeaderText(NotificationText.Headline(n)));
        yield return ("Priority", Priority(n.Severity).ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return ("Tags", n.Kind == NotificationKind.Page ? $"{Emoji(n.Severity)},{NotificationText.SeverityName(n.Severity)}" : "white_check_mark,steady");
        yield return ("X-Steady-Delivery", HeaderText(n.IdempotencyKey));
        if (n.DetailsUrl is { } details)
            yield return ("Click", details.AbsoluteUri);
        var actions = new List<string>();
        if (n.AckUrl is { } ack)
            actions.Add($"view, Acknowledge, {ack.AbsoluteUri}");
        if (n.ResolveUrl is { } resolve)
            actions.Add($"view, Resolve, {resolve.AbsoluteUri}");
        if (actions.Count > 0)
            yield return ("Actions", string.Join("; ", actions));
    }

    /// <summary>ntfy's 1 (min) to 5 (max/urgent).</summary>
    public static int Priority(Severity severity) => severity switch
    {
        Severity.Critical => 5,
        Severity.Error => 4,
        Severity.Warning => 3,
        _ => 2,
    };

    private static string Emoji(Severity severity) => severity switch
    {
        Severity.Critical or Severity.Error => "rotating_light",
        Severity.Warning => "warning",
        _ => "information_source",
    };

    /// <summary>One line; ASCII as it is, anything else as an RFC 2047 encoded word, which ntfy decodes.</summary>
    internal static string HeaderText(string text)
    {
        text = NotificationText.OneLine(text);
        return text.All(c => c is >= ' ' and <= '~') ? text : "=?UTF-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(text)) + "?=";
    }
}
