using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Steady.Cli.Api;
using Steady.Cli.Output;

namespace Steady.Cli.Commands;

/// <summary>
/// steady incident declare | list | show | ack | sev | status | role | channel | update | note | action | close:
/// run an incident from a terminal. N is the incident's number (12, #12 or INC-12).
/// </summary>
internal static class IncidentCommands
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

    private static Command Severity(Globals globals)
    {
        var number = Number();
        var severity = new Argument<string>("SEV") { Description = "The new severity" };
        var reason = new Option<string>("--reason") { Description = "Why (it goes on the timeline)", HelpName = "TEXT", Required = true };
        var command = new Command("sev", "Raise or lower the severity, with a reason") { number, severity, reason };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var changed = await session.Api.PostAsync(Path(parse, number) + "/severity", new JsonObject { ["severity"] = parse.GetRequiredValue(severity), ["reason"] = parse.GetRequiredValue(reason) }, cancellationToken);
            Done(session, changed, $"is now {Str(changed, "severity")}");
        });
        return command;
    }

    private static Command Status(Globals globals)
    {
        var number = Number();
        var to = new Argument<string>("STATUS") { Description = "triage, mitigating, mitigated or resolved (close with 'steady incident close')" };
        var reason = new Option<string>("--reason") { Description = "Why; required to go back", HelpName = "TEXT" };
        var overrideReason = new Option<string>("--override") { Description = "Commander only: resolve without waiting for alerts and checks to stay healthy, for this recorded reason", HelpName = "REASON" };
        var command = new Command("status", "Move the incident: triage → mitigating → mitigated → resolved (back only with --reason)") { number, to, reason, overrideReason };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var body = new JsonObject { ["status"] = parse.GetRequiredValue(to) };
            Put(body, "reason", parse.GetValue(reason));
            Put(body, "override", parse.GetValue(overrideReason));
            var changed = await session.Api.PostAsync(Path(parse, number) + "/status", body, cancellationToken);
            Done(session, changed, $"is now {Str(changed, "status")}");
        });
        return command;
    }

    private static Command Role(Globals globals)
    {
        var number = Number();
        var role = new Argument<string>("ROLE") { Description = "commander (a handoff), communications-lead, scribe or responder" };
        var user = new Argument<string>("USER") { Description = "The person: email or id" };
        var remove = new Option<bool>("--remove") { Description = "Take the role away (never the commander: hand it over instead)" };
        var command = new Command("role", "Give a role on an incident, or take it away") { number, role, user, remove };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var path = Path(parse, number);
            var changed = parse.GetValue(remove)
                ? await session.Api.DeleteAsync($"{path}/roles/{ApiClient.Segment(parse.GetRequiredValue(role))}/{ApiClient.Segment(parse.GetRequiredValue(user))}", cancellationToken)
                : await session.Api.PostAsync(path + "/roles", new JsonObject { ["role"] = parse.GetRequiredValue(role), ["user"] = parse.GetRequiredValue(user) }, cancellationToken);
            Done(session, changed, "roles: " + string.Join("; ", changed.GetProperty("roles").EnumerateArray().Select(r => $"{Str(r, "role")} {Str(r, "name")}")));
        });
        return command;
    }

    private static Command Ack(Globals globals)
    {
        var number = Number();
        var command = new Command("ack", "Acknowledge the incident: its pages and its alert groups' escalation stop, their alerts are acknowledged (as the link in a page does)") { number };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
            Done(session, await session.Api.PostAsync(Path(parse, number) + "/acknowledge", new JsonObject(), cancellationToken), "acknowledged: its pages and its alerts' stop escalating"));
        return command;
    }

    /// <summary>KIND=ADDRESS as the API's channel: {"kind", "address"}.</summary>
    private static JsonObject ChannelBody(string text)
    {
        var split = text.IndexOf('=', StringComparison.Ordinal);
        if (split <= 0 || split == text.Length - 1)
            throw new CliException($"'{text}' is not a channel: write KIND=ADDRESS, like slack=https://hooks.slack.com/services/… or email=ops@example.com", ExitCodes.Usage);
        return new JsonObject { ["kind"] = text[..split].Trim(), ["address"] = text[(split + 1)..].Trim() };
    }

    private static Command Channel(Globals globals)
    {
        var number = Number();
        var add = new Option<string>("--add") { Description = "Add a channel: slack=URL, teams=URL, mattermost=URL, discord=URL, webhook=URL or email=ADDRESS[,ADDRESS…]", HelpName = "KIND=ADDRESS" };
        var remove = new Option<string>("--remove") { Description = "Remove the channel with this id (as listed)", HelpName = "CHANNEL-ID" };
        var command = new Command("channel", "The incident's own channels (chat webhooks, email lists): list them, add one, remove one; its updates go there too") { number, add, remove };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var path = Path(parse, number) + "/channels";
            if (parse.GetValue(add) is { } text)
            {
                if (parse.GetValue(remove) is not null)
                    throw new CliException("Give --add or --remove, not both", ExitCodes.Usage);
                await session.Api.PostAsync(path, ChannelBody(text), cancellationToken);
            }
            else if (parse.GetValue(remove) is { } id)
            {
                if (!Guid.TryParse(id, out var channelId))
                    throw new CliException($"'{id}' is not a channel id (the Id column of 'steady incident channel N')", ExitCodes.Usage);
                await session.Api.DeleteAsync($"{path}/{channelId}", cancellationToken);
            }
            var list = await session.Api.GetAsync(path, cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, list);
                return;
            }
            if (list.GetArrayLength() == 0)
            {
                session.Out.WriteLine("The incident has no channels of its own; its updates go to the server's incident channels. Add one with --add slack=URL or --add email=ADDRESS.");
                return;
            }
            var table = new Table("Id", "Kind", "Target", "Added by");
            foreach (var c in list.EnumerateArray())
                table.Add(Str(c, "id"), Str(c, "kind"), Str(c, "target"), Str(c, "addedBy"));
            table.WriteTo(session.Out);
        });
        return command;
    }

    private static Command Update(Globals globals)
    {
        var number = Number();
        var known = new Option<string>("--known") { Description = "What is known", HelpName = "TEXT", Required = true };
        var unknown = new Option<string>("--unknown") { Description = "What is not known yet", HelpName = "TEXT" };
        var doing = new Option<string>("--doing") { Description = "What is being done", HelpName = "TEXT", Required = true };
        var next = Syntax.Checked<TimeSpan>(new Option<TimeSpan>("--next") { Description = "When the next update comes, from now (e.g. 20m; default: the severity's cadence)", HelpName = "DURATION" }, Syntax.TryDuration);
        var isPublic = new Option<bool>("--public") { Description = "A public update (kept for the status page); internal otherwise" };
        var command = new Command("update", "Post a structured status update: known, unknown, doing, next update") { number, known, unknown, doing, next, isPublic };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var body = new JsonObject { ["known"] = parse.GetRequiredValue(known), ["doing"] = parse.GetRequiredValue(doing), ["visibility"] = parse.GetValue(isPublic) ? "public" : "internal" };
            Put(body, "unknown", parse.GetValue(unknown));
            if (parse.GetResult(next) is not null)
                body["nextUpdateAt"] = session.Now + parse.GetValue(next);
            var posted = await session.Api.PostAsync(Path(parse, number) + "/updates", body, cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, posted);
                return;
            }
            var nextAt = posted.GetProperty("nextUpdateAt");
            session.Out.WriteLine($"Posted a {Str(posted, "visibility")} update" + (nextAt.ValueKind == JsonValueKind.String ? $"; next one due {Ago.Both(nextAt.GetDateTimeOffset(), session.Now)}." : "."));
        });
        return command;
    }

    private static Command Note(Globals globals)
    {
        var number = Number();
        var text = new Argument<string>("TEXT") { Description = "What happened" };
        var at = new Option<string>("--at") { Description = "When it happened, if earlier: a duration ago (15m) or a time (2026-11-24T07:10Z)", HelpName = "WHEN" };
        var pin = new Option<bool>("--pin") { Description = "Pin it to the top of the timeline" };
        var command = new Command("note", "Add a note to the timeline (the scribe's entry)") { number, text, at, pin };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var body = new JsonObject { ["text"] = parse.GetRequiredValue(text), ["pinned"] = parse.GetValue(pin) };
            if (parse.GetValue(at) is { } when)
            {
                if (!Syntax.TryPast(when, session.Now, out var instant, out var error))
                    throw new CliException(error, ExitCodes.Usage);
                body["at"] = instant;
            }
            var added = await session.Api.PostAsync(Path(parse, number) + "/notes", body, cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, added);
                return;
            }
            session.Out.WriteLine($"Noted at {added.GetProperty("at").GetDateTimeOffset().UtcDateTime.ToString("HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)}{(parse.GetValue(pin) ? " (pinned)" : "")}.");
        });
        return command;
    }

    private static Command Action(Globals globals)
    {
        var number = Number();
        var intent = new Option<string>("--intent") { Description = "What the action is for", HelpName = "TEXT" };
        var expect = new Option<string>("--expect") { Description = "What it should change", HelpName = "TEXT" };
        var decidedBy = new Option<string>("--decided-by") { Description = "Who decided (default: you)", HelpName = "NAME" };
        var done = new Option<bool>("--done") { Description = "It has been done (now)" };
        var observed = new Option<string>("--observed") { Description = "What it did", HelpName = "TEXT" };
        var id = new Option<string>("--id") { Description = "An action already recorded: mark it done (--done) and record what it did (--observed)", HelpName = "ACTION-ID" };
        var command = new Command("action", "Record a deliberate action (intent, expected effect, who decided), and later what it did") { number, intent, expect, decidedBy, done, observed, id };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var path = Path(parse, number);
            var body = new JsonObject();
            if (parse.GetValue(done))
                body["doneAt"] = session.Now;
            Put(body, "observedEffect", parse.GetValue(observed));
            JsonElement action;
            if (parse.GetValue(id) is { } existing)
            {
                if (!Guid.TryParse(existing, out var actionId))
                    throw new CliException($"'{existing}' is not an action id", ExitCodes.Usage);
                action = await session.Api.PatchAsync($"{path}/actions/{actionId}", body, cancellationToken);
            }
            else
            {
                if (string.IsNullOrWhiteSpace(parse.GetValue(intent)) || string.IsNullOrWhiteSpace(parse.GetValue(expect)))
                    throw new CliException("an action needs --intent and --expect (what it is for, and what it should change)", ExitCodes.Usage);
                body["intent"] = parse.GetValue(intent);
                body["expectedEffect"] = parse.GetValue(expect);
                Put(body, "decidedBy", parse.GetValue(decidedBy));
                action = await session.Api.PostAsync(path + "/actions", body, cancellationToken);
            }
            if (session.Json)
            {
                JsonOutput.Write(session.Out, action);
                return;
            }
            session.Out.WriteLine($"Action {Str(action, "id")}: {Table.Clean(Str(action, "intent"))} (expected: {Table.Clean(Str(action, "expectedEffect"))}; decided by {Table.Clean(Str(action, "decidedBy"))})"
                + (action.GetProperty("observedEffect").ValueKind == JsonValueKind.String ? $" — observed: {Table.Clean(Str(action, "observedEffect"))}" : ""));
        });
        return command;
    }

    private static Command Close(Globals globals)
    {
        var number = Number();
        var happened = new Option<string>("--what-happened") { Description = "What happened", HelpName = "TEXT", Required = true };
        var done = new Option<string>("--what-was-done") { Description = "What was done", HelpName = "TEXT", Required = true };
        var assumptions = new Option<string>("--failed-assumptions") { Description = "Which assumptions failed ('none' if none did)", HelpName = "TEXT", Required = true };
        var change = new Option<string>("--what-should-change") { Description = "What should change", HelpName = "TEXT", Required = true };
        var cause = new Option<string>("--cause") { Description = "The cause, understood well enough to prevent immediate recurrence", HelpName = "TEXT", Required = true };
        var command = new Command("close", "Close a resolved incident with the short written record") { number, happened, done, assumptions, change, cause };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var closed = await session.Api.PostAsync(Path(parse, number) + "/close", new JsonObject
            {
                ["whatHappened"] = parse.GetRequiredValue(happened),
                ["whatWasDone"] = parse.GetRequiredValue(done),
                ["failedAssumptions"] = parse.GetRequiredValue(assumptions),
                ["whatShouldChange"] = parse.GetRequiredValue(change),
                ["cause"] = parse.GetRequiredValue(cause),
            }, cancellationToken);
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
