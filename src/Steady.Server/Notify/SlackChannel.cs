using System.Text.Json.Nodes;
using Steady.Core.OnCall;

namespace Steady.Server.Notify;

/// <summary>
/// Slack incoming webhook: "text" (what the notification shows) and Block Kit blocks: a header, the
/// summary with links, a context line, and link buttons to acknowledge and resolve. Slack answers 200 "ok".
/// </summary>
public sealed class SlackChannel(HttpDelivery delivery) : INotificationChannel
{
    public ContactKind Kind => ContactKind.Slack;

    public Task<DeliveryResult> SendAsync(ContactTarget target, Notification notification, CancellationToken cancellationToken) =>
        delivery.PostJsonAsync(target.Address, Payload(notification), cancellationToken);

    public static JsonObject Payload(Notification n)
    {
        var headline = NotificationText.Headline(n);
        var body = Escape(NotificationText.Body(n));
        var links = NotificationText.SafeLinks(n).Select(l => $"<{Href(l.Href)}|{Escape(l.Text)}>").ToList();
        if (links.Count > 0)
            body += (body.Length > 0 ? "\n" : "") + string.Join(" · ", links);
        var blocks = new JsonArray { new JsonObject { ["type"] = "header", ["text"] = PlainText(NotificationText.Truncate(headline, 150)) } };
        if (body.Length > 0) // Slack refuses a section without text
            blocks.Add(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = NotificationText.Truncate(body, 3000) } });
        blocks.Add(new JsonObject
        {
            ["type"] = "context",
            ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = Escape(NotificationText.FactsLine(n)) }),
        });
        var buttons = new JsonArray();
        foreach (var (label, url) in NotificationText.Actions(n))
        {
            var button = new JsonObject
            {
                ["type"] = "button",
                ["text"] = PlainText(label),
                ["url"] = Href(url),
                ["action_id"] = "steady-" + label.ToLowerInvariant(),
            };
            if (label == "Acknowledge")
                button["style"] = "primary";
            buttons.Add(button);
        }
        if (buttons.Count > 0)
            blocks.Add(new JsonObject { ["type"] = "actions", ["elements"] = buttons });
        return new JsonObject { ["text"] = Escape(headline), ["blocks"] = blocks };
    }

    /// <summary>Slack's three control characters; also keeps "&lt;!channel&gt;" in an alert from pinging everyone.</summary>
    internal static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Href(Uri url) => url.AbsoluteUri.Replace("|", "%7C", StringComparison.Ordinal).Replace(">", "%3E", StringComparison.Ordinal);

    private static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text, ["emoji"] = true };
}
