using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Steady.Cli.Api;
using Steady.Cli.Output;

namespace Steady.Cli.Commands;

/// <summary>steady alert send | list | show | ack | resolve: what fired, and acting on it.</summary>
internal static class AlertCommands
{
    private const int DefaultLimit = 100;

    /// <summary>The server's largest page.</summary>
    private const int PageLimit = 500;

    public static Command Build(Globals globals)
    {
        var alert = new Command("alert", "Alerts: what fired, acknowledging and resolving it, and sending one");
        alert.Subcommands.Add(AlertSendCommand.Build(globals));
        alert.Subcommands.Add(List(globals));
        alert.Subcommands.Add(Show(globals));
        alert.Subcommands.Add(AlertActionCommands.Acknowledge(globals));
        alert.Subcommands.Add(AlertActionCommands.Resolve(globals));
        return alert;
    }

    private static Command List(Globals globals)
    {
        var service = new Option<string>("--service") { Description = "Only this service's alerts (name or id)", HelpName = "SERVICE" };
        var status = Syntax.OneOf(
            new Option<string>("--status") { Description = "open (triggered or acknowledged), triggered, acknowledged, resolved or all", HelpName = "STATUS", DefaultValueFactory = _ => "open" },
            "a status", "open", "triggered", "acknowledged", "resolved", "all");
        var labels = Syntax.CheckedEach<KeyValuePair<string, string>>(
            new Option<KeyValuePair<string, string>[]>("--label") { Description = "Only alerts with this label (repeatable: all must hold)", HelpName = "NAME=VALUE" },
            Syntax.TryLabel);
        var since = Syntax.Checked<DateTimeOffset?>(
            new Option<DateTimeOffset?>("--since") { Description = "Only alerts seen since then: a duration ago (30m, 2h, 1d) or a time (2025-06-01T03:00)", HelpName = "WHEN" },
            (string text, out DateTimeOffset? at, out string error) =>
            {
                var ok = Syntax.TryPast(text, globals.Context.Time.GetUtcNow(), out var value, out error);
                at = ok ? value : null;
                return ok;
            });
        var group = Syntax.Checked<Guid?>(
            new Option<Guid?>("--group") { Description = "Only the alerts of this group (its id, as 'steady alert show' gives it)", HelpName = "GROUP" },
            (string text, out Guid? id, out string error) =>
            {
                var ok = Guid.TryParse(text, out var value);
                id = ok ? value : null;
                error = ok ? "" : $"'{text}' is not a group id; 'steady alert show ID' gives an alert's group.";
                return ok;
            });
        var limit = new Option<int>("--limit") { Description = $"Show at most this many, newest first (default {DefaultLimit})", HelpName = "N", DefaultValueFactory = _ => DefaultLimit };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() <= 0)
                result.AddError("--limit must be a positive number.");
        });
        var command = new Command("list", "List alerts, newest first: open ones unless --status says otherwise") { service, status, labels, since, group, limit };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var max = parse.GetValue(limit);
            var query = new List<string> { $"status={parse.GetValue(status)}", $"limit={Math.Min(max + 1, PageLimit).ToString(CultureInfo.InvariantCulture)}" };
            if (parse.GetValue(service) is { } only && !string.IsNullOrWhiteSpace(only))
                query.Add($"service={Uri.EscapeDataString(only.Trim())}");
            foreach (var (name, value) in parse.GetValue(labels) ?? [])
                query.Add($"label={Uri.EscapeDataString($"{name}={value}")}");
            if (parse.GetValue(group) is { } groupId)
                query.Add($"group={groupId}");
            if (parse.GetValue(since) is { } from)
                query.Add($"since={Uri.EscapeDataString(from.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture))}");
            // One more than asked for tells whether there are more.
            var items = await session.Api.GetAllAsync($"alerts?{string.Join('&', query)}", max + 1, cancellationToken);
            var more = items.Count > max;
            if (more)
                items = items[..max];
            if (session.Json)
            {
                JsonOutput.Write(session.Out, items);
                return;
            }
            if (items.Count == 0)
            {
                var filtered = parse.GetValue(service) is not null || parse.GetValue(labels) is { Length: > 0 } || parse.GetValue(since) is not null || parse.GetValue(group) is not null;
                session.Out.WriteLine(parse.GetValue(status) switch
                {
                    "open" when !filtered => "No open alerts.",
                    "open" => "No open alerts match.",
                    "all" => "No alerts match.",
                    var other => $"No {other} alerts match.",
                });
                return;
            }
            var alerts = items.Select(i => i.Deserialize(AlertJson.Default.AlertDto)!).ToList();
            WriteTable(session.Out, alerts, session.Now);
            if (more)
                session.Out.WriteLine($"Showing the newest {max}; more match (--limit {Math.Max(max * 2, DefaultLimit)} shows more).");
            else if (parse.GetValue(status) == "open")
                session.Out.WriteLine(Tally(alerts));
        });
        return command;
    }

    internal static void WriteTable(TextWriter output, IReadOnlyList<AlertDto> alerts, DateTimeOffset now)
    {
        var ids = ShortId.For(alerts.Select(a => a.Id));
        // In a terminal under 100 columns the full columns left the summary, what a person reads first, about a dozen
        // characters at 80: there severity and status are shortened, and the count is left to `alert show`.
        var narrow = Table.Width is < 100;
        var table = (narrow
            ? new Table("Id", "Sev", "Status", "Summary", "Service", "Last seen")
            : new Table("Id", "Severity", "Status", "Summary", "Service", "Count", "Last seen")).Limit(3, 60).Limit(4, 30);
        foreach (var a in alerts)
        {
            table.Add(narrow
                ? [ids[a.Id], ShortSeverity(a.Severity), Status(a, narrow), a.Summary, a.ServiceName, Ago.Since(a.LastSeenAt, now)]
                : [ids[a.Id], a.Severity, Status(a), a.Summary, a.ServiceName, a.EventCount.ToString(CultureInfo.InvariantCulture), Ago.Since(a.LastSeenAt, now)]);
        }
        table.WriteTo(output);
    }

    private static string ShortSeverity(string severity) => severity switch
    {
        "critical" => "crit",
        "error" => "err",
        "warning" => "warn",
        _ => severity,
    };

    /// <summary>"14 open: 1 critical, 12 error, 1 warning; 11 not acknowledged (2 of them silenced or in maintenance)."</summary>
    internal static string Tally(IReadOnlyList<AlertDto> alerts)
    {
        string[] order = ["critical", "error", "warning", "info"];
        var bySeverity = alerts.GroupBy(a => a.Severity)
            .OrderBy(g => Array.IndexOf(order, g.Key) is var i && i < 0 ? order.Length : i)
            .Select(g => $"{g.Count()} {g.Key}");
        var unacknowledged = alerts.Where(a => a.Status == "triggered").ToList();
        var quiet = unacknowledged.Count(a => a.SilencedBy is not null || a.MaintenanceId is not null);
        var waiting = unacknowledged.Count == 0 ? "all acknowledged"
            : $"{unacknowledged.Count} not acknowledged{(quiet == 0 ? "" : $" ({quiet} of them silenced or in maintenance)")}";
        return $"{alerts.Count} open: {string.Join(", ", bySeverity)}; {waiting}.";
    }

    /// <summary>
    /// The status and what else is true of it that changes who gets paged: "triggered, silenced", "acknowledged, incident #3";
    /// <paramref name="brief"/>, in few characters for a narrow terminal: "triggered,silenced", "acked,#3".
    /// </summary>
    internal static string Status(AlertDto a, bool brief = false)
    {
        var notes = new List<string> { brief && a.Status == "acknowledged" ? "acked" : a.Status };
        if (a.SilencedBy is not null)
            notes.Add("silenced");
        if (a.MaintenanceId is not null)
            notes.Add(brief ? "maint" : "maintenance");
        if (a.Flapping)
            notes.Add("flapping");
        if (a.Incident is { Open: true } incident)
            notes.Add((brief ? "#" : "incident #") + incident.Number.ToString(CultureInfo.InvariantCulture));
        return string.Join(brief ? "," : ", ", notes);
    }

    /// <summary>The service's runbook, the one link a person woken at 3am wants; null when there is none or it cannot be read.</summary>
    private static async Task<string?> RunbookAsync(ApiClient api, Guid serviceId, CancellationToken cancellationToken)
    {
        try
        {
            return (await api.GetAsync($"services/{serviceId}", cancellationToken)).Deserialize(CliJson.Default.ServiceDto)?.RunbookUrl;
        }
        catch (ApiProblem problem) when (problem.Status is 403 or 404)
        {
            return null;
        }
    }

    private static Command Show(Globals globals)
    {
        var id = ShortId.Argument("ID", "The alert's id, or the short id 'steady alert list' shows");
        var command = new Command("show", "Show an alert: what fired, its labels, links and details, its history and earlier occurrences") { id };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var typed = parse.GetRequiredValue(id);
            var alertId = await new AlertIds(session.Api).ResolveOrThrowAsync(typed, cancellationToken);
            var found = await session.Api.GetAsync($"alerts/{alertId}", cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, found);
                return;
            }
            var detail = found.Deserialize(AlertJson.Default.AlertDetailDto)!;
            AlertView.Write(session.Out, detail, await RunbookAsync(session.Api, detail.Alert.ServiceId, cancellationToken), session.Now, session.Connection.Server);
        });
        return command;
    }
}
