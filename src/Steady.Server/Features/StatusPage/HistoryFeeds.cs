using System.Globalization;
using System.Net;
using System.Text;
using System.Xml;
using Steady.Core.StatusPage;

namespace Steady.Server.Features.StatusPage;

/// <summary>
/// A page's incident history as Atom and RSS, in Statuspage's shape: one entry per incident or maintenance
/// (newest first), its content the updates newest first, each "<small>time</small><br><strong>Status</strong> - body".
/// </summary>
public static class HistoryFeeds
{
    public const int MaxEntries = 50;

    private sealed record Entry(Guid Id, string Title, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<(DateTimeOffset At, string Status, string Body)> Updates);

    private static IEnumerable<Entry> Entries(StatusPageSnapshot s) =>
        s.Incidents.Select(v => new Entry(v.Incident.Id, v.Incident.Title, v.Incident.CreatedAt, v.Incident.UpdatedAt,
                v.Updates.Select(u => (u.Update.At, Capital(StatusNames.Wire(u.Update.Status)), u.Update.Body)).ToList()))
            .Concat(s.Maintenances.Select(v => new Entry(v.Maintenance.Id, v.Maintenance.Title, v.Maintenance.CreatedAt, v.Maintenance.UpdatedAt,
                v.Updates.Select(u => (u.At, MaintenanceClock.Words(u.Status), u.Body)).ToList())))
            .OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id).Take(MaxEntries);

    private static string Capital(string wire) => char.ToUpperInvariant(wire[0]) + wire[1..];

    public static byte[] Atom(StatusPageSnapshot s, string baseUrl)
    {
        var pageUrl = StatusPagePaths.Url(s.Page, baseUrl);
        var host = new Uri(pageUrl).Host;
        return Write(w =>
        {
            w.WriteStartElement("feed", "http://www.w3.org/2005/Atom");
            w.WriteAttributeString("xml", "lang", null, "en");
            w.WriteElementString("id", $"tag:{host},2005:/{s.Page.Slug}/history");
            Link(w, "alternate", "text/html", pageUrl);
            Link(w, "self", "application/atom+xml", pageUrl + "/history.atom");
            w.WriteElementString("title", $"{s.Page.Name} Status - Incident History");
            w.WriteElementString("updated", Time(Updated(s)));
            foreach (var v in Entries(s))
            {
                w.WriteStartElement("entry");
                w.WriteElementString("id", $"tag:{host},2005:Incident/{v.Id:N}");
                w.WriteElementString("published", Time(v.CreatedAt));
                w.WriteElementString("updated", Time(v.UpdatedAt));
                Link(w, "alternate", "text/html", $"{pageUrl}/incidents/{v.Id}");
                w.WriteElementString("title", v.Title);
                w.WriteStartElement("content");
                w.WriteAttributeString("type", "html");
                w.WriteString(Content(s, v));
                w.WriteEndElement();
                w.WriteEndElement();
            }
            w.WriteEndElement();
        });
    }

    public static byte[] Rss(StatusPageSnapshot s, string baseUrl)
    {
        var pageUrl = StatusPagePaths.Url(s.Page, baseUrl);
        return Write(w =>
        {
            w.WriteStartElement("rss");
            w.WriteAttributeString("version", "2.0");
            w.WriteStartElement("channel");
            w.WriteElementString("title", $"{s.Page.Name} Status - Incident History");
            w.WriteElementString("link", pageUrl);
            w.WriteElementString("description", $"Statuspage for {s.Page.Name}");
            w.WriteElementString("pubDate", Updated(s).ToString("r", CultureInfo.InvariantCulture));
            foreach (var v in Entries(s))
            {
                w.WriteStartElement("item");
                w.WriteElementString("title", v.Title);
                w.WriteElementString("description", Content(s, v));
                w.WriteElementString("pubDate", v.CreatedAt.ToString("r", CultureInfo.InvariantCulture));
                w.WriteElementString("link", $"{pageUrl}/incidents/{v.Id}");
                w.WriteStartElement("guid");
                w.WriteAttributeString("isPermaLink", "true");
                w.WriteString($"{pageUrl}/incidents/{v.Id}");
                w.WriteEndElement();
                w.WriteEndElement();
            }
            w.WriteEndElement();
            w.WriteEndElement();
        });
    }

    /// <summary>The updates as HTML, newest first.</summary>
    private static string Content(StatusPageSnapshot s, Entry v)
    {
        var html = new StringBuilder();
        foreach (var (at, status, body) in v.Updates)
        {
            html.Append("<p><small>").Append(WebUtility.HtmlEncode(s.LocalTime(at))).Append("</small><br><strong>")
                .Append(WebUtility.HtmlEncode(status)).Append("</strong> - ")
                .Append(WebUtility.HtmlEncode(body).Replace("\n", "<br>", StringComparison.Ordinal)).Append("</p>");
        }
        return html.ToString();
    }

    private static DateTimeOffset Updated(StatusPageSnapshot s) =>
        Entries(s).Select(e => e.UpdatedAt).DefaultIfEmpty(s.Page.ChangedAt).Max();

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static void Link(XmlWriter w, string rel, string type, string href)
    {
        w.WriteStartElement("link");
        w.WriteAttributeString("rel", rel);
        w.WriteAttributeString("type", type);
        w.WriteAttributeString("href", href);
        w.WriteEndElement();
    }

    private static byte[] Write(Action<XmlWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            w.WriteStartDocument();
            write(w);
            w.WriteEndDocument();
        }
        return stream.ToArray();
    }
}
