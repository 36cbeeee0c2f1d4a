using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using Steady.Core.Alerts;
using Steady.Core.Paging;

namespace Steady.Server.Notify;

/// <summary>
/// The page as an email: a plain-text and an HTML part with the summary, the alert's description and
/// fields, severity, service, alert count, links and big Acknowledge / Resolve buttons. Its Message-ID and Date come from the delivery
/// (idempotency key, creation time), so a retried send is recognisably the same message.
/// </summary>
public static partial class EmailMessage
{
    public static MimeMessage Build(Notification n, MailboxAddress from, MailboxAddress to)
    {
        var message = new MimeMessage();
        message.From.Add(from);
        message.To.Add(to);
        message.Subject = NotificationText.Headline(n);
        message.Date = n.CreatedAt;
        message.MessageId = MessageId(n.IdempotencyKey, from.Domain);
        message.Headers.Add("X-Steady-Delivery", n.IdempotencyKey);
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Headers.Add("X-Auto-Response-Suppress", "All");
        if (n.Kind == NotificationKind.Page && n.Severity >= Severity.Error)
        {
            message.Importance = MessageImportance.High;
            message.Priority = MessagePriority.Urgent;
        }
        message.Body = new BodyBuilder { TextBody = Text(n), HtmlBody = Html(n) }.ToMessageBody();
        return message;
    }

    /// <summary>
    /// "key@domain" (without the angle brackets): the key itself when it is a valid dot-atom, so a
    /// person can match it to the delivery, else a hash of it.
    /// </summary>
    public static string MessageId(string idempotencyKey, string? domain)
    {
        var left = idempotencyKey.Length <= 200 && DotAtom().IsMatch(idempotencyKey)
            ? idempotencyKey
            : "steady-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))[..32];
        var right = !string.IsNullOrEmpty(domain) && DotAtom().IsMatch(domain) ? domain : "steady.localhost";
        return $"{left}@{right}";
    }

    public static string Text(Notification n)
    {
        var text = new StringBuilder();
        if (n.Kind == NotificationKind.Page)
            text.Append($"{n.Severity.ToString().ToUpperInvariant()} · {n.ServiceName}\n");
        text.Append($"{n.Title}\n\n");
        if (NotificationText.Body(n) is { Length: > 0 } body)
            text.Append($"{body}\n\n");
        if (n.Kind == NotificationKind.Page)
            text.Append($"Alerts in this group: {n.AlertCount}\n\n");
        foreach (var (label, url) in NotificationText.Actions(n))
            text.Append($"{label}: {url.AbsoluteUri}\n");
        var links = NotificationText.SafeLinks(n).ToList();
        if (links.Count > 0)
        {
            text.Append("\nLinks:\n");
            foreach (var (href, label) in links)
                text.Append($"- {label}: {href.AbsoluteUri}\n");
        }
        text.Append($"\n-- \nSent by Steady · delivery {n.IdempotencyKey}\n");
        return text.ToString();
    }

    public static string Html(Notification n)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var color = NotificationText.SeverityColor(n.Severity);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">");
        html.Append($"<title>{E(NotificationText.Headline(n))}</title></head>");
        html.Append("<body style=\"margin:0;padding:0;background:#f4f5f7;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2328\">");
        html.Append("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\"><tr><td align=\"center\" style=\"padding:24px 12px\">");
        html.Append($"<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"max-width:560px;background:#ffffff;border-radius:8px;border-top:4px solid {color}\"><tr><td style=\"padding:24px\">");
        if (n.Kind == NotificationKind.Page)
            html.Append($"<p style=\"margin:0 0 4px;font-size:13px;color:#57606a\"><strong style=\"color:{color};letter-spacing:.04em;text-transform:uppercase\">{E(NotificationText.SeverityName(n.Severity))}</strong> · {E(n.ServiceName)}</p>");
        html.Append($"<h1 style=\"margin:0 0 12px;font-size:22px;line-height:1.3\">{E(n.Title)}</h1>");
        if (!string.Equals(n.Summary.Trim(), n.Title.Trim(), StringComparison.Ordinal))
            html.Append($"<p style=\"margin:0 0 16px;font-size:16px;line-height:1.5;white-space:pre-wrap\">{E(n.Summary.Trim())}</p>");
        if (n.About.Text is { } description)
            html.Append($"<p style=\"margin:0 0 16px;font-size:15px;line-height:1.5;white-space:pre-wrap\">{E(description)}</p>");
        if (n.About.Fields.Count > 0)
        {
            html.Append("<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" style=\"margin:0 0 16px;font-size:14px;line-height:1.5\">");
            foreach (var field in n.About.Fields)
                html.Append($"<tr><td style=\"padding:0 12px 4px 0;color:#57606a;vertical-align:top\">{E(field.Name)}</td><td style=\"padding:0 0 4px;white-space:pre-wrap;word-break:break-word\">{E(field.Value)}</td></tr>");
            html.Append("</table>");
        }
        if (n.Kind == NotificationKind.Page)
            html.Append($"<p style=\"margin:0 0 20px;font-size:14px;color:#57606a\">Alerts in this group: <strong>{n.AlertCount}</strong></p>");
        foreach (var (label, url) in NotificationText.Actions(n).Where(a => a.Label != "Details"))
        {
            var background = label == "Acknowledge" ? "#1f6feb" : "#2da44e";
            html.Append($"<a href=\"{E(url.AbsoluteUri)}\" style=\"display:inline-block;margin:0 8px 12px 0;padding:16px 32px;border-radius:6px;background:{background};color:#ffffff;font-size:18px;font-weight:600;text-decoration:none\">{E(label)}</a>");
        }
        var links = NotificationText.SafeLinks(n).ToList();
        if (links.Count > 0)
        {
            html.Append("<ul style=\"margin:12px 0 0;padding-left:20px;font-size:14px;line-height:1.6\">");
            foreach (var (href, label) in links)
                html.Append($"<li><a href=\"{E(href.AbsoluteUri)}\" style=\"color:#0969da\">{E(label)}</a></li>");
            html.Append("</ul>");
        }
        if (n.DetailsUrl is { } details)
            html.Append($"<p style=\"margin:16px 0 0;font-size:14px\"><a href=\"{E(details.AbsoluteUri)}\" style=\"color:#0969da\">Open in Steady</a></p>");
        html.Append("</td></tr></table>");
        html.Append($"<p style=\"margin:12px 0 0;font-size:12px;color:#8c959f\">Sent by Steady · delivery {E(n.IdempotencyKey)}</p>");
        html.Append("</td></tr></table></body></html>");
        return html.ToString();
    }

    [GeneratedRegex(@"^[A-Za-z0-9_+=-]+(\.[A-Za-z0-9_+=-]+)*$")]
    private static partial Regex DotAtom();
}
