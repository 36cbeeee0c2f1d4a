using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Steady.Cli.Output;

namespace Steady.Cli.Commands;

/// <summary>
/// steady import pagerduty|opsgenie|grafana-oncall --from FOLDER: sends the export folder's JSON files (file name →
/// content) to POST /api/v1/import/{source}; --dry-run prints the plan, --to-yaml writes Steady's configuration as
/// code for review (docs/migrating.md).
/// </summary>
internal static class ImportCommands
{
    /// <summary>The sources the command knows; the server says which of them it imports yet.</summary>
    public static readonly string[] Sources = ["pagerduty", "opsgenie", "grafana-oncall"];

    /// <summary>More than any export of a team's on-call set-up; the server takes at most 1 MiB in all.</summary>
    private const long MaxFileBytes = 1024 * 1024;

    public static Command Build(Globals globals)
    {
        var source = new Argument<string>("source") { Description = "Where the export comes from: pagerduty, opsgenie or grafana-oncall" };
        source.AcceptOnlyFromAmong(Sources);
        var from = new Option<string>("--from") { Description = "The export folder: the JSON files as the tool's API returned them (docs/migrating.md)", HelpName = "FOLDER", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Say what would be created and what cannot be carried over, and change nothing" };
        var toYaml = new Option<string>("--to-yaml") { Description = "Write Steady's configuration as code to this file instead of importing ('-' for standard output); apply it with 'steady apply -f'", HelpName = "FILE" };
        var command = new Command("import", "Move in from another on-call tool: people, contact methods, schedules, overrides, escalation policies and services, exactly, all or nothing; importing again changes nothing") { source, from, dryRun, toYaml };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var name = parse.GetRequiredValue(source);
            var folder = Read(parse.GetRequiredValue(from));
            var body = folder.ToJsonString();
            if (parse.GetValue(toYaml) is { Length: > 0 } path)
            {
                var yaml = await session.Api.PostJsonForTextAsync($"import/{name}?format=yaml", body, cancellationToken);
                if (path == "-")
                {
                    await session.Out.WriteAsync(yaml);
                    return;
                }
                try
                {
                    await File.WriteAllTextAsync(path, yaml, cancellationToken);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new CliException($"cannot write {path}: {e.Message}");
                }
                session.Out.WriteLine($"Wrote the configuration to {path}; review it, then run 'steady apply -f {path}'.");
                return;
            }
            var dry = parse.GetValue(dryRun);
            var result = await session.Api.PostJsonAsync($"import/{name}{(dry ? "?dryRun=true" : "")}", body, cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, result);
                return;
            }
            var plan = result.GetProperty("plan");
            ConfigCommands.WriteChanges(session.Out, plan.GetProperty("changes"), dry);
            var notes = result.GetProperty("notes").EnumerateArray().ToList();
            if (notes.Count > 0)
            {
                session.Out.WriteLine();
                session.Out.WriteLine("Not carried over as it is:");
                foreach (var note in notes)
                    session.Out.WriteLine($"- {ConfigCommands.Text(note, "file")}, {ConfigCommands.Text(note, "object")}: {ConfigCommands.Text(note, "why")} {ConfigCommands.Text(note, "instead")}");
            }
            var summary = $"{plan.GetProperty("created").GetInt32()} created, {plan.GetProperty("updated").GetInt32()} updated, {plan.GetProperty("unchanged").GetInt32()} unchanged";
            session.Out.WriteLine(dry ? $"Dry run: {summary}; nothing was changed." : $"{summary}.");
        });
        return command;
    }

    /// <summary>Every .json file under the folder, by its path relative to it (overrides/PABC123.json), as JSON text the server reads.</summary>
    private static JsonObject Read(string folder)
    {
        if (!Directory.Exists(folder))
            throw new CliException($"cannot read {folder}: no such folder");
        var files = new JsonObject();
        try
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                if (new FileInfo(file).Length > MaxFileBytes)
                    throw new CliException($"{file} is larger than 1 MiB; the server takes at most 1 MiB in all");
                // Sent as text: the server reads each file and names one that is not JSON.
                files[Path.GetRelativePath(folder, file).Replace('\\', '/')] = JsonValue.Create(File.ReadAllText(file));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read {folder}: {e.Message}");
        }
        if (files.Count == 0)
            throw new CliException($"{folder} has no .json files; see docs/migrating.md for the export commands");
        return files;
    }
}
