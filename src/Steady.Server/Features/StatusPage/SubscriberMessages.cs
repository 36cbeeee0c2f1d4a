using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MimeKit;
using Steady.Core.StatusPage;
using Steady.Server.Infrastructure;
using Steady.Server.Notify;

namespace Steady.Server.Features.StatusPage;

/// <summary>
/// The messages a subscriber gets, made when they are sent (the links are per subscriber): the confirmation
/// link, the manage link for an address subscribed already, and each broadcast — by email with a manage
/// link and RFC 8058's one-click unsubscribe, or as Statuspage's webhook body with its <c>meta</c>.
/// </summary>
public sealed class SubscriberMessages(SubscriberLinks links, PublicUrls urls, Microsoft.Extensions.Options.IOptions<StatusPageOptions> options)
{
    /// <summary>Where a page's subscription links live: its own host name, or the server's /status.</summary>
    public string SubscriptionsBase(PublicStatusPage page) =>
        page.HostName is not null ? StatusPagePaths.Url(page, urls.Base()) + "/subscriptions" : urls.Base() + "/status/subscriptions";

    public async Task<(string Manage, string Unsubscribe)> ManageLinksAsync(PublicStatusPage page, StatusSubscriber subscriber, CancellationToken cancellationToken)
    {
        var token = await links.SignAsync(new SubscriberLink(SubscriberLinkPurpose.Manage, subscriber.Id, null, ""), cancellationToken);
        var root = SubscriptionsBase(page);
        return ($"{root}/manage/{token}", $"{root}/unsubscribe/{token}");
    }

    public async Task<MimeMessage> EmailAsync(PublicStatusPage page, StatusSubscriber subscriber, StatusNotice notice, StatusBroadcast? broadcast, MailboxAddress from, CancellationToken cancellationToken)
    {
        var (manage, unsubscribe) = await ManageLinksAsync(page, subscriber, cancellationToken);
        var pageUrl = StatusPagePaths.Url(page, urls.Base());
        string subject, text;
        switch (notice.Kind)
        {
            case "confirm":
                // The nonce as it was when this link was asked for: a later request's link replaces it, whenever each is sent.
                var expires = notice.CreatedAt + options.Value.ConfirmationLifetime;
                var token = await links.SignAsync(new SubscriberLink(SubscriberLinkPurpose.Confirm, subscriber.Id, expires, notice.ConfirmNonce ?? ""), cancellationToken);
                subject = $"[{page.Name}] Confirm your subscription";
                text = $"Someone, hopefully you, asked for updates of {page.Name} ({pageUrl}) at this address.\n\n"
                    + $"Confirm your subscription: {SubscriptionsBase(page)}/confirm/{token}\n\n"
                    + $"The link works once, until {StatusPageSnapshot.LocalTime(NodaTime.DateTimeZone.Utc, expires)}. If it was not you, ignore this message: nothing is sent without your confirmation.\n";
                break;
            case "manage":
                subject = $"[{page.Name}] Your subscription";
                text = $"Someone, hopefully you, asked to subscribe this address to {page.Name} ({pageUrl}). It is subscribed already: nothing was changed.\n";
                break;
            default:
                subject = broadcast!.Subject;
                text = broadcast.Body;
                break;
        }
        if (notice.Kind != "confirm")
            text += $"\n-- \nYou get this because you subscribed to {page.Name}.\nChoose components or unsubscribe: {manage}\nUnsubscribe at once: {unsubscribe}\n";
        var message = new MimeMessage();
        message.From.Add(from);
        message.To.Add(MailboxAddress.Parse(subscriber.Address));
        message.Subject = subject;
        message.Date = notice.CreatedAt;
        message.MessageId = EmailMessage.MessageId("status-" + notice.Id.ToString("N"), from.Domain);
        message.Headers.Add("X-Steady-Delivery", notice.Id.ToString("N"));
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add("X-Auto-Response-Suppress", "All");
        if (notice.Kind != "confirm")
        {
            message.Headers.Add("List-Id", $"{page.Name} <{page.Slug}.status.{from.Domain}>");
            message.Headers.Add("List-Unsubscribe", $"<{unsubscribe}>");
            message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = Html(subject, text) }.ToMessageBody();
        return message;
    }

    /// <summary>The broadcast's Statuspage body with its <c>meta</c> first: where to unsubscribe, and (Statuspage's documentation link) the page.</summary>
    public async Task<byte[]> WebhookAsync(PublicStatusPage page, StatusSubscriber subscriber, StatusBroadcast broadcast, CancellationToken cancellationToken)
    {
        var (_, unsubscribe) = await ManageLinksAsync(page, subscriber, cancellationToken);
        var body = new JsonObject { ["meta"] = new JsonObject { ["unsubscribe"] = unsubscribe, ["documentation"] = StatusPagePaths.Url(page, urls.Base()) } };
        foreach (var (name, value) in JsonNode.Parse(broadcast.Webhook)!.AsObject().ToList())
            body[name] = value?.DeepClone();
        return Encoding.UTF8.GetBytes(body.ToJsonString());
    }

    /// <summary>The text as simple HTML: paragraphs, and its links as links.</summary>
    private static string Html(string subject, string text)
    {
        var html = new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(WebUtility.HtmlEncode(subject)).Append("</title></head><body style=\"font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2328;line-height:1.5\">");
        foreach (var paragraph in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            html.Append("<p>");
            foreach (var (line, i) in paragraph.Split('\n').Select((l, i) => (l, i)))
            {
                if (i > 0)
                    html.Append("<br>");
                var space = line.LastIndexOf(' ');
                var last = space < 0 ? line : line[(space + 1)..];
                if (last.StartsWith("http://", StringComparison.Ordinal) || last.StartsWith("https://", StringComparison.Ordinal))
                    html.Append(WebUtility.HtmlEncode(line[..(space + 1)])).Append("<a href=\"").Append(WebUtility.HtmlEncode(last)).Append("\">").Append(WebUtility.HtmlEncode(last)).Append("</a>");
                else
                    html.Append(WebUtility.HtmlEncode(line));
            }
            html.Append("</p>");
        }
        return html.Append("</body></html>").ToString();
    }
}
