using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Steady.Cli.Api;
using Steady.Cli.Output;

namespace Steady.Cli.Commands;

/// <summary>
/// steady report response | oncall | noise: the reports as tables, --json (the server's JSON) or --csv
/// (oncall: the server's compensation CSV, one row per person; the others: their main table as CSV).
/// </summary>
internal static class ReportCommands
{
    public static Command Build(Globals globals)
    {
        var report = new Command("report", "Reports: response times, on-call load (with the compensation CSV), alert noise");
        report.Subcommands.Add(Response(globals));
        report.Subcommands.Add(OnCall(globals));
        report.Subcommands.Add(Noise(globals));
        return report;
    }

    private sealed record Filters(Option<string> From, Option<string> To, Option<string> Team, Option<string>? Service, Option<bool> Csv)
    {
        public string Query(ParseResult parse)
        {
            var parts = new List<string>();
            void Add(string name, string? value)
            {
                if (!string.IsNullOrWhiteSpace(value))
                    parts.Add($"{name}={Uri.EscapeDataString(value)}");
            }
            Add("from", parse.GetValue(From));
            Add("to", parse.GetValue(To));
            Add("team", parse.GetValue(Team));
            if (Service is not null)
                Add("service", parse.GetValue(Service));
            return string.Join("&", parts);
        }
    }

    private static Filters Options(Command command, bool service)
    {
        var filters = new Filters(
            new Option<string>("--from") { Description = "Start of the period: a date (2026-11-01, in your zone) or an instant (2026-11-01T08:00:00Z); default 28 days before --to", HelpName = "WHEN" },
            new Option<string>("--to") { Description = "End of the period, not included (a date or an instant); default now", HelpName = "WHEN" },
            new Option<string>("--team") { Description = "Only this team (name or id)", HelpName = "TEAM" },
            service ? new Option<string>("--service") { Description = "Only this service (name or id)", HelpName = "SERVICE" } : null,
            new Option<bool>("--csv") { Description = "CSV instead of a table" });
        command.Options.Add(filters.From);
        command.Options.Add(filters.To);
        command.Options.Add(filters.Team);
        if (filters.Service is not null)
            command.Options.Add(filters.Service);
        command.Options.Add(filters.Csv);
        return filters;
    }

