using System.Text.Json.Nodes;
using Steady.Core.OnCall;

namespace Steady.Server.Notify;

/// <summary>
/// Mattermost incoming webhook: "text" plus one message attachment (colour, title linking to the
/// details, the summary, the acknowledge / resolve links and the alert's links, fields). Mattermost's
/// attachment buttons call an integration rather than open a URL, so the actions are links.
/// </summary>
public sealed class MattermostChannel(HttpDelivery delivery) : INotificationChannel
{
    public ContactKind Kind => ContactKind.Mattermost;

    public Task<DeliveryResult> SendAsync(ContactTarget target, Notification notification, CancellationToken cancellationToken) =>
        delivery.PostJsonAsync(target.Address, Payload(notification), cancellationToken);

    public static JsonObject Payload(Notification n)
    {
        var headline = NotificationText.Headline(n);
        var text = NotificationText.Body(n);
        var actions = NotificationText.Actions(n).Select(a => $"**{NotificationText.MarkdownLink(a.Label, a.Url)}**").ToList();
        if (actions.Count > 0)
            text += (text.Length > 0 ? "\n\n" : "") + string.Join(" · ", actions);
        var links = NotificationText.MarkdownLinks(NotificationText.SafeLinks(n));
        if (links.Length > 0)
            text += "\n\n" + links;
        var attachment = new JsonObject
        {
            ["fallback"] = headline,
            ["color"] = NotificationText.SeverityColor(n.Severity),
            ["title"] = n.Title,
            ["text"] = text,
            ["fields"] = new JsonArray(NotificationText.Facts(n).Select(f => (JsonNode)new JsonObject { ["short"] = true, ["title"] = f.Name, ["value"] = f.Value }).ToArray()),
            ["footer"] = "Steady",
        };
        if (n.DetailsUrl is { } details)
            attachment["title_link"] = details.AbsoluteUri;
        return new JsonObject { ["text"] = Unmention(headline), ["attachments"] = new JsonArray(attachment) };
    }

    /// <summary>An alert's "@channel" or "@all" must not notify a whole channel: a word joiner after each "@" keeps the text and drops the mention.</summary>
    internal static string Unmention(string text) => text.Replace("@", "@\u2060", StringComparison.Ordinal);
}
