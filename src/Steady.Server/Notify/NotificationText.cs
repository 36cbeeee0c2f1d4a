using System.Globalization;
using System.Text;
using Steady.Core.Alerts;

namespace Steady.Server.Notify;

/// <summary>The words every channel shares: headlines, severity names, the short SMS text, the spoken text, safe links.</summary>
public static class NotificationText
{
    /// <summary>SMS segment size in the GSM 7-bit alphabet.</summary>
    public const int SmsLength = 160;

    public static string SeverityName(Severity severity) => severity.ToString().ToLowerInvariant();

    public static string SeverityCode(Severity severity) => severity switch
    {
        Severity.Critical => "CRIT",
        Severity.Error => "ERR",
        Severity.Warning => "WARN",
        _ => "INFO",
    };

    /// <summary>A colour per severity, used sparingly (a card's accent): #RRGGBB.</summary>
    public static string SeverityColor(Severity severity) => severity switch
    {
        Severity.Critical => "#C62828",
        Severity.Error => "#E65100",
        Severity.Warning => "#F9A825",
        _ => "#1565C0",
    };

    /// <summary>One line: "[CRITICAL] payments-api: Error rate above 5% (3 alerts)"; a test or handoff says what it is.</summary>
    public static string Headline(Notification n) => n.Kind switch
    {
        NotificationKind.Test => $"[Steady] {n.Title}",
        NotificationKind.Handoff => $"[Steady] {n.Title}",
        NotificationKind.Incident => $"[Steady] {n.Title}",
        _ => $"[{n.Severity.ToString().ToUpperInvariant()}] {n.ServiceName}: {n.Title}{CountSuffix(n)}",
    };

    /// <summary>
    /// The text under a message's title: the summary when it says more than the title, then what the
    /// monitoring tool said about the alert — its description, then its other fields as "name: value"
    /// lines. Empty when the title says it all (a channel that needs a body uses the summary).
    /// </summary>
    public static string Body(Notification n)
    {
        var parts = new List<string>();
        if (!string.Equals(n.Summary.Trim(), n.Title.Trim(), StringComparison.Ordinal))
            parts.Add(n.Summary.Trim());
        if (n.About.Text is { } description)
            parts.Add(description);
        if (n.About.Fields.Count > 0)
            parts.Add(n.About.FieldLines());
        return string.Join("\n\n", parts);
    }

    /// <summary>" (3 alerts)" when a group holds more than one alert, else nothing.</summary>
    public static string CountSuffix(Notification n) => n.AlertCount > 1 ? $" ({n.AlertCount} alerts)" : "";

    /// <summary>
    /// The SMS text, "[CRIT] payments-api: summary - ack: URL" (an incident's message: "[Steady] text - its
    /// page's URL"), cut to 160 characters where the link allows. ASCII punctuation on purpose: a dash or ellipsis outside the GSM alphabet would switch the
    /// whole message to UCS-2 and split it at 70 characters.
    /// </summary>
    public static string Sms(Notification n)
    {
        var prefix = n.Kind == NotificationKind.Page ? $"[{SeverityCode(n.Severity)}] {n.ServiceName}: " : "[Steady] ";
        var summary = OneLine(n.Summary);
        if (n.Kind == NotificationKind.Page && n.AlertCount > 1)
            summary += $" (+{n.AlertCount - 1} more)";
        var suffix = n.AckUrl is { } ack ? $" - ack: {ack.AbsoluteUri}"
            : n.Kind == NotificationKind.Incident && n.DetailsUrl is { } incident ? $" - {incident.AbsoluteUri}" : "";
        var room = Math.Max(SmsLength - prefix.Length - suffix.Length, 40);
        return prefix + Truncate(summary, room, "...") + suffix;
    }

    /// <summary>What a voice call says: no links (nobody can click a phone call), words rather than symbols.</summary>
    public static string Spoken(Notification n)
    {
        var text = new StringBuilder("This is Steady. ");
        switch (n.Kind)
        {
            case NotificationKind.Page:
                text.Append($"A {SeverityName(n.Severity)} page for {n.ServiceName}. {OneLine(n.Summary).TrimEnd('.')}. ");
                if (n.AlertCount > 1)
                    text.Append($"{n.AlertCount} alerts in this group. ");
                text.Append("Acknowledge from the link in your messages.");
                break;
            default:
                text.Append(OneLine(n.Summary));
                break;
        }
        return text.ToString();
    }

    /// <summary>The facts every message shows beside the summary: severity, service, alert count (or, for a test, when it was sent).</summary>
    public static IReadOnlyList<(string Name, string Value)> Facts(Notification n) => n.Kind == NotificationKind.Page
        ? [("Severity", SeverityName(n.Severity)), ("Service", n.ServiceName), ("Alerts", n.AlertCount.ToString(CultureInfo.InvariantCulture))]
        : [("Sent", n.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture))];

    /// <summary>"Severity: critical · Service: payments-api · Alerts: 3".</summary>
    public static string FactsLine(Notification n) => string.Join(" · ", Facts(n).Select(f => $"{f.Name}: {f.Value}"));

    /// <summary>Only absolute http(s) links reach a message: an alert's links come from outside (no javascript: or file: links).</summary>
    public static IEnumerable<(Uri Href, string Text)> SafeLinks(Notification n)
    {
        foreach (var link in n.Links)
        {
            if (Uri.TryCreate(link.Href, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
                yield return (uri, string.IsNullOrWhiteSpace(link.Text) ? uri.AbsoluteUri : OneLine(link.Text));
        }
    }

    /// <summary>The acknowledge / resolve / details actions that are present, in that order.</summary>
    public static IEnumerable<(string Label, Uri Url)> Actions(Notification n)
    {
        if (n.AckUrl is { } ack)
            yield return ("Acknowledge", ack);
        if (n.ResolveUrl is { } resolve)
            yield return ("Resolve", resolve);
        if (n.DetailsUrl is { } details)
            yield return ("Details", details);
    }

    /// <summary>A Markdown link, "[text](url)", whose text and URL cannot break out of it.</summary>
    public static string MarkdownLink(string text, Uri url) =>
        $"[{text.Replace("[", "(", StringComparison.Ordinal).Replace("]", ")", StringComparison.Ordinal)}]({url.AbsoluteUri.Replace("(", "%28", StringComparison.Ordinal).Replace(")", "%29", StringComparison.Ordinal).Replace(" ", "%20", StringComparison.Ordinal)})";

    /// <summary>The alert's links and then the actions, as Markdown links on one line, or "" when there are none.</summary>
    public static string MarkdownLinks(IEnumerable<(Uri Href, string Text)> links) => string.Join(" · ", links.Select(l => MarkdownLink(l.Text, l.Href)));

    public static string OneLine(string text) => string.Join(' ', text.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    public static string Truncate(string text, int max, string ellipsis = "…")
    {
        if (text.Length <= max)
            return text;
        var cut = Math.Max(max - ellipsis.Length, 0);
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
            cut--;
        return text[..cut] + ellipsis;
    }
}
