using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Steady.Cli.Output;

namespace Steady.Cli.Commands;

/// <summary>
/// steady actions list | add | done | drop: the action items that come out of incidents, followed up until
/// done or deliberately dropped. An item is named by its id: the full one, or the short one 'list' shows.
/// </summary>
internal static class ActionItemCommands
{
    private static readonly string[] Types = ["mitigate", "prevent", "process", "monitoring", "backup", "design"];

    public static Command Build(Globals globals)
    {
        var actions = new Command("actions", "Action items: what comes out of an incident, owned by a person, followed up until done or dropped with a reason");
        actions.Subcommands.Add(List(globals));
        actions.Subcommands.Add(Add(globals));
        actions.Subcommands.Add(Done(globals));
        actions.Subcommands.Add(Drop(globals));
        return actions;
    }

    private static Command List(Globals globals)
    {
        var incident = IncidentNumber.Option("Only this incident's items");
        var mine = new Option<bool>("--mine") { Description = "Only yours" };
        var owner = new Option<string>("--owner") { Description = "Only this person's (email or id)", HelpName = "USER" };
        var status = Syntax.OneOf(new Option<string>("--status") { Description = "unfinished (default: open and in progress), open, in-progress, done, not-doing or all", HelpName = "STATUS" },
            "a status", "unfinished", "open", "in-progress", "done", "not-doing", "all");
        var team = new Option<string>("--team") { Description = "Only items of this team's incidents", HelpName = "TEAM" };
        var service = new Option<string>("--service") { Description = "Only items of incidents on this service", HelpName = "SERVICE" };
        var type = Syntax.OneOf(new Option<string>("--type") { Description = string.Join(", ", Types), HelpName = "TYPE" }, "an action item type", Types);
        var age = new Option<bool>("--by-age") { Description = "Oldest first (default: soonest due first)" };
        var wide = new Option<bool>("--wide") { Description = "Every column (type and priority too, due to the minute); the default fits 80 columns" };
        var command = new Command("list", "Action items, soonest due first; overdue ones are marked") { incident, mine, owner, status, team, service, type, age, wide };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var query = new List<string>();
            var s = parse.GetValue(status) ?? "unfinished";
            if (s != "all")
                query.Add($"status={s}");
            if (parse.GetValue(incident) is { } n)
                query.Add($"incident={n}");
            if (parse.GetValue(mine))
                query.Add($"owner={(await session.Api.GetAsync("me", cancellationToken)).GetProperty("user").GetProperty("id").GetGuid()}");
            else if (parse.GetValue(owner) is { } o)
                query.Add($"owner={Uri.EscapeDataString(o)}");
            if (parse.GetValue(team) is { } t)
                query.Add($"team={Uri.EscapeDataString(t)}");
            if (parse.GetValue(service) is { } sv)
                query.Add($"service={Uri.EscapeDataString(sv)}");
            if (parse.GetValue(type) is { } ty)
                query.Add($"type={ty}");
            if (parse.GetValue(age))
                query.Add("order=age");
            var items = await session.Api.GetAsync("action-items" + (query.Count == 0 ? "" : "?" + string.Join('&', query)), cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, items);
                return;
            }
            var list = items.EnumerateArray().ToList();
            if (list.Count == 0)
            {
                session.Out.WriteLine("No action items here.");
                return;
            }
            var shorts = ShortId.For(list.Select(i => i.GetProperty("id").GetGuid()));
            var all = parse.GetValue(wide);
            var table = all
                ? new Table("Id", "Action item", "Incident", "Type", "Owner", "Priority", "Due", "Status").Limit(1, 50).Limit(4, 30).Limit(7, 60)
                : new Table("Id", "Action item", "Inc", "Owner", "Due", "Status").Limit(1, 50).Limit(3, 24).Limit(5, 60);
            foreach (var i in list)
            {
                var due = i.GetProperty("dueAt").GetDateTimeOffset();
                var overdue = Str(i, "status") is "open" or "in-progress" && due < session.Now;
                var state = Str(i, "status") + (Str(i, "reason") is { Length: > 0 } r ? $": {r}" : "");
                var (id, title, number, person) = (shorts[i.GetProperty("id").GetGuid()], Str(i, "title"), "#" + i.GetProperty("incident").GetInt32(), Str(i.GetProperty("owner"), "name"));
                if (all)
                    table.Add(id, title, number, Str(i, "type"), person, Str(i, "priority"), (overdue ? "OVERDUE " : "") + Ago.Both(due, session.Now), state);
                else
                    table.Add(id, title, number, person, Due(due, overdue, session.Now), state);
            }
            table.WriteTo(session.Out);
        });
        return command;
    }

    /// <summary>A due date in a few characters, in this machine's zone: "Dec 21 (in 14d)", "OVERDUE 3d ago".</summary>
    private static string Due(DateTimeOffset due, bool overdue, DateTimeOffset now) =>
        overdue
            ? $"OVERDUE {Ago.Since(due, now)}"
            : $"{TimeZoneInfo.ConvertTime(due, TimeZoneInfo.Local).ToString("MMM d", System.Globalization.CultureInfo.InvariantCulture)} ({Ago.Until(due, now)})";

    private static Command Add(Globals globals)
    {
        var number = new Argument<string>("N") { Description = "The incident it comes from: 12, #12 or INC-12" };
        var title = new Option<string>("--title") { Description = "What to do", HelpName = "TEXT", Required = true };
        var type = Syntax.OneOf(new Option<string>("--type") { Description = string.Join(", ", Types), HelpName = "TYPE", Required = true }, "an action item type", Types);
        var owner = new Option<string>("--owner") { Description = "The person who sees it through (email or id)", HelpName = "USER", Required = true };
        var due = OnCallCommands.When(globals, "--due", "When it is due: a time or a duration from now (+14d)");
        due.Required = true;
        var priority = Syntax.OneOf(new Option<string>("--priority") { Description = "high, medium (default) or low", HelpName = "PRIORITY" }, "a priority", "high", "medium", "low");
        var ticket = new Option<string>("--ticket") { Description = "The ticket that tracks it", HelpName = "URL" };
        var command = new Command("add", "Add an action item to an incident (and its postmortem)") { number, title, type, owner, due, priority, ticket };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            if (!IncidentNumber.TryParse(parse.GetRequiredValue(number), out var n, out var error))
                throw new CliException(error, ExitCodes.Usage);
            var body = new JsonObject
            {
                ["incident"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["title"] = parse.GetRequiredValue(title),
                ["type"] = parse.GetRequiredValue(type),
                ["owner"] = parse.GetRequiredValue(owner),
                ["dueAt"] = parse.GetValue(due),
            };
            if (parse.GetValue(priority) is { } p)
                body["priority"] = p;
            if (parse.GetValue(ticket) is { } t)
                body["ticketUrl"] = t;
            var created = await session.Api.PostAsync("action-items", body, cancellationToken);
            if (session.Json)
                JsonOutput.Write(session.Out, created);
            else
                session.Out.WriteLine($"Added {ShortId.Of(created.GetProperty("id").GetGuid())} to incident #{n}: {Table.Clean(Str(created, "title"))}, owned by {Table.Clean(Str(created.GetProperty("owner"), "name"))}, due {Ago.Both(created.GetProperty("dueAt").GetDateTimeOffset(), session.Now)}.");
        });
        return command;
    }

    private static Command Done(Globals globals)
    {
        var id = ShortId.Argument("ID", "The action item: its id, or the short one 'steady actions list' shows");
        var command = new Command("done", "Mark an action item done: its reminders stop") { id };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var item = await ResolveAsync(session, parse.GetRequiredValue(id), cancellationToken);
            var done = await session.Api.PatchAsync($"action-items/{item}", new JsonObject { ["status"] = "done" }, cancellationToken);
            if (session.Json)
                JsonOutput.Write(session.Out, done);
            else
                session.Out.WriteLine($"Done: {Table.Clean(Str(done, "title"))} (incident #{done.GetProperty("incident").GetInt32()}).");
        });
        return command;
    }

    private static Command Drop(Globals globals)
    {
        var id = ShortId.Argument("ID", "The action item: its id, or the short one 'steady actions list' shows");
        var reason = new Option<string>("--reason") { Description = "Why it is not being done (kept on record)", HelpName = "TEXT", Required = true };
        var command = new Command("drop", "Drop an action item deliberately (not doing), with the reason") { id, reason };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var item = await ResolveAsync(session, parse.GetRequiredValue(id), cancellationToken);
            var dropped = await session.Api.PatchAsync($"action-items/{item}", new JsonObject { ["status"] = "not-doing", ["reason"] = parse.GetRequiredValue(reason) }, cancellationToken);
            if (session.Json)
                JsonOutput.Write(session.Out, dropped);
            else
                session.Out.WriteLine($"Not doing: {Table.Clean(Str(dropped, "title"))} — {Table.Clean(Str(dropped, "reason"))}.");
        });
        return command;
    }

    /// <summary>The full id of what was typed: as it is, or the one item whose id has it.</summary>
    private static async Task<Guid> ResolveAsync(Session session, string typed, CancellationToken cancellationToken)
    {
        var (full, part, error) = ShortId.Parse(typed);
        if (error is not null)
            throw new CliException(error, ExitCodes.Usage);
        if (full is { } id)
            return id;
        var all = await session.Api.GetAsync("action-items", cancellationToken);
        return ShortId.Pick(all.EnumerateArray().Select(i => i.GetProperty("id").GetGuid()), part!, "action item", "steady actions list");
    }

    private static string Str(JsonElement e, string name) => IncidentCommands.Str(e, name);
}
