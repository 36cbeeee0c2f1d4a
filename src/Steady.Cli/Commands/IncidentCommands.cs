using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Steady.Cli.Api;
using Steady.Cli.Output;

namespace Steady.Cli.Commands;

/// <summary>
/// steady incident declare | list | show | ack | sev | status | role | channel | update | note | action | close:
/// run an incident from a terminal. N is the incident's number (12, #12 or INC-12). This file declares,
/// lists, shows and closes; running one (severity, status, roles, channels, updates, notes, actions) is in
/// <c>IncidentCommands.Running.cs</c>.
/// </summary>
internal static partial class IncidentCommands
{
    public static Command Build(Globals globals)
    {
        var incident = new Command("incident", "Incidents: declare, run and close them (severity, one commander, updates on a cadence, deliberate actions, the written record)");
        incident.Subcommands.Add(Declare(globals));
        incident.Subcommands.Add(List(globals));
        incident.Subcommands.Add(Show(globals));
        incident.Subcommands.Add(Ack(globals));
        incident.Subcommands.Add(Severity(globals));
        incident.Subcommands.Add(Status(globals));
        incident.Subcommands.Add(Role(globals));
        incident.Subcommands.Add(Channel(globals));
        incident.Subcommands.Add(Update(globals));
        incident.Subcommands.Add(Note(globals));
        incident.Subcommands.Add(Action(globals));
        incident.Subcommands.Add(Close(globals));
        return incident;
    }

    private static Argument<string> Number() => new("N") { Description = "The incident's number: 12, #12 or INC-12" };

    private static string Path(ParseResult parse, Argument<string> number)
    {
        var text = parse.GetRequiredValue(number).Trim().TrimStart('#');
        if (text.StartsWith("INC-", StringComparison.OrdinalIgnoreCase))
            text = text[4..];
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
            throw new CliException($"'{parse.GetRequiredValue(number)}' is not an incident number (12, #12 or INC-12)", ExitCodes.Usage);
        return $"incidents/{n}";
    }

