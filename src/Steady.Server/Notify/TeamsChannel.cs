using System.Text.Json.Nodes;
using Steady.Core.Alerts;
using Steady.Core.OnCall;

namespace Steady.Server.Notify;

/// <summary>
/// Microsoft Teams through a Workflows webhook ("Post to a channel when a webhook request is
/// received"): a message whose one attachment is an Adaptive Card, with Action.OpenUrl buttons to
/// acknowledge and resolve. Teams answers 202 Accepted.
/// </summary>
public sealed class TeamsChannel(HttpDelivery delivery) : INotificationChannel
{
    public const string CardVersion = "1.4";

    public ContactKind Kind => ContactKind.Teams;

    public Task<DeliveryResult> SendAsync(ContactTarget target, Notification notification, CancellationToken cancellationToken) =>
        delivery.PostJsonAsync(target.Address, Payload(notification), cancellationToken);

    public static JsonObject Payload(Notification n)
    {
        var body = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "TextBlock",
                ["text"] = NotificationText.Headline(n),
                ["weight"] = "Bolder",
                ["size"] = "Medium",
                ["wrap"] = true,
                ["color"] = n.Kind != NotificationKind.Page ? "Default" : n.Severity switch
                {
                    Severity.Critical or Severity.Error => "Attention",
                    Severity.Warning => "Warning",
                    _ => "Default",
                },
            },
        };
        if (NotificationText.Body(n) is { Length: > 0 } text)
            body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = text, ["wrap"] = true });
        body.Add(new JsonObject
        {
            ["type"] = "FactSet",
            ["facts"] = new JsonArray(NotificationText.Facts(n).Select(f => (JsonNode)new JsonObject { ["title"] = f.Name, ["value"] = f.Value }).ToArray()),
        });
        var links = NotificationText.MarkdownLinks(NotificationText.SafeLinks(n));
        if (links.Length > 0)
            body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = links, ["wrap"] = true, ["isSubtle"] = true });
        var actions = new JsonArray();
        foreach (var (label, url) in NotificationText.Actions(n))
        {
            var action = new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = label, ["url"] = url.AbsoluteUri };
            if (label == "Acknowledge")
                action["style"] = "positive";
            actions.Add(action);
        }
        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = CardVersion,
            ["msteams"] = new JsonObject { ["width"] = "Full" },
            ["body"] = body,
            ["actions"] = actions,
        };
        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray(new JsonObject
            {
                ["contentType"] = "application/vnd.microsoft.card.adaptive",
                ["contentUrl"] = null,
                ["content"] = card,
            }),
        };
    }
}
