using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Steady.Cli.Api;
using Steady.Cli.Output;

namespace Steady.Cli.Commands;

/// <summary>
/// steady status …: the public status pages through the same API the console uses — pages, components and their
/// states, public incidents, scheduled maintenance, subscribers. <c>--page SLUG</c> picks a page (default: the default page).
/// </summary>
internal static class StatusCommands
{
    private static readonly string[] States = ["operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"];
    private static readonly string[] Statuses = ["investigating", "identified", "monitoring", "resolved"];
    private static readonly string[] MaintenanceStatuses = ["in_progress", "verifying", "completed"];

    public static Command Build(Globals globals)
    {
        var status = new Command("status", "The public status pages: components, incidents, scheduled maintenance, subscribers");
        status.Subcommands.Add(Pages(globals));
        status.Subcommands.Add(Show(globals));
        status.Subcommands.Add(Set(globals));
        var incident = new Command("incident", "Public incidents on a status page");
        incident.Subcommands.Add(IncidentList(globals));
        incident.Subcommands.Add(IncidentOpen(globals));
        incident.Subcommands.Add(IncidentUpdate(globals));
        status.Subcommands.Add(incident);
        var maintenance = new Command("maintenance", "Scheduled maintenance on a status page: shown ahead, started and completed on time by itself");
        maintenance.Subcommands.Add(MaintenanceList(globals));
        maintenance.Subcommands.Add(MaintenanceSchedule(globals));
        maintenance.Subcommands.Add(MaintenanceUpdate(globals));
        maintenance.Subcommands.Add(MaintenanceDelete(globals));
        status.Subcommands.Add(maintenance);
        var subscribers = new Command("subscribers", "A status page's subscribers (organization administrators)");
        subscribers.Subcommands.Add(SubscriberList(globals));
        subscribers.Subcommands.Add(SubscriberAdd(globals));
        subscribers.Subcommands.Add(SubscriberRemove(globals));
        subscribers.Subcommands.Add(SubscriberExport(globals));
        status.Subcommands.Add(subscribers);
        return status;
    }

    private static Option<string> PageOption() => new("--page") { Description = "The page's slug (default: the default page)", HelpName = "SLUG" };

    private static string PagePath(ParseResult parse, Option<string> page) => $"status-pages/{ApiClient.Segment(parse.GetValue(page) ?? "default")}";

    private static Option<KeyValuePair<string, string>[]> ComponentStates() => Syntax.CheckedEach(
        new Option<KeyValuePair<string, string>[]>("--component") { Description = "A component and the state to set it to: NAME=STATE (repeatable)", HelpName = "NAME=STATE" },
        (string text, out KeyValuePair<string, string> pair, out string error) =>
        {
            pair = default;
            var cut = text.LastIndexOf('=');
            if (cut <= 0 || !States.Contains(text[(cut + 1)..].Trim()))
            {
                error = $"'{text}' is not NAME=STATE with STATE one of {string.Join(", ", States)}.";
                return false;
            }
            pair = new(text[..cut].Trim(), text[(cut + 1)..].Trim());
            error = "";
            return true;
        });