    private static Command Response(Globals globals)
    {
        var command = new Command("response", "MTTA, time to mitigate and MTTR of incidents, and MTTA and MTTR of alert groups that paged, by service, team and severity");
        var filters = Options(command, service: true);
        var wide = new Option<bool>("--wide") { Description = "Every column (the medians too); the default fits 80 columns" };
        command.Options.Add(wide);
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var report = await session.Api.GetAsync("reports/response?" + filters.Query(parse), cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, report);
                return;
            }
            var rows = new List<string[]>();
            foreach (var (kind, property) in new[] { ("incidents", "incidents"), ("alert groups", "alertGroups") })
            {
                var section = report.GetProperty(property);
                foreach (var (by, list) in new[] { ("all", new[] { section.GetProperty("total") }), ("service", section.GetProperty("byService").EnumerateArray().ToArray()), ("team", section.GetProperty("byTeam").EnumerateArray().ToArray()), ("severity", section.GetProperty("bySeverity").EnumerateArray().ToArray()) })
                {
                    foreach (var row in list)
                    {
                        rows.Add([kind, by, Str(row, "name"), Int(row, "count"), Stat(row, "toAcknowledge", "mean"), Stat(row, "toAcknowledge", "p50"), Stat(row, "toAcknowledge", "p90"),
                            row.TryGetProperty("toMitigate", out _) ? Stat(row, "toMitigate", "mean") : "", Stat(row, "toResolve", "mean"), Stat(row, "toResolve", "p50"), Stat(row, "toResolve", "p90")]);
                    }
                }
            }
            string[] headers = ["Of", "By", "Name", "Count", "MTTA", "TTA p50", "TTA p90", "Mitigate", "MTTR", "TTR p50", "TTR p90"];
            if (parse.GetValue(filters.Csv))
            {
                Csv(session.Out, ["of", "by", "name", "count", "tta_mean_s", "tta_p50_s", "tta_p90_s", "ttm_mean_s", "ttr_mean_s", "ttr_p50_s", "ttr_p90_s"], rows);
                return;
            }
            // Without --wide the medians (TTA p50, TTR p50) are left out.
            int[] shown = parse.GetValue(wide) ? [.. Enumerable.Range(0, headers.Length)] : [0, 1, 2, 3, 4, 6, 7, 8, 10];
            var table = new Table([.. shown.Select(i => headers[i])]).Limit(2, 40);
            foreach (var row in rows)
                table.Add([.. shown.Select(i => i >= 4 ? Human(row[i]) : row[i])]);
            session.Out.WriteLine($"Response times, {Period(report)}:");
            table.WriteTo(session.Out);
        });
        return command;
    }

    private static Command OnCall(Globals globals)
    {
        var command = new Command("oncall", "On-call load per person: hours (first and later level, business / off / sleep, weekend, holiday), pages, interruptions, broken rest; --csv: the compensation CSV (team admins)");
        var filters = Options(command, service: false);
        var wide = new Option<bool>("--wide") { Description = "Every column (first and later level, business and off-hours, holiday); the default fits 80 columns" };
        command.Options.Add(wide);
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var query = filters.Query(parse);
            if (parse.GetValue(filters.Csv))
            {
                session.Out.Write(await session.Api.GetTextAsync("reports/oncall?format=csv" + (query.Length > 0 ? "&" + query : ""), cancellationToken));
                return;
            }
            var report = await session.Api.GetAsync("reports/oncall?" + query, cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, report);
                return;
            }
            session.Out.WriteLine($"On-call load, {Period(report)}:");
            var anyone = false;
            foreach (var team in report.GetProperty("teams").EnumerateArray())
            {
                var people = team.GetProperty("people").EnumerateArray().ToList();
                if (people.Count == 0)
                    continue;
                anyone = true;
                var table = parse.GetValue(wide)
                    ? new Table("Person", "On call h", "First", "Later", "Business", "Off", "Sleep", "Weekend", "Holiday", "Pages", "Interrupts", "B/O/S", "Rest broken", "Amount").Limit(0, 30)
                    : new Table("Person", "Hours", "Sleep", "Wknd", "Pages", "Interrupts", "Rest", "Amount").Limit(0, 30);
                foreach (var p in people)
                {
                    var h = p.GetProperty("hours");
                    var i = p.GetProperty("interruptions");
                    var amount = p.TryGetProperty("compensation", out var c) && c.ValueKind == JsonValueKind.Object ? $"{Money(c, "total")} {Str(c, "currency")}" : "-";
                    var rest = p.GetProperty("brokenRest").GetArrayLength().ToString(CultureInfo.InvariantCulture);
                    if (parse.GetValue(wide))
                    {
                        table.Add(Str(p, "name"), Num(h, "onCall"), Num(h, "firstLevel"), Num(h, "laterLevel"), Num(h, "business"), Num(h, "off"), Num(h, "sleep"), Num(h, "weekend"), Num(h, "holiday"),
                            Int(p, "pages"), Int(i, "total"), $"{Int(i, "business")}/{Int(i, "off")}/{Int(i, "sleep")}", rest, amount);
                    }
                    else
                    {
                        table.Add(Str(p, "name"), Num(h, "onCall"), Num(h, "sleep"), Num(h, "weekend"), Int(p, "pages"),
                            $"{Int(i, "total")} ({Int(i, "business")}/{Int(i, "off")}/{Int(i, "sleep")})", rest, amount);
                    }
                }
                session.Out.WriteLine();
                session.Out.WriteLine(Table.Clean(Str(team, "name")));
                table.WriteTo(session.Out);
            }
            if (!anyone)
                session.Out.WriteLine("Nobody was on call or paged in this period.");
            else if (!parse.GetValue(wide))
            {
                session.Out.WriteLine();
                session.Out.WriteLine("Hours on call, of them asleep (22-08) and at weekends; interruptions (business/");
                session.Out.WriteLine("off-hours/sleep); rest: weeks it was broken. --wide: every column.");
            }
        });
        return command;
    }

    private static Command Noise(Globals globals)
    {
        var command = new Command("noise", "Alert noise by service and alert name: alerts, groups, pages, never acknowledged, transient, flapping, time open, with suggestions");
        var filters = Options(command, service: true);
        var wide = new Option<bool>("--wide") { Description = "Every column (groups too); the default fits 80 columns" };
        command.Options.Add(wide);
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var report = await session.Api.GetAsync("reports/noise?" + filters.Query(parse), cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, report);
                return;
            }
            var sources = report.GetProperty("sources").EnumerateArray().ToList();
            if (parse.GetValue(filters.Csv))
            {
                Csv(session.Out, ["service", "name", "alerts", "groups", "pages", "never_acknowledged_share", "transient_share", "flapping_episodes", "acknowledged_by_person_share", "median_open_s", "suggestion"],
                    sources.Select(s => new[] { Str(s, "service"), Str(s, "name"), Int(s, "alerts"), Int(s, "groups"), Int(s, "pages"), Num(s, "neverAcknowledgedShare"), Num(s, "transientShare"),
                        Int(s, "flappingEpisodes"), Num(s, "acknowledgedByPersonShare"), Num(s, "medianOpenSeconds"), Str(s, "suggestion") }));
                return;
            }
            var all = parse.GetValue(wide);
            var table = (all
                ? new Table("Service", "Alert", "Alerts", "Groups", "Pages", "Never acked", "Transient", "Flapping", "Median open")
                : new Table("Service", "Alert", "Alerts", "Pages", "Unacked", "Transient", "Flaps", "Open p50")).Limit(0, 30).Limit(1, 40);
            foreach (var s in sources)
            {
                string[] cells = [Str(s, "service"), Str(s, "name"), Int(s, "alerts"), Int(s, "groups"), Int(s, "pages"), Percent(s, "neverAcknowledgedShare"), Percent(s, "transientShare"),
                    Int(s, "flappingEpisodes"), Human(Num(s, "medianOpenSeconds"))];
                table.Add(all ? cells : [.. cells.Where((_, i) => i != 3)]);
            }
            session.Out.WriteLine($"Alert noise, {Period(report)}:");
            if (table.Count == 0)
                session.Out.WriteLine("No alerts in this period.");
            else
                table.WriteTo(session.Out);
            var suggestions = report.GetProperty("top").EnumerateArray().Select(s => Str(s, "suggestion")).Where(s => s.Length > 0).ToList();
            if (suggestions.Count > 0)
            {
                session.Out.WriteLine();
                session.Out.WriteLine("Suggestions:");
                foreach (var s in suggestions)
                {
                    foreach (var line in Table.Wrap("- " + Table.Clean(s), "  "))
                        session.Out.WriteLine(line);
                }
            }
            foreach (var p in report.GetProperty("pagesPerShift").EnumerateArray())
                session.Out.WriteLine($"{Table.Clean(Str(p, "team"))}: {Int(p, "pages")} pages over {Int(p, "shifts")} on-call shifts ({(p.GetProperty("perShift").ValueKind == JsonValueKind.Number ? Num(p, "perShift") : "-")} per shift)");
        });
        return command;
    }

    /// <summary>The report's period as people read it: "Mon 2026-11-09 08:56 to Mon 2026-12-07 08:56 Etc/UTC" (this machine's zone).</summary>
    private static string Period(JsonElement report)
    {
        static string At(JsonElement r, string name) =>
            DateTimeOffset.TryParse(Str(r, name), CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? Format.InZone(at, null) : Str(r, name);
        var (from, to) = (At(report, "from"), At(report, "to"));
        var zone = to.LastIndexOf(' ');
        return zone > 0 && from.EndsWith(to[zone..], StringComparison.Ordinal) ? $"{from[..^(to.Length - zone)]} to {to}" : $"{from} to {to}";
    }

    /// <summary>An amount of money: always two decimals.</summary>
    private static string Money(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal().ToString("0.00", CultureInfo.InvariantCulture) : "";

    private static string Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    private static string Int(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64().ToString(CultureInfo.InvariantCulture) : "";

    private static string Num(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal().ToString("0.##", CultureInfo.InvariantCulture) : "";

    private static string Percent(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? (v.GetDouble() * 100).ToString("0", CultureInfo.InvariantCulture) + "%" : "";

    private static string Stat(JsonElement row, string time, string figure) =>
        row.GetProperty(time) is var t && t.TryGetProperty(figure, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble().ToString("0.###", CultureInfo.InvariantCulture) : "";

    /// <summary>Seconds as people read them: "45s", "4m", "1h20m".</summary>
    private static string Human(string seconds)
    {
        if (!double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var s))
            return "-";
        var span = TimeSpan.FromSeconds(Math.Round(s));
        return span.TotalMinutes < 1 ? $"{span.Seconds}s" : span.TotalHours < 1 ? $"{(int)span.TotalMinutes}m" : span.TotalDays < 1 ? $"{(int)span.TotalHours}h{span.Minutes:00}m" : $"{(int)span.TotalDays}d{span.Hours:00}h";
    }

    private static void Csv(TextWriter output, IReadOnlyList<string> headers, IEnumerable<string[]> rows)
    {
        var text = new StringBuilder();
        void Line(IEnumerable<string> cells) => text.Append(string.Join(',', cells.Select(Cell))).Append("\r\n");
        Line(headers);
        foreach (var row in rows)
            Line(row);
        output.Write(text.ToString());
    }

    private static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@')
            value = "'" + value;
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
