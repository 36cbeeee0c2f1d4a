using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Steady.Cli.Output;

namespace Steady.Cli.Commands;

/// <summary>
/// steady postmortem show | draft | edit | export | publish N: an incident's blameless postmortem from a
/// terminal. Sections are Markdown; a value '@FILE' reads the section from a file ('@-': standard input).
/// </summary>
internal static class PostmortemCommands
{
    /// <summary>The sections as the API names them, and the option that sets each.</summary>
    private static readonly (string Key, string Option, string Title)[] Sections =
    [
        ("summary", "--summary", "Summary"),
        ("impact", "--impact", "Impact"),
        ("trigger", "--trigger", "Trigger"),
        ("rootCause", "--root-cause", "Root cause"),
        ("contributingFactors", "--contributing-factors", "Contributing factors"),
        ("detection", "--detection", "Detection"),
        ("resolution", "--resolution", "Resolution"),
        ("wentWell", "--went-well", "What went well"),
        ("wentWrong", "--went-wrong", "What went wrong"),
        ("gotLucky", "--got-lucky", "Where we got lucky"),
    ];

    public static Command Build(Globals globals)
    {
        var postmortem = new Command("postmortem", "An incident's blameless postmortem: drafted when it is resolved, owned by a person with a due date, reviewed and published");
        postmortem.Subcommands.Add(Show(globals));
        postmortem.Subcommands.Add(Draft(globals));
        postmortem.Subcommands.Add(Edit(globals));
        postmortem.Subcommands.Add(Export(globals));
        postmortem.Subcommands.Add(Publish(globals));
        return postmortem;
    }

    private static Argument<string> Number() => new("N") { Description = "The incident's number: 12, #12 or INC-12" };

    internal static int Parse(ParseResult parse, Argument<string> number)
    {
        if (!IncidentNumber.TryParse(parse.GetRequiredValue(number), out var n, out var error))
            throw new CliException(error, ExitCodes.Usage);
        return n;
    }