    private static Command Declare(Globals globals)
    {
        var title = new Argument<string>("TITLE") { Description = "One line saying what is wrong for users (from an alert: optional, its group's title)", Arity = ArgumentArity.ZeroOrOne };
        var severity = new Option<string>("--severity", "--sev") { Description = "SEV1, SEV2 or SEV3 (when in doubt, the higher one: downgrading is easy)", HelpName = "SEV", Required = true };
        var services = new Option<string[]>("--service") { Description = "An affected service (repeatable)", HelpName = "SERVICE", AllowMultipleArgumentsPerToken = false };
        var alert = new Option<string>("--alert") { Description = "Declare from this alert: links its whole group", HelpName = "ALERT-ID" };
        var team = new Option<string>("--team") { Description = "The team that answers for it, when no service is named", HelpName = "TEAM" };
        var summary = new Option<string>("--summary") { Description = "What is known so far", HelpName = "TEXT" };
        var commander = new Option<string>("--commander") { Description = "Who commands (email or id; default: you)", HelpName = "USER" };
        var channels = new Option<string[]>("--channel") { Description = "A channel of the incident's own, besides the usual ones: slack=URL, teams=URL, mattermost=URL, discord=URL, webhook=URL or email=ADDRESS[,ADDRESS…] (repeatable)", HelpName = "KIND=ADDRESS", AllowMultipleArgumentsPerToken = false };
        var command = new Command("declare", "Declare an incident; SEV1 pages the services' policies at once") { title, severity, services, alert, team, summary, commander, channels };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var body = new JsonObject { ["severity"] = parse.GetRequiredValue(severity) };
            if (parse.GetValue(title) is { } t)
                body["title"] = t;
            if (parse.GetValue(services) is { Length: > 0 } list)
                body["services"] = new JsonArray(list.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
            if (parse.GetValue(alert) is { } a)
            {
                if (!Guid.TryParse(a, out var alertId))
                    throw new CliException($"'{a}' is not an alert id (the full id 'steady alert list --json' shows)", ExitCodes.Usage);
                body["alertId"] = alertId;
            }
            Put(body, "team", parse.GetValue(team));
            Put(body, "summary", parse.GetValue(summary));
            Put(body, "commander", parse.GetValue(commander));
            if (parse.GetValue(channels) is { Length: > 0 } given)
                body["channels"] = new JsonArray(given.Select(c => (JsonNode?)ChannelBody(c)).ToArray());
            var created = await session.Api.PostAsync("incidents", body, cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, created);
                return;
            }
            var n = created.GetProperty("number").GetInt32();
            var level = created.GetProperty("severityLevel");
            session.Out.WriteLine($"Declared incident #{n} {Str(created, "severity")}: {Table.Clean(Str(created, "title"))}");
            session.Out.WriteLine($"Commander: {Table.Clean(Str(created, "commander"))}. Expected response: {Table.Clean(Str(level, "expectedResponse"))}.");
            if (created.GetProperty("nextUpdateDueAt").ValueKind == JsonValueKind.String)
                session.Out.WriteLine($"First update due {Ago.Both(created.GetProperty("nextUpdateDueAt").GetDateTimeOffset(), session.Now)}: steady incident update {n} --known ... --doing ...");
            WriteChecklist(session.Out, created);
        });
        return command;
    }

    private static Command List(Globals globals)
    {
        var status = Syntax.OneOf(new Option<string>("--status") { Description = "open (default), all, triage, mitigating, mitigated, resolved or closed", HelpName = "STATUS" },
            "a status", "open", "all", "triage", "mitigating", "mitigated", "resolved", "closed");
        var mine = new Option<bool>("--mine") { Description = "Only incidents where you hold a role" };
        var service = new Option<string>("--service") { Description = "Only incidents on this service", HelpName = "SERVICE" };
        var command = new Command("list", "List incidents, newest first") { status, mine, service };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var query = $"incidents?status={Uri.EscapeDataString(parse.GetValue(status) ?? "open")}";
            if (parse.GetValue(mine))
                query += "&mine=true";
            if (parse.GetValue(service) is { } s)
                query += $"&service={Uri.EscapeDataString(s)}";
            var items = await session.Api.GetAllAsync(query, 500, cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, items);
                return;
            }
            if (items.Count == 0)
            {
                session.Out.WriteLine("No incidents. Declare one with: steady incident declare \"TITLE\" --severity SEV2 --service SERVICE");
                return;
            }
            var table = new Table("#", "Sev", "Status", "Title", "Commander", "Services", "Started", "Next update", "Your role").Limit(3, 50);
            foreach (var i in items)
            {
                table.Add("#" + i.GetProperty("number").GetInt32().ToString(CultureInfo.InvariantCulture), Str(i, "severity"), Str(i, "status"), Str(i, "title"), Str(i, "commander"),
                    string.Join(", ", i.GetProperty("services").EnumerateArray().Select(x => x.GetString())),
                    Ago.Since(i.GetProperty("startedAt").GetDateTimeOffset(), session.Now),
                    i.GetProperty("nextUpdateDueAt").ValueKind == JsonValueKind.String ? Ago.Both(i.GetProperty("nextUpdateDueAt").GetDateTimeOffset(), session.Now) : "-",
                    string.Join(", ", i.GetProperty("myRoles").EnumerateArray().Select(x => x.GetString())));
            }
            table.WriteTo(session.Out);
        });
        return command;
    }

    private static Command Show(Globals globals)
    {
        var number = Number();
        var command = new Command("show", "An incident: header, checklist, roles, updates, actions, changes before it, and the timeline") { number };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var path = Path(parse, number);
            var incident = await session.Api.GetAsync(path, cancellationToken);
            var timeline = await session.Api.GetAsync(path + "/timeline", cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, incident);
                return;
            }
            var o = session.Out;
            var now = session.Now;
            o.WriteLine($"#{incident.GetProperty("number").GetInt32()} {Str(incident, "severity")} [{Str(incident, "status")}] {Table.Clean(Str(incident, "title"))}");
            o.WriteLine($"Commander: {Table.Clean(Str(incident, "commander"))} · started {Ago.Since(incident.GetProperty("startedAt").GetDateTimeOffset(), now)}"
                + (incident.GetProperty("nextUpdateDueAt").ValueKind == JsonValueKind.String
                    ? $" · next update {(incident.GetProperty("updateOverdue").GetBoolean() ? "OVERDUE since " + Ago.Since(incident.GetProperty("nextUpdateDueAt").GetDateTimeOffset(), now) : "due " + Ago.Until(incident.GetProperty("nextUpdateDueAt").GetDateTimeOffset(), now))}"
                    : ""));
            if (Str(incident, "summary") is { Length: > 0 } known)
                o.WriteLine($"Known when declared: {Table.Clean(known)}");
            o.WriteLine($"Page: {session.Connection.Server.TrimEnd('/')}/incidents/{incident.GetProperty("number").GetInt32()}");
            var status = Str(incident, "status");
            if (status is "triage" or "mitigating")
                WriteChecklist(o, incident);
            o.WriteLine();
            o.WriteLine("Roles: " + string.Join("; ", incident.GetProperty("roles").EnumerateArray().Select(r => $"{Str(r, "role")} {Table.Clean(Str(r, "name"))}")));
            var resolution = incident.GetProperty("resolution");
            if (status is not ("resolved" or "closed"))
                o.WriteLine($"Resolution: {(resolution.GetProperty("ready").GetBoolean() ? "ready" : "not yet")} — {Table.Clean(Str(resolution, "detail"))}");
            var changes = incident.GetProperty("changesBefore").EnumerateArray().ToList();
            if (changes.Count > 0)
            {
                o.WriteLine();
                o.WriteLine("What changed before it started:");
                foreach (var c in changes)
                    o.WriteLine($"  {Ago.Since(c.GetProperty("at").GetDateTimeOffset(), now),-12} {Str(c, "kind")} {Table.Clean(Str(c, "service"))}: {Table.Clean(Str(c, "summary"))} ({Table.Clean(Str(c, "who"))})");
            }
            o.WriteLine();
            o.WriteLine("Timeline:");
            var table = new Table("When", "What", "", "Who / host").Limit(2, 100);
            foreach (var e in timeline.EnumerateArray())
            {
                table.Add(e.GetProperty("at").GetDateTimeOffset().UtcDateTime.ToString("MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    (e.GetProperty("pinned").GetBoolean() ? "* " : "") + Str(e, "kind"), Str(e, "text"),
                    e.GetProperty("host").ValueKind == JsonValueKind.String ? Str(e, "host") : Str(e, "actor"));
            }
            table.WriteTo(o);
        });
        return command;
    }


    private static Command Close(Globals globals)
    {
        var number = Number();
        // One record: a part left out is taken from the incident's postmortem, where it is written; the server says what is still missing.
        var happened = new Option<string>("--what-happened") { Description = "What happened (default: the postmortem's summary)", HelpName = "TEXT" };
        var done = new Option<string>("--what-was-done") { Description = "What was done (default: the postmortem's resolution)", HelpName = "TEXT" };
        var assumptions = new Option<string>("--failed-assumptions") { Description = "Which assumptions failed ('none' if none did; default: the postmortem's contributing factors)", HelpName = "TEXT" };
        var change = new Option<string>("--what-should-change") { Description = "What should change (default: the postmortem's what went wrong)", HelpName = "TEXT" };
        var cause = new Option<string>("--cause") { Description = "The cause, understood well enough to prevent immediate recurrence (default: the postmortem's root cause)", HelpName = "TEXT" };
        var command = new Command("close", "Close a resolved incident with the short written record (parts the postmortem already holds may be left out)") { number, happened, done, assumptions, change, cause };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var body = new JsonObject();
            foreach (var (field, option) in new[] { ("whatHappened", happened), ("whatWasDone", done), ("failedAssumptions", assumptions), ("whatShouldChange", change), ("cause", cause) })
            {
                if (parse.GetValue(option) is { } text)
                    body[field] = text;
            }
            var closed = await session.Api.PostAsync(Path(parse, number) + "/close", body, cancellationToken);
            Done(session, closed, "is closed" + (closed.GetProperty("postmortemRequired").GetBoolean() ? $"; a {Str(closed, "severity")} needs a full postmortem" : ""));
        });
        return command;
    }

    private static void Done(Session session, JsonElement incident, string what)
    {
        if (session.Json)
        {
            JsonOutput.Write(session.Out, incident);
            return;
        }
        session.Out.WriteLine($"Incident #{incident.GetProperty("number").GetInt32()} {what}.");
    }

    private static void WriteChecklist(TextWriter output, JsonElement incident)
    {
        var steps = incident.GetProperty("stabilizationChecklist").EnumerateArray().Select(s => s.GetString()).ToList();
        if (steps.Count == 0)
            return;
        output.WriteLine("Stabilize first:");
        foreach (var step in steps)
            output.WriteLine($"  [ ] {Table.Clean(step)}");
    }

    private static void Put(JsonObject body, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
            body[name] = value;
    }

    internal static string Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
}
