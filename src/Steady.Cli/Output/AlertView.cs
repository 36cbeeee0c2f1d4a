using System.Globalization;
using System.Text.Json;
using Steady.Cli.Api;
using Steady.Cli.Commands;

namespace Steady.Cli.Output;

/// <summary>
/// `steady alert show` for a person: the summary and its state first, then what fired (labels,
/// links, details), then what happened to it (history) and its earlier occurrences, and last the
/// command to act on it.
/// </summary>
public static class AlertView
{
    /// <param name="server">The server's address, for the link to the alert's incident.</param>
    public static void Write(TextWriter output, AlertDetailDto detail, string? runbook, DateTimeOffset now, string? server = null)
    {
        var a = detail.Alert;
        var shortId = ShortId.Of(a.Id);
        output.WriteLine($"{a.Severity.ToUpperInvariant()}  {Table.Clean(a.Summary)}");
        output.WriteLine();
        var fields = new Fields()
            .Add("Status", State(a, now))
            .Add("Service", a.ServiceName);
        if (a.Incident is { } incident)
            fields.Add("Incident", Incident(incident, server));
        if (!string.IsNullOrWhiteSpace(runbook))
            fields.Add("Runbook", runbook);
        fields.Add("Id", $"{a.Id} (short: {shortId})")
            .Add("Source", a.Source)
            .Add("First seen", Ago.Both(a.FirstSeenAt, now))
            .Add("Last seen", $"{Ago.Both(a.LastSeenAt, now)}, {Events(a.EventCount)}")
            .Add("Dedup key", a.DedupKey);
        if (a.Occurrence > 1)
            fields.Add("Occurrence", $"{a.Occurrence} (fired and resolved before; see Occurrences)");
        if (detail.Group is { AlertCount: > 1 } group)
            fields.Add("Group", $"{group.OpenCount} of {group.AlertCount} alerts open: steady alert list --status all --group {group.Id}");
        if (detail.JoinedAcknowledgedGroup is { } joined)
            fields.Add("Paging", Table.Clean(joined));
        if (a.SilencedBy is { } silence)
            fields.Add("Silenced", $"by silence {ShortId.Of(silence)}: nobody is paged for it until the silence ends");
        if (a.MaintenanceId is { } window)
            fields.Add("Maintenance", $"in maintenance {ShortId.Of(window)}: nobody is paged for it until the window ends");
        if (a.Flapping || detail.Group?.Flapping == true)
            fields.Add("Flapping", "yes: it keeps firing and resolving; notifications are held until it settles");
        fields.WriteTo(output);

        var labels = a.Labels ?? new Dictionary<string, string>();
        if (labels.Count > 0)
        {
            Heading(output, "Labels");
            foreach (var (name, value) in labels.OrderBy(l => l.Key, StringComparer.Ordinal))
                output.WriteLine($"  {Table.Clean(name)}={Table.Clean(value)}");
        }
        if (a.Links is { Count: > 0 } links)
        {
            Heading(output, "Links");
            var table = new Table("Text", "Url");
            foreach (var link in links)
                table.Add(string.IsNullOrWhiteSpace(link.Text) ? "-" : link.Text, link.Href);
            Indented(output, table, header: false);
        }
        if (a.Details is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } details)
        {
            Heading(output, "Details");
            using var text = new StringWriter { NewLine = "\n" };
            JsonOutput.Write(text, details);
            foreach (var line in text.ToString().TrimEnd('\n').Split('\n'))
                output.WriteLine($"  {line}");
        }
        if (detail.History is { Count: > 0 } history)
        {
            Heading(output, "History");
            var table = new Table("When", "What", "Who", "Note").Limit(3, 80);
            foreach (var e in history)
                table.Add(Ago.Both(e.At, now), e.Kind, Format.OrDash(e.ActorName), Format.OrDash(e.Note));
            Indented(output, table, header: false);
        }
        if (detail.Occurrences is { Count: > 1 } occurrences)
        {
            Heading(output, "Occurrences");
            var ids = ShortId.For(occurrences.Select(o => o.Id));
            var table = new Table("#", "Id", "Status", "Fired", "Resolved", "Events");
            foreach (var o in occurrences)
            {
                table.Add(o.Occurrence.ToString(CultureInfo.InvariantCulture) + (o.Id == a.Id ? " (this)" : ""), ids[o.Id], o.Status,
                    Ago.Both(o.FirstSeenAt, now), Ago.Both(o.ResolvedAt, now), o.EventCount.ToString(CultureInfo.InvariantCulture));
            }
            Indented(output, table, header: true);
        }
        if (a.Incident is { Open: true } open)
        {
            output.WriteLine();
            output.WriteLine($"Its incident: steady incident show {open.Number}" + (a.Status == "triggered" ? $"    Acknowledge it (and this alert): steady incident ack {open.Number}" : ""));
        }
        switch (a.Status)
        {
            case "triggered":
                output.WriteLine();
                output.WriteLine($"Acknowledge: steady alert ack {shortId}    Resolve: steady alert resolve {shortId}");
                break;
            case "acknowledged":
                output.WriteLine();
                output.WriteLine($"Resolve: steady alert resolve {shortId} --note 'what fixed it'");
                break;
        }
    }

    /// <summary>"#3 SEV1 (triage) Checkout down: http://steady.example.com/incidents/3"; one it was part of says "was in".</summary>
    public static string Incident(AlertIncidentDto incident, string? server) =>
        $"{(incident.Open ? "" : "was in ")}#{incident.Number.ToString(CultureInfo.InvariantCulture)} {Table.Clean(incident.Severity)} ({Table.Clean(incident.Status)}) {Table.Clean(incident.Title)}"
        + (string.IsNullOrWhiteSpace(server) ? "" : $": {server.TrimEnd('/')}/incidents/{incident.Number.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>"triggered 14m ago, not acknowledged", "acknowledged by Dave Silva 3m ago", "resolved by Alertmanager 1h 5m ago".</summary>
    public static string State(AlertDto a, DateTimeOffset now) => a.Status switch
    {
        "triggered" => $"triggered {Ago.Since(a.FirstSeenAt, now)}, not acknowledged",
        "acknowledged" => $"acknowledged by {By(a.AcknowledgedBy)} {Ago.Since(a.AcknowledgedAt, now)}",
        "resolved" => $"resolved by {By(a.ResolvedBy)} {Ago.Since(a.ResolvedAt, now)}",
        var other => other,
    };

    private static string By(string? who) => string.IsNullOrWhiteSpace(who) ? "someone" : Table.Clean(who);

    private static string Events(int count) => count == 1 ? "1 event" : $"{count.ToString(CultureInfo.InvariantCulture)} events";

    private static void Heading(TextWriter output, string title)
    {
        output.WriteLine();
        output.WriteLine($"{title}:");
    }

    private static void Indented(TextWriter output, Table table, bool header)
    {
        var lines = table.ToString().TrimEnd('\n').Split('\n');
        foreach (var line in header ? lines : lines[1..])
            output.WriteLine($"  {line}");
    }
}
