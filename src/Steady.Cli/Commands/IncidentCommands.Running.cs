using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Steady.Cli.Api;
using Steady.Cli.Output;

namespace Steady.Cli.Commands;

/// <summary>Running an incident from a terminal: severity, status, roles, acknowledging its pages, channels, updates, notes and actions.</summary>
internal static partial class IncidentCommands
{
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
        var verdict = new Option<string>("--verdict") { Description = "Against the expected effect, with --observed: as_expected, no_effect or made_worse", HelpName = "VERDICT" };
        var id = new Option<string>("--id") { Description = "An action already recorded: mark it done (--done) and record what it did (--observed)", HelpName = "ACTION-ID" };
        var command = new Command("action", "Record a deliberate action (intent, expected effect, who decided), and later what it did") { number, intent, expect, decidedBy, done, observed, verdict, id };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var path = Path(parse, number);
            var body = new JsonObject();
            if (parse.GetValue(done))
                body["doneAt"] = session.Now;
            Put(body, "observedEffect", parse.GetValue(observed));
            Put(body, "verdict", parse.GetValue(verdict));
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
                + (action.GetProperty("observedEffect").ValueKind == JsonValueKind.String ? $" — observed: {Table.Clean(Str(action, "observedEffect"))}" : "")
                + (action.GetProperty("verdict").ValueKind == JsonValueKind.String ? $" ({Str(action, "verdict")})" : ""));
        });
        return command;
    }
}