    private static Command Pages(Globals globals)
    {
        var command = new Command("pages", "List the status pages");
        globals.SetAction(command, async (session, parse, ct) =>
        {
            var pages = await session.Api.GetAsync("status-pages", ct);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, pages);
                return;
            }
            var table = new Table("Slug", "Name", "Path", "Default", "Private", "Host name");
            foreach (var p in pages.EnumerateArray())
                table.Add(Str(p, "slug"), Str(p, "name"), Str(p, "path"), p.GetProperty("isDefault").GetBoolean() ? "yes" : "", p.GetProperty("private").GetBoolean() ? "yes" : "", Str(p, "hostName"));
            if (table.Count == 0)
                session.Out.WriteLine("No status pages yet. Make one with the API (POST /api/v1/status-pages), 'steady apply -f' or the console's Status pages.");
            else
                table.WriteTo(session.Out);
        });
        return command;
    }

    private static Command Show(Globals globals)
    {
        var page = PageOption();
        var command = new Command("show", "A page's components and their states, open incidents and maintenance") { page };
        globals.SetAction(command, async (session, parse, ct) =>
        {
            var root = PagePath(parse, page);
            var components = await session.Api.GetAsync($"{root}/components", ct);
            var incidents = await session.Api.GetAsync($"{root}/incidents", ct);
            var maintenances = await session.Api.GetAsync($"{root}/maintenances", ct);
            if (session.Json)
            {
                var all = new JsonObject
                {
                    ["components"] = JsonNode.Parse(components.GetRawText()),
                    ["incidents"] = JsonNode.Parse(incidents.GetRawText()),
                    ["maintenances"] = JsonNode.Parse(maintenances.GetRawText()),
                };
                using (var document = JsonDocument.Parse(all.ToJsonString()))
                    JsonOutput.Write(session.Out, document.RootElement);
                return;
            }
            var table = new Table("Component", "State");
            foreach (var c in components.EnumerateArray())
                table.Add(Str(c, "name"), Str(c, "state"));
            if (table.Count == 0)
                session.Out.WriteLine("No components.");
            else
                table.WriteTo(session.Out);
            var open = incidents.EnumerateArray().Where(i => Str(i, "status") != "resolved").ToList();
            session.Out.WriteLine();
            session.Out.WriteLine(open.Count == 0 ? "No open incidents." : "Open incidents:");
            foreach (var i in open)
                session.Out.WriteLine($"  {ShortId.Of(i.GetProperty("id").GetGuid())} [{Str(i, "status")}] {Table.Clean(Str(i, "title"))}");
            var coming = maintenances.EnumerateArray().Where(m => Str(m, "status") != "completed").ToList();
            session.Out.WriteLine(coming.Count == 0 ? "No maintenance scheduled." : "Maintenance:");
            foreach (var m in coming)
                session.Out.WriteLine($"  {ShortId.Of(m.GetProperty("id").GetGuid())} [{Str(m, "status")}] {Table.Clean(Str(m, "title"))}, {Ago.Both(m.GetProperty("startsAt").GetDateTimeOffset(), session.Now)} – {Ago.Both(m.GetProperty("endsAt").GetDateTimeOffset(), session.Now)}");
        });
        return command;
    }

    private static Command Set(Globals globals)
    {
        var page = PageOption();
        var component = new Argument<string>("COMPONENT") { Description = "The component's name" };
        var state = new Argument<string>("STATE") { Description = string.Join(", ", States) };
        state.AcceptOnlyFromAmong(States);
        var command = new Command("set", "Set a component's state (responders); subscribers are told") { component, state, page };
        globals.SetAction(command, async (session, parse, ct) =>
        {
            var changed = await session.Api.PatchAsync($"{PagePath(parse, page)}/components/{ApiClient.Segment(parse.GetRequiredValue(component))}", new JsonObject { ["state"] = parse.GetRequiredValue(state) }, ct);
            if (session.Json)
                JsonOutput.Write(session.Out, changed);
            else
                session.Out.WriteLine($"{Table.Clean(Str(changed, "name"))} is now {Str(changed, "state")}.");
        });
        return command;
    }

    private static Command IncidentList(Globals globals)
    {
        var page = PageOption();
        var command = new Command("list", "The page's public incidents, newest first") { page };
        globals.SetAction(command, async (session, parse, ct) =>
        {
            var incidents = await session.Api.GetAsync($"{PagePath(parse, page)}/incidents", ct);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, incidents);
                return;
            }
            var table = new Table("Id", "Status", "Impact", "Title", "Started").Limit(3, 60);
            foreach (var i in incidents.EnumerateArray())
                table.Add(ShortId.Of(i.GetProperty("id").GetGuid()), Str(i, "status"), Str(i, "impact"), Str(i, "title"), Ago.Since(i.GetProperty("createdAt").GetDateTimeOffset(), session.Now));
            if (table.Count == 0)
                session.Out.WriteLine("No public incidents.");
            else
                table.WriteTo(session.Out);
        });
        return command;
    }

    private static (Option<string> Status, Option<string> Body, Option<KeyValuePair<string, string>[]> Components) UpdateOptions()
    {
        var status = new Option<string>("--status") { Description = string.Join(", ", Statuses), HelpName = "STATUS", Required = true };
        status.AcceptOnlyFromAmong(Statuses);
        var body = new Option<string>("--body") { Description = "What the page says: what customers see, what is being done", HelpName = "TEXT", Required = true };
        return (status, body, ComponentStates());
    }

    private static JsonObject UpdateBody(ParseResult parse, Option<string> status, Option<string> body, Option<KeyValuePair<string, string>[]> components)
    {
        var json = new JsonObject { ["status"] = parse.GetRequiredValue(status), ["body"] = parse.GetRequiredValue(body) };
        if (parse.GetValue(components) is { Length: > 0 } pairs)
            json["components"] = new JsonObject(pairs.Select(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value)));
        return json;
    }

    private static Command IncidentOpen(Globals globals)
    {
        var page = PageOption();
        var title = new Argument<string>("TITLE") { Description = "The public title" };
        var (status, body, components) = UpdateOptions();
        var number = new Option<int?>("--incident") { Description = "The Steady incident it tells (number); none for one that stands alone", HelpName = "N" };
        var command = new Command("open", "Open a public incident with its first update (responders)") { title, status, body, components, number, page };
        globals.SetAction(command, async (session, parse, ct) =>
        {
            var json = UpdateBody(parse, status, body, components);
            json["title"] = parse.GetRequiredValue(title);
            if (parse.GetValue(number) is { } n)
                json["incident"] = n;
            var created = await session.Api.PostAsync($"{PagePath(parse, page)}/incidents", json, ct);
            if (session.Json)
                JsonOutput.Write(session.Out, created);
            else
                session.Out.WriteLine($"Opened {ShortId.Of(created.GetProperty("id").GetGuid())} [{Str(created, "status")}] {Table.Clean(Str(created, "title"))}; subscribers are told.");
        });
        return command;
    }

    private static Command IncidentUpdate(Globals globals)
    {
        var page = PageOption();
        var id = ShortId.Argument("ID", "The public incident's id, or the short id 'steady status incident list' shows");
        var (status, body, components) = UpdateOptions();
        var command = new Command("update", "Post an update to a public incident (responders)") { id, status, body, components, page };
        globals.SetAction(command, async (session, parse, ct) =>
        {
            var root = PagePath(parse, page);
            var incident = await PickAsync(session, $"{root}/incidents", parse.GetRequiredValue(id), "public incident", "steady status incident list", ct);
            var updated = await session.Api.PostAsync($"{root}/incidents/{incident}/updates", UpdateBody(parse, status, body, components), ct);
            if (session.Json)
                JsonOutput.Write(session.Out, updated);
            else
                session.Out.WriteLine($"Posted [{Str(updated, "status")}] to {Table.Clean(Str(updated, "title"))}; subscribers are told.");
        });
        return command;
    }

    private static Command MaintenanceList(Globals globals)
    {
        var page = PageOption();
        var command = new Command("list", "The page's scheduled maintenance, latest start first") { page };
        globals.SetAction(command, async (session, parse, ct) =>
        {
            var list = await session.Api.GetAsync($"{PagePath(parse, page)}/maintenances", ct);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, list);
                return;
            }
            var table = new Table("Id", "Status", "Starts", "Ends", "Title", "Components").Limit(4, 50);
            foreach (var m in list.EnumerateArray())
            {
                table.Add(ShortId.Of(m.GetProperty("id").GetGuid()), Str(m, "status"), Ago.Both(m.GetProperty("startsAt").GetDateTimeOffset(), session.Now),
                    Ago.Both(m.GetProperty("endsAt").GetDateTimeOffset(), session.Now), Str(m, "title"), string.Join(", ", m.GetProperty("components").EnumerateArray().Select(c => c.GetString())));
            }
            if (table.Count == 0)
                session.Out.WriteLine("No maintenance scheduled.");
            else
                table.WriteTo(session.Out);
        });
        return command;
    }

    private static Command MaintenanceSchedule(Globals globals)
    {
        var page = PageOption();
        var title = new Argument<string>("TITLE") { Description = "What the work is, as the page shows it" };
        var start = new Option<string>("--start") { Description = "When it starts: a time (2026-12-01T22:00, local unless it names its offset) or a duration from now (2h)", HelpName = "WHEN", Required = true };
        var duration = Syntax.Checked(new Option<TimeSpan>("--duration") { Description = "How long, e.g. 1h, 90m", HelpName = "DURATION", Required = true }, Syntax.TryDuration);
        var body = new Option<string>("--body") { Description = "What customers should expect", HelpName = "TEXT" };
        var components = new Option<string[]>("--component") { Description = "A component under maintenance meanwhile (repeatable)", HelpName = "NAME" };
        var notice = Syntax.Checked(new Option<TimeSpan>("--notice") { Description = "How long before the start subscribers are reminded (default 1h; 0s: no reminder)", HelpName = "DURATION" },
            (string text, out TimeSpan value, out string error) => text.Trim() is "0" or "0s" or "0m" ? Zero(out value, out error) : Syntax.TryDuration(text, out value, out error));
        var silence = new Option<bool>("--silence-alerts") { Description = "Also start Steady's alert maintenance windows for the components' services: nobody is paged for the planned work" };
        var command = new Command("schedule", "Schedule maintenance (responders): subscribers are told now, reminded before it starts, and told when it completes") { title, start, duration, body, components, notice, silence, page };
        globals.SetAction(command, async (session, parse, ct) =>
        {
            var starts = When(parse.GetRequiredValue(start), session.Now);
            var json = new JsonObject { ["title"] = parse.GetRequiredValue(title), ["startsAt"] = starts, ["endsAt"] = starts + parse.GetValue(duration) };
            if (parse.GetValue(body) is { } b)
                json["body"] = b;
            if (parse.GetValue(components) is { Length: > 0 } names)
                json["components"] = new JsonArray(names.Select(n => (JsonNode?)n).ToArray());
            if (parse.GetResult(notice) is not null)
                json["noticeMinutes"] = (int)parse.GetValue(notice).TotalMinutes;
            if (parse.GetValue(silence))
                json["silenceAlerts"] = true;
            var created = await session.Api.PostAsync($"{PagePath(parse, page)}/maintenances", json, ct);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, created);
                return;
            }
            session.Out.WriteLine($"Scheduled {ShortId.Of(created.GetProperty("id").GetGuid())} {Table.Clean(Str(created, "title"))}: {Ago.Both(created.GetProperty("startsAt").GetDateTimeOffset(), session.Now)} – {Ago.Both(created.GetProperty("endsAt").GetDateTimeOffset(), session.Now)}.");
            session.Out.WriteLine(created.GetProperty("silenceAlerts").GetBoolean()
                ? "It starts and completes by itself; its services' alerts page nobody meanwhile."
                : "It starts and completes by itself.");
        });
        return command;
    }

    private static bool Zero(out TimeSpan value, out string error)
    {
        (value, error) = (TimeSpan.Zero, "");
        return true;
    }

    /// <summary>A duration from now, or a time.</summary>
    private static DateTimeOffset When(string text, DateTimeOffset now)
    {
        if (Syntax.TryDuration(text, out var after, out _))
            return now + after;
        if (DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var at))
            return at;
        throw new CliException($"--start: '{text}' is neither a duration from now (e.g. 2h) nor a time (e.g. 2026-12-01T22:00 or 2026-12-01T22:00Z).", ExitCodes.Usage);
    }

    private static Command MaintenanceUpdate(Globals globals)
    {
        var page = PageOption();
        var id = ShortId.Argument("ID", "The maintenance's id, or the short id 'steady status maintenance list' shows");
        var status = new Option<string>("--status") { Description = string.Join(", ", MaintenanceStatuses), HelpName = "STATUS", Required = true };
        status.AcceptOnlyFromAmong(MaintenanceStatuses);
        var body = new Option<string>("--body") { Description = "What is happening", HelpName = "TEXT", Required = true };
        var command = new Command("update", "Move a maintenance on (start early, verifying, completed) with words (responders)") { id, status, body, page };
        globals.SetAction(command, async (session, parse, ct) =>
        {
            var root = PagePath(parse, page);
            var maintenance = await PickAsync(session, $"{root}/maintenances", parse.GetRequiredValue(id), "maintenance", "steady status maintenance list", ct);
            var updated = await session.Api.PostAsync($"{root}/maintenances/{maintenance}/updates", new JsonObject { ["status"] = parse.GetRequiredValue(status), ["body"] = parse.GetRequiredValue(body) }, ct);
            if (session.Json)
                JsonOutput.Write(session.Out, updated);
            else
                session.Out.WriteLine($"{Table.Clean(Str(updated, "title"))} is {Str(updated, "status")}.");
        });
        return command;
    }

    private static Command MaintenanceDelete(Globals globals)
    {
        var page = PageOption();
        var id = ShortId.Argument("ID", "The maintenance's id, or the short id 'steady status maintenance list' shows");
        var command = new Command("delete", "Delete a maintenance that is not running (responders); its alert windows still to come are called off") { id, page };
        globals.SetAction(command, async (session, parse, ct) =>
        {
            var root = PagePath(parse, page);
            var maintenance = await PickAsync(session, $"{root}/maintenances", parse.GetRequiredValue(id), "maintenance", "steady status maintenance list", ct);
            var deleted = await session.Api.DeleteAsync($"{root}/maintenances/{maintenance}", ct);
            if (session.Json)
                JsonOutput.Write(session.Out, deleted);
            else
                session.Out.WriteLine($"Deleted {Table.Clean(Str(deleted, "title"))}.");
        });
        return command;
    }

    private static Command SubscriberList(Globals globals)
    {
        var page = PageOption();
        var command = new Command("list", "Subscribers, failed ones first, with their counts") { page };
        globals.SetAction(command, async (session, parse, ct) =>
        {
            var list = await session.Api.GetAsync($"{PagePath(parse, page)}/subscribers", ct);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, list);
                return;
            }
            var counts = list.GetProperty("counts");
            session.Out.WriteLine($"{counts.GetProperty("active").GetInt32()} active, {counts.GetProperty("pending").GetInt32()} awaiting confirmation, {counts.GetProperty("failed").GetInt32()} failed ({counts.GetProperty("email").GetInt32()} email, {counts.GetProperty("webhook").GetInt32()} webhook).");
            var table = new Table("Id", "Kind", "Address", "State", "Components", "Why it failed").Limit(2, 50).Limit(5, 60);
            foreach (var s in list.GetProperty("items").EnumerateArray())
            {
                table.Add(ShortId.Of(s.GetProperty("id").GetGuid()), Str(s, "kind"), Str(s, "address"), Str(s, "state"),
                    s.GetProperty("components").ValueKind == JsonValueKind.Array ? string.Join(", ", s.GetProperty("components").EnumerateArray().Select(c => c.GetString())) : "all", Str(s, "failedReason"));
            }
            if (table.Count > 0)
                table.WriteTo(session.Out);
        });
        return command;
    }

    private static Command SubscriberAdd(Globals globals)
    {
        var page = PageOption();
        var email = new Option<string>("--email") { Description = "An email address (its owner confirms by the link mailed to it)", HelpName = "ADDRESS" };
        var webhook = new Option<string>("--webhook") { Description = "A webhook URL (Statuspage's payloads; active at once)", HelpName = "URL" };
        var components = new Option<string[]>("--component") { Description = "Only these components (repeatable; none: all)", HelpName = "NAME" };
        var command = new Command("add", "Add a subscriber (organization administrators)") { email, webhook, components, page };
        globals.SetAction(command, async (session, parse, ct) =>
        {
            var (kind, address) = (parse.GetValue(email), parse.GetValue(webhook)) switch
            {
                ({ } e, null) => ("email", e),
                (null, { } w) => ("webhook", w),
                _ => throw new CliException("give one of --email or --webhook", ExitCodes.Usage),
            };
            var json = new JsonObject { ["kind"] = kind, ["address"] = address };
            if (parse.GetValue(components) is { Length: > 0 } names)
                json["components"] = new JsonArray(names.Select(n => (JsonNode?)n).ToArray());
            var created = await session.Api.PostAsync($"{PagePath(parse, page)}/subscribers", json, ct);
            if (session.Json)
                JsonOutput.Write(session.Out, created);
            else
                session.Out.WriteLine(kind == "email"
                    ? $"Added {Table.Clean(address)}: a confirmation link is on its way; updates start once it is opened."
                    : $"Added the webhook {ShortId.Of(created.GetProperty("id").GetGuid())}: it gets Statuspage's payloads from now on.");
        });
        return command;
    }

    private static Command SubscriberRemove(Globals globals)
    {
        var page = PageOption();
        var id = ShortId.Argument("ID", "The subscriber's id, or the short id 'steady status subscribers list' shows");
        var command = new Command("remove", "Remove a subscriber and the messages it was still to get (organization administrators)") { id, page };
        globals.SetAction(command, async (session, parse, ct) =>
        {
            var root = PagePath(parse, page);
            var (full, part, _) = ShortId.Parse(parse.GetRequiredValue(id));
            var subscriber = full ?? ShortId.Pick((await session.Api.GetAsync($"{root}/subscribers", ct)).GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()),
                part!, "subscriber", "steady status subscribers list");
            var removed = await session.Api.DeleteAsync($"{root}/subscribers/{subscriber}", ct);
            if (session.Json)
                JsonOutput.Write(session.Out, removed);
            else
                session.Out.WriteLine($"Removed {Table.Clean(Str(removed, "address"))}.");
        });
        return command;
    }

    private static Command SubscriberExport(Globals globals)
    {
        var page = PageOption();
        var command = new Command("export", "Write the subscribers as CSV (organization administrators; the export is in the audit log)") { page };
        globals.SetAction(command, async (session, parse, ct) =>
            await session.Out.WriteAsync(await session.Api.GetTextAsync($"{PagePath(parse, page)}/subscribers/export", ct)));
        return command;
    }

    private static async Task<Guid> PickAsync(Session session, string listPath, string typed, string what, string listCommand, CancellationToken ct)
    {
        var (full, part, _) = ShortId.Parse(typed);
        return full ?? ShortId.Pick((await session.Api.GetAsync(listPath, ct)).EnumerateArray().Select(x => x.GetProperty("id").GetGuid()), part!, what, listCommand);
    }

    private static string Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
}
