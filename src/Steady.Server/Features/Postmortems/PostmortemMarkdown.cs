using System.Globalization;
using System.Text;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using NodaTime;
using Steady.Core.Postmortems;

namespace Steady.Server.Features.Postmortems;

/// <summary>
/// Postmortems are written in Markdown. <see cref="ToHtml"/> renders a section for the console: raw HTML
/// is not passed through (it shows as text), and a link or image whose address is not http, https,
/// mailto or relative loses its address, so no script ever runs from a postmortem. <see cref="Export"/>
/// writes the whole postmortem as one Markdown document.
/// </summary>
public static class PostmortemMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseAutoLinks()
        .UseTaskLists()
        .DisableHtml()
        .Build();

    private static readonly HashSet<string> SafeSchemes = new(StringComparer.OrdinalIgnoreCase) { "http", "https", "mailto" };

    /// <summary>The section as safe HTML (empty for no text).</summary>
    public static string ToHtml(string? markdown)
    {
        if (string.IsNullOrWhiteSpace(markdown))
            return "";
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var link in document.Descendants<LinkInline>())
        {
            if (!IsSafe(link.Url))
                link.Url = "";
        }
        foreach (var link in document.Descendants<AutolinkInline>())
        {
            if (!link.IsEmail && !IsSafe(link.Url))
                link.Url = "";
        }
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        var renderer = new Markdig.Renderers.HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.Render(document);
        writer.Flush();
        return writer.ToString();
    }

    /// <summary>An address that cannot run script: http(s), mailto, or relative (no scheme at all, once blanks and control characters are gone, as a browser drops them).</summary>
    internal static bool IsSafe(string? url)
    {
        if (string.IsNullOrEmpty(url))
            return true;
        var squeezed = new string(url.Where(c => c > ' ' && !char.IsControl(c)).ToArray());
        var end = squeezed.IndexOfAny(['/', '?', '#']);
        var head = end < 0 ? squeezed : squeezed[..end];
        if (!head.Contains(':', StringComparison.Ordinal))
            return true;
        return Uri.TryCreate(squeezed, UriKind.Absolute, out var uri) && SafeSchemes.Contains(uri.Scheme);
    }

    /// <summary>The whole postmortem as Markdown: header, impact times, every section (unwritten ones say so), timeline (UTC, and the reader's zone), responders, action items.</summary>
    public static string Export(PostmortemDto p, IReadOnlyList<ActionItemDto> items, DateTimeZone? readerZone)
    {
        var zone = readerZone is null || readerZone == DateTimeZone.Utc ? null : readerZone;
        var md = new StringBuilder();
        void Line(string text = "") => md.Append(text).Append('\n');

        Line($"# Postmortem: #{p.Incident} {Inline(p.Title)}");
        Line();
        Line($"- **Severity:** {p.Severity}");
        Line($"- **Status:** {p.Status}{(p.PublishedAt is { } published ? $" ({Utc(published)})" : "")}");
        Line($"- **Owner:** {(p.Owner is null ? "nobody yet" : Inline(p.Owner.Name))}");
        Line($"- **Due:** {(p.DueAt is { } due ? Utc(due) : "not set")}");
        Line();

        Line("## Impact times");
        Line();
        Line("| moment | at (UTC) | since the start |");
        Line("| --- | --- | --- |");
        foreach (var m in p.ImpactTimes)
            Line($"| {m.Name} | {(m.At is { } at ? Utc(at) : "—")} | {(m.SecondsSinceStart is { } s ? Duration(s) : "—")} |");
        Line();
        Line($"- **Time at each severity:** {(p.SeverityTimes.Count == 0 ? "—" : string.Join(", ", p.SeverityTimes.Select(x => $"{x.Severity} {Duration(x.Seconds)}")))}");
        Line($"- **Services:** {(p.Services.Count == 0 ? "none linked" : Inline(string.Join(", ", p.Services)))}");
        Line($"- **Status-page components:** {(p.Components.Count == 0 ? "none named by a public update" : Inline(string.Join(", ", p.Components.Select(c => $"{c.Name} ({c.WorstState})"))))}");
        Line($"- **Pages sent:** {p.Pages.Sum(x => x.Pages)}{(p.Pages.Count == 0 ? "" : " — " + Inline(string.Join(", ", p.Pages.Select(x => $"{x.Name} ({x.Pages})"))))}");
        Line();

        foreach (var section in PostmortemSections.All)
        {
            Line($"## {section.Title}");
            Line();
            Line(p.Section(section.Key) is { Length: > 0 } text ? text.TrimEnd() : $"_Not written yet: {section.Hint}_");
            Line();
        }

        if (p.PublicSummary is { Length: > 0 } forCustomers)
        {
            Line("## Public summary");
            Line();
            Line(forCustomers.TrimEnd());
            Line();
        }

        Line("## Messaging");
        Line();
        foreach (var u in p.Messaging)
            Line($"- {Utc(u.At)} UTC, {u.Visibility}, {Inline(u.Author)}: known: {Inline(u.Known)}{(u.Unknown is { Length: > 0 } unknown ? $"; not known: {Inline(unknown)}" : "")}; doing: {Inline(u.Doing)}");
        if (p.Messaging.Count == 0)
            Line("_No status update was sent._");
        Line();

        Line("## Timeline");
        Line();
        Line(zone is null ? "| at (UTC) | kind | what happened | who |" : $"| at (UTC) | at ({zone.Id}) | kind | what happened | who |");
        Line(zone is null ? "| --- | --- | --- | --- |" : "| --- | --- | --- | --- | --- |");
        foreach (var e in p.Timeline)
        {
            var local = zone is null ? "" : $" {Instant.FromDateTimeOffset(e.At).InZone(zone).ToString("uuuu-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} |";
            Line($"| {Utc(e.At)} |{local} {Cell(e.Kind)} | {(e.Pinned ? "**pinned** " : "")}{Cell(e.Text)} | {Cell(e.Actor ?? "")} |");
        }
        if (p.Timeline.Count == 0)
            Line(zone is null ? "| — | | | |" : "| — | | | | |");
        Line();

        Line("## Responders");
        Line();
        Line("| who | role | from (UTC) | to (UTC) | held for |");
        Line("| --- | --- | --- | --- | --- |");
        foreach (var r in p.Responders)
            Line($"| {Cell(r.Name)} | {r.Role} | {Utc(r.From)} | {(r.To is { } to ? Utc(to) : "still")} | {(r.To is { } end ? Duration((long)(end - r.From).TotalSeconds) : "—")} |");
        Line();

        Line("## Action items");
        Line();
        if (items.Count == 0)
        {
            Line("_None yet._");
        }
        else
        {
            Line("| item | type | owner | priority | due (UTC) | status | ticket |");
            Line("| --- | --- | --- | --- | --- | --- | --- |");
            foreach (var i in items)
                Line($"| {Cell(i.Title)} | {i.Type} | {Cell(i.Owner.Name)} | {i.Priority} | {Utc(i.DueAt)} | {i.Status}{(i.Reason is null ? "" : $": {Cell(i.Reason)}")} | {(i.TicketUrl is null ? "" : $"<{i.TicketUrl}>")} |");
        }
        return md.ToString();
    }

    private static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>"1 h 30 min 7 s" from seconds.</summary>
    internal static string Duration(long seconds)
    {
        var span = TimeSpan.FromSeconds(Math.Abs(seconds));
        var parts = new List<string>();
        if (span.Days > 0)
            parts.Add($"{span.Days} d");
        if (span.Hours > 0)
            parts.Add($"{span.Hours} h");
        if (span.Minutes > 0)
            parts.Add($"{span.Minutes} min");
        if (span.Seconds > 0 || parts.Count == 0)
            parts.Add($"{span.Seconds} s");
        return (seconds < 0 ? "-" : "") + string.Join(" ", parts);
    }

    /// <summary>Text on one line of a table: no line breaks, pipes escaped.</summary>
    private static string Cell(string text) => Inline(text).Replace("|", "\\|", StringComparison.Ordinal);

    private static string Inline(string text) => text.ReplaceLineEndings(" ").Trim();
}
