using System.Globalization;
using System.Text.Json.Nodes;
using Steady.Core.OnCall;

namespace Steady.Server.Notify;

/// <summary>
/// Discord webhook: "content" plus one embed (title linking to the details, the summary with
/// acknowledge / resolve links, fields, colour, timestamp). Mentions are disabled, so "@everyone" in
/// an alert pings nobody. Discord answers 204 No Content, and 429 with Retry-After when rate limited.
/// </summary>
public sealed class DiscordChannel(HttpDelivery delivery) : INotificationChannel
{
    public ContactKind Kind => ContactKind.Discord;

    public Task<DeliveryResult> SendAsync(ContactTarget target, Notification notification, CancellationToken cancellationToken) =>
        delivery.PostJsonAsync(target.Address, Payload(notification), cancellationToken);

    public static JsonObject Payload(Notification n)
    {
        var description = NotificationText.Body(n);
        var actions = NotificationText.Actions(n).Select(a => $"**{NotificationText.MarkdownLink(a.Label, a.Url)}**").ToList();
        if (actions.Count > 0)
            description += (description.Length > 0 ? "\n\n" : "") + string.Join(" · ", actions);
        var links = NotificationText.MarkdownLinks(NotificationText.SafeLinks(n));
        if (links.Length > 0)
            description += "\n" + links;
        var embed = new JsonObject
        {
            ["title"] = NotificationText.Truncate(n.Title, 256),
            ["description"] = NotificationText.Truncate(description, 4096),
            ["color"] = int.Parse(NotificationText.SeverityColor(n.Severity).AsSpan(1), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            ["fields"] = new JsonArray(NotificationText.Facts(n).Select(f => (JsonNode)new JsonObject { ["name"] = f.Name, ["value"] = NotificationText.Truncate(f.Value, 1024), ["inline"] = true }).ToArray()),
            ["timestamp"] = n.CreatedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["footer"] = new JsonObject { ["text"] = "Steady" },
        };
        if (n.DetailsUrl is { } details)
            embed["url"] = details.AbsoluteUri;
        return new JsonObject
        {
            ["content"] = NotificationText.Truncate(NotificationText.Headline(n), 2000),
            ["embeds"] = new JsonArray(embed),
            ["allowed_mentions"] = new JsonObject { ["parse"] = new JsonArray() },
        };
    }
}
