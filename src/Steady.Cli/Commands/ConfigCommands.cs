using System.CommandLine;
using System.Text.Json;
using Steady.Cli.Output;

namespace Steady.Cli.Commands;

/// <summary>steady apply -f FILE and steady export: configuration as code (docs/config-as-code.md).</summary>
internal static class ConfigCommands
{
    public static Command Apply(Globals globals)
    {
        var files = new Option<string[]>("--filename", "-f")
        {
            Description = "A YAML file of documents (teams, users, schedules, escalation policies, services); '-' reads standard input. Repeatable: applied together, in one transaction",
            HelpName = "FILE",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Say what would be created or changed, and change nothing" };
        var command = new Command("apply", "Apply configuration as code: create or update what the file describes, all or nothing; applying it again changes nothing") { files, dryRun };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var texts = new List<string>();
            foreach (var file in parse.GetRequiredValue(files))
                texts.Add(await ReadAsync(file, cancellationToken));
            var yaml = string.Join("\n---\n", texts.Select(t => t.TrimEnd('\n')));
            var dry = parse.GetValue(dryRun);
            var result = await session.Api.PostTextAsync($"config/apply{(dry ? "?dryRun=true" : "")}", yaml, "application/yaml", cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, result);
                return;
            }
            WriteChanges(session.Out, result.GetProperty("changes"), dry);
            var summary = $"{result.GetProperty("created").GetInt32()} created, {result.GetProperty("updated").GetInt32()} updated, {result.GetProperty("unchanged").GetInt32()} unchanged";
            session.Out.WriteLine(dry ? $"Dry run: {summary}; nothing was changed." : $"{summary}.");
        });
        return command;
    }

    public static Command Export(Globals globals)
    {
        var output = new Option<string>("--output", "-o") { Description = "Write to this file instead of standard output", HelpName = "FILE" };
        var secrets = new Option<bool>("--include-secrets") { Description = "Include contact methods' settings (webhook secrets, provider templates) you may see; keep the file safe" };
        var command = new Command("export", "Write the configuration (teams, users, schedules, escalation policies, services) as YAML that 'steady apply -f' reads back") { output, secrets };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var yaml = await session.Api.GetTextAsync($"config/export{(parse.GetValue(secrets) ? "?includeSecrets=true" : "")}", cancellationToken);
            if (parse.GetValue(output) is { Length: > 0 } path)
            {
                try
                {
                    await File.WriteAllTextAsync(path, yaml, cancellationToken);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new CliException($"cannot write {path}: {e.Message}");
                }
                session.Out.WriteLine($"Wrote the configuration to {path}.");
                return;
            }
            await session.Out.WriteAsync(yaml);
        });
        return command;
    }

    private static async Task<string> ReadAsync(string file, CancellationToken cancellationToken)
    {
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

    internal static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    /// <summary>An apply's changes, one row each (what a dry run would do); <c>steady import</c> shows its plan the same way.</summary>
    internal static void WriteChanges(TextWriter output, JsonElement changes, bool dry)
    {
        var table = new Table("Kind", "Name", "Result", "Changed").Limit(1, 40).Limit(3, 60);
        foreach (var change in changes.EnumerateArray())
        {
            var action = change.GetProperty("action").GetString()!;
            table.Add(
                change.GetProperty("kind").GetString()!,
                change.GetProperty("name").GetString()!,
                dry && action != "unchanged" ? $"would be {action}" : action,
                string.Join(", ", change.GetProperty("fields").EnumerateArray().Select(f => f.GetString())) is { Length: > 0 } fields ? fields : "-");
        }
        table.WriteTo(output);
    }
}
