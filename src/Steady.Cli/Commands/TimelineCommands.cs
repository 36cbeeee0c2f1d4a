using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Steady.Cli.Output;
using Steady.Host.Journal;

namespace Steady.Cli.Commands;

/// <summary>
/// steady timeline import: the journal's relevant entries for a window (errors, unit failures and
/// restarts, OOM kills, kernel errors; bursts as one line each) merged into an incident's timeline
/// with their own times, hosts and stable keys, so importing again adds nothing twice.
/// </summary>
internal static class TimelineCommands
{
    /// <summary>Lines sent in one request.</summary>
    public const int Batch = 500;

    public static Command Build(Globals globals)
    {
        var timeline = new Command("timeline", "An incident's timeline: bring in what the host's journal says");
        timeline.Subcommands.Add(Import(globals));
        return timeline;
    }

    private static Command Import(Globals globals)
    {
        var incident = IncidentNumber.Option("The incident to add the lines to (42 or INC-42); not needed with --dry-run");
        var since = Syntax.Checked<DateTimeOffset?>(
            new Option<DateTimeOffset?>("--since") { Description = "The window's start: a duration ago (30m, 2h) or a time (2026-11-24T13:00, local unless it says its offset)", HelpName = "WHEN", Required = true },
            (string text, out DateTimeOffset? at, out string error) => Past(globals, text, out at, out error));
        var until = Syntax.Checked<DateTimeOffset?>(
            new Option<DateTimeOffset?>("--until") { Description = "The window's end (default: now)", HelpName = "WHEN" },
            (string text, out DateTimeOffset? at, out string error) => Past(globals, text, out at, out error));
        var units = new Option<string[]>("--unit") { Description = "Only this unit's entries, systemd's about it and the kernel's (repeatable; 'myapp' means myapp.service)", HelpName = "UNIT" };
        var files = new Option<string[]>("--file") { Description = "Read these journal files instead of this host's journal (repeatable)", HelpName = "FILE" };
        var reader = Syntax.OneOf(
            new Option<string>("--reader") { Description = "auto (sd-journal when libsystemd is there, else journalctl), sd-journal or journalctl", HelpName = "READER", DefaultValueFactory = _ => "auto" },
            "a reader", "auto", "sd-journal", "journalctl");
        var burst = new Option<int>("--burst") { Description = "This many alike entries in a row become one line (default 5)", HelpName = "N", DefaultValueFactory = _ => 5 };
        burst.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 2)
                r.AddError("--burst must be 2 or more.");
        });
        var dryRun = new Option<bool>("--dry-run") { Description = "Show the lines it would add; send nothing" };
        var command = new Command("import", "Merge the journal's relevant entries for a window into an incident's timeline: errors and worse, unit failures, restarts, starts and stops, OOM kills, kernel errors; repeated messages as one burst line. Entries keep their times and hosts; importing twice adds nothing twice")
        {
            incident, since, until, units, files, reader, burst, dryRun,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(incident) is null && !result.GetValue(dryRun))
                result.AddError("Say which incident: --incident N (or --dry-run to only look).");
            if (result.GetValue(since) is { } from && result.GetValue(until) is { } to && to <= from)
                result.AddError("--until must be after --since.");
        });

        command.SetAction(async (parse, cancellationToken) =>
        {
            var context = globals.Context;
            var now = context.Time.GetUtcNow();
            var query = new JournalQuery
            {
                Since = parse.GetValue(since)!.Value,
                Until = parse.GetValue(until) ?? now,
                Units = [.. (parse.GetValue(units) ?? []).Where(u => !string.IsNullOrWhiteSpace(u)).Select(JournalQuery.UnitName)],
                Files = parse.GetValue(files) ?? [],
            };
            var journal = JournalReader.Named(parse.GetValue(reader)!);
            TimelineSelection selection;
            try
            {
                selection = JournalTimeline.Select(journal.Read(query, cancellationToken), new TimelineOptions { BurstMinimum = parse.GetValue(burst) }, cancellationToken);
            }
            catch (JournalException e)
            {
                throw new CliException($"cannot read the journal: {e.Message}");
            }
            var json = parse.GetValue(globals.Json);
            var summary = Summary(selection, query, journal.Source);

            if (parse.GetValue(dryRun))
            {
                if (json)
                {
                    JsonOutput.Write(context.Out, Document(selection, journal.Source, null, null));
                    return ExitCodes.Ok;
                }
                context.Out.WriteLine(summary);
                WriteLines(context.Out, selection.Items);
                context.Out.WriteLine("Nothing sent (--dry-run).");
                return ExitCodes.Ok;
            }

            var number = parse.GetValue(incident)!.Value;
            int added = 0, skipped = 0;
            using (var session = globals.Open(parse))
            {
                foreach (var host in selection.Items.GroupBy(i => i.Host, StringComparer.Ordinal))
                {
                    foreach (var chunk in host.Chunk(Batch))
                    {
                        var body = new JsonObject
                        {
                            ["source"] = "journal",
                            ["host"] = host.Key,
                            ["entries"] = new JsonArray([.. chunk.Select(i => (JsonNode)new JsonObject
                            {
                                ["at"] = i.At.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
                                ["kind"] = i.Kind,
                                ["text"] = i.Text,
                                ["key"] = i.Key,
                            })]),
                        };
                        var answer = await session.Api.PostAsync($"incidents/{number}/timeline/import", body, cancellationToken);
                        added += Count(answer, "added");
                        skipped += Count(answer, "skipped");
                    }
                }
            }
            if (json)
            {
                JsonOutput.Write(context.Out, Document(selection, journal.Source, added, skipped));
                return ExitCodes.Ok;
            }
            context.Out.WriteLine(summary);
            context.Out.WriteLine(selection.Items.Count == 0
                ? $"Nothing to add to INC-{number}."
                : $"INC-{number}: {added} added, {skipped} already on the timeline.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static bool Past(Globals globals, string text, out DateTimeOffset? at, out string error)
    {
        var ok = Syntax.TryPast(text, globals.Context.Time.GetUtcNow(), out var value, out error);
        at = ok ? value : null;
        return ok;
    }

    private static int Count(JsonElement answer, string name) =>
        answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty(name, out var value) && value.TryGetInt32(out var n)
            ? n
            : throw new CliException($"the server's answer to the timeline import has no '{name}' count; is it a Steady server with the timeline import?");

    /// <summary>"Read 729 journal entries (13:10 to 13:20 UTC) with sd-journal ...: 423 relevant, as 12 lines (1 burst)."</summary>
    internal static string Summary(TimelineSelection selection, JournalQuery query, string source)
    {
        var window = $"{query.Since!.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss} to {query.Until!.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC";
        var units = query.Units.Count == 0 ? "" : $" of {string.Join(", ", query.Units)}";
        var files = query.Files.Count == 0 ? "" : $" in {string.Join(", ", query.Files)}";
        var lines = selection.Items.Count == 1 ? "1 line" : $"{selection.Items.Count:N0} lines";
        var bursts = selection.Bursts == 0 ? "" : selection.Bursts == 1 ? " (1 burst)" : $" ({selection.Bursts} bursts)";
        return string.Create(CultureInfo.InvariantCulture,
            $"Read {selection.EntriesRead:N0} journal entries{units}{files} from {window} with {source}: {selection.EntriesSelected:N0} relevant, as {lines}{bursts}.");
    }

    private static void WriteLines(TextWriter output, IReadOnlyList<TimelineItem> items)
    {
        if (items.Count == 0)
            return;
        var table = new Table("AT (UTC)", "HOST", "KIND", "TEXT").Limit(3, 160);
        foreach (var item in items)
            table.Add(item.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), item.Host, item.Kind, item.Text);
        table.WriteTo(output);
    }

    private static JsonElement Document(TimelineSelection selection, string source, int? added, int? skipped)
    {
        var document = new JsonObject
        {
            ["source"] = source,
            ["entriesRead"] = selection.EntriesRead,
            ["entriesSelected"] = selection.EntriesSelected,
            ["entries"] = new JsonArray([.. selection.Items.Select(i => (JsonNode)new JsonObject
            {
                ["at"] = i.At.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
                ["host"] = i.Host,
                ["kind"] = i.Kind,
                ["text"] = i.Text,
                ["key"] = i.Key,
                ["count"] = i.Count,
            })]),
        };
        if (added is not null)
        {
            document["added"] = added;
            document["skipped"] = skipped;
        }
        using var parsed = JsonDocument.Parse(document.ToJsonString());
        return parsed.RootElement.Clone();
    }
}