    private static Command Show(Globals globals)
    {
        var number = Number();
        var command = new Command("show", "The postmortem: status, owner, due date, impact times, every section (or what to write in it), the blameless check's advice, action items") { number };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var n = Parse(parse, number);
            var postmortem = await session.Api.GetAsync($"incidents/{n}/postmortem", cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, postmortem);
                return;
            }
            var items = await session.Api.GetAsync($"action-items?incident={n}", cancellationToken);
            Write(session, postmortem, items);
        });
        return command;
    }

    private static Command Draft(Globals globals)
    {
        var number = Number();
        var command = new Command("draft", "Draft the postmortem now, before the incident is resolved (resolving drafts it by itself)") { number };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var n = Parse(parse, number);
            var drafted = await session.Api.PostAsync($"incidents/{n}/postmortem", new JsonObject(), cancellationToken);
            if (session.Json)
                JsonOutput.Write(session.Out, drafted);
            else
                session.Out.WriteLine($"The postmortem of incident #{n} is {Str(drafted, "status")}, owned by {Owner(drafted)}, due {Due(drafted, session.Now)}. Write it: steady postmortem edit {n} --summary ...");
        });
        return command;
    }

    private static Command Edit(Globals globals)
    {
        var number = Number();
        var options = Sections.Select(s => new Option<string>(s.Option) { Description = $"{s.Title} (Markdown; @FILE reads a file, @- standard input; \"\" clears it)", HelpName = "TEXT" }).ToList();
        var owner = new Option<string>("--owner") { Description = "The person who sees it through (email or id)", HelpName = "USER" };
        var publicSummary = new Option<string>("--public-summary") { Description = "What customers read: posted to the status page's incident when it is published (@FILE reads a file)", HelpName = "TEXT" };
        var due = OnCallCommands.When(globals, "--due", "When it is due: a time (2026-12-24T17:00, UTC unless it has an offset) or a duration from now (+5d)");
        var status = Syntax.OneOf(new Option<string>("--status") { Description = "draft, in-review, reviewed or published (one step at a time)", HelpName = "STATUS" },
            "a postmortem status", "draft", "in-review", "reviewed", "published");
        var command = new Command("edit", "Change sections, the owner, the due date or the status; prints the blameless check's advice") { number, owner, due, status, publicSummary };
        foreach (var option in options)
            command.Options.Add(option);
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var n = Parse(parse, number);
            var body = new JsonObject();
            for (var i = 0; i < Sections.Length; i++)
            {
                if (parse.GetValue(options[i]) is { } text)
                    body[Sections[i].Key] = await ReadAsync(text, cancellationToken);
            }
            if (parse.GetValue(owner) is { } o)
                body["owner"] = o;
            if (parse.GetValue(publicSummary) is { } forCustomers)
                body["publicSummary"] = await ReadAsync(forCustomers, cancellationToken);
            if (parse.GetValue(due) is { } at)
                body["dueAt"] = at;
            if (parse.GetValue(status) is { } s)
                body["status"] = s;
            if (body.Count == 0)
                throw new CliException("nothing to change: give a section (--summary, --root-cause, ...), --owner, --due or --status", ExitCodes.Usage);
            var saved = await session.Api.PutAsync($"incidents/{n}/postmortem", body, cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, saved);
                return;
            }
            session.Out.WriteLine($"Saved: the postmortem of incident #{n} is {Str(saved, "status")}, owned by {Owner(saved)}, due {Due(saved, session.Now)}.");
            WriteAdvice(session.Out, saved);
        });
        return command;
    }

    private static Command Export(Globals globals)
    {
        var number = Number();
        var output = new Option<string>("--output", "-o") { Description = "Write to this file instead of standard output", HelpName = "FILE" };
        var command = new Command("export", "The whole postmortem as Markdown: every section, impact times, the timeline (UTC and your zone), responders, action items") { number, output };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var n = Parse(parse, number);
            var markdown = await session.Api.GetTextAsync($"incidents/{n}/postmortem/markdown", cancellationToken);
            if (parse.GetValue(output) is { Length: > 0 } path)
            {
                try
                {
                    await File.WriteAllTextAsync(path, markdown, cancellationToken);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new CliException($"cannot write {path}: {e.Message}");
                }
                session.Out.WriteLine($"Wrote the postmortem of incident #{n} to {path}.");
                return;
            }
            await session.Out.WriteAsync(markdown);
        });
        return command;
    }

    private static Command Publish(Globals globals)
    {
        var number = Number();
        var command = new Command("publish", "Publish a reviewed postmortem (it needs an owner and a summary)") { number };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var n = Parse(parse, number);
            var published = await session.Api.PutAsync($"incidents/{n}/postmortem", new JsonObject { ["status"] = "published" }, cancellationToken);
            if (session.Json)
                JsonOutput.Write(session.Out, published);
            else
                session.Out.WriteLine($"Published the postmortem of incident #{n}. Export it: steady postmortem export {n}");
        });
        return command;
    }

    private static void Write(Session session, JsonElement p, JsonElement items)
    {
        var o = session.Out;
        o.WriteLine($"Postmortem of #{p.GetProperty("incident").GetInt32()} {Str(p, "severity")}: {Table.Clean(Str(p, "title"))}");
        o.WriteLine($"Status {Str(p, "status")} · owner {Owner(p)} · due {Due(p, session.Now)}");
        o.WriteLine($"Page: {session.Connection.Server.TrimEnd('/')}/incidents/{p.GetProperty("incident").GetInt32()}/postmortem");
        o.WriteLine();
        o.WriteLine("Impact:");
        foreach (var m in p.GetProperty("impactTimes").EnumerateArray())
        {
            var at = m.GetProperty("at").ValueKind == JsonValueKind.String ? m.GetProperty("at").GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : "-";
            var since = m.GetProperty("secondsSinceStart").ValueKind == JsonValueKind.Number ? " (+" + Ago.Length(TimeSpan.FromSeconds(m.GetProperty("secondsSinceStart").GetInt64())) + ")" : "";
            o.WriteLine($"  {Str(m, "name"),-13} {at}{since}");
        }
        var unfilled = p.GetProperty("unfilled").EnumerateArray().ToDictionary(u => Str(u, "section"), u => Str(u, "hint"));
        foreach (var (key, _, title) in Sections)
        {
            o.WriteLine();
            o.WriteLine($"## {title}");
            o.WriteLine(unfilled.TryGetValue(key, out var hint) ? $"(not written yet: {hint})" : Str(p, key).TrimEnd());
        }
        o.WriteLine();
        o.WriteLine($"Timeline: {p.GetProperty("timeline").GetArrayLength()} entries; responders: {string.Join(", ", p.GetProperty("responders").EnumerateArray().Select(r => $"{Table.Clean(Str(r, "name"))} ({Str(r, "role")})").Distinct())}");
        o.WriteLine();
        var table = new Table("Id", "Action item", "Type", "Owner", "Due", "Status").Limit(1, 50);
        var list = items.EnumerateArray().ToList();
        var shorts = ShortId.For(list.Select(i => i.GetProperty("id").GetGuid()));
        foreach (var i in list)
            table.Add(shorts[i.GetProperty("id").GetGuid()], Str(i, "title"), Str(i, "type"), Str(i.GetProperty("owner"), "name"), Ago.Both(i.GetProperty("dueAt").GetDateTimeOffset(), session.Now), Str(i, "status"));
        if (table.Count == 0)
            o.WriteLine("No action items yet: steady actions add N --title ... --type prevent --owner USER --due +14d");
        else
            table.WriteTo(o);
        WriteAdvice(o, p);
    }

    /// <summary>The blameless check's findings: advice, never a refusal.</summary>
    private static void WriteAdvice(TextWriter o, JsonElement p)
    {
        var findings = p.GetProperty("blamelessCheck").EnumerateArray().ToList();
        if (findings.Count == 0)
            return;
        o.WriteLine();
        o.WriteLine("Blameless check (advice):");
        foreach (var f in findings)
            o.WriteLine($"  {Str(f, "section")}: \"{Table.Clean(Str(f, "words"))}\" — {Str(f, "why")} {Str(f, "suggestion")}");
    }

    private static async Task<string> ReadAsync(string value, CancellationToken cancellationToken)
    {
        if (!value.StartsWith('@'))
            return value;
        var file = value[1..];
        if (file == "-")
            return await Console.In.ReadToEndAsync(cancellationToken);
        try
        {
            return await File.ReadAllTextAsync(file, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read {file}: {(e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message)}");
        }
    }

    private static string Owner(JsonElement p) =>
        p.GetProperty("owner").ValueKind == JsonValueKind.Object ? Table.Clean(Str(p.GetProperty("owner"), "name")) : "nobody yet";

    private static string Due(JsonElement p, DateTimeOffset now) =>
        p.GetProperty("dueAt").ValueKind == JsonValueKind.String ? Ago.Both(p.GetProperty("dueAt").GetDateTimeOffset(), now) : "not set";

    private static string Str(JsonElement e, string name) => IncidentCommands.Str(e, name);
}
