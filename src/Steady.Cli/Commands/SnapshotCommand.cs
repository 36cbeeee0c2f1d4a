using System.CommandLine;
using System.Text.Json;
using Steady.Cli.Output;
using Steady.Host;
using Steady.Host.Model;

namespace Steady.Cli.Commands;

/// <summary>
/// steady snapshot: the host's state now, read in-process from /proc and /sys, findings first.
/// Needs no server and no token, unless --incident attaches it to an incident as evidence.
/// </summary>
internal static class SnapshotCommand
{
    public static Command Build(Globals globals)
    {
        var root = new Option<string>("--root")
        {
            Description = "Read /proc, /sys, /run, /etc and /var/log under this directory instead of / (a captured host tree)",
            HelpName = "PATH",
        };
        var interval = new Option<double>("--interval")
        {
            Description = "Seconds between the two samples that rates and utilisation are computed over (default 1)",
            HelpName = "SECONDS",
            DefaultValueFactory = _ => 1,
        };
        var incident = IncidentNumber.Option("Also attach the snapshot to this incident (42 or INC-42) as evidence: its findings go on the timeline (needs the server and a token)");
        var command = new Command("snapshot", "Capture this Linux host as a responder needs it: findings first (full disks, deleted files holding space, memory pressure and OOM kills, run queue, busy disks, CLOSE_WAIT piles, NIC errors, failed units, recent package changes), then the data. Reads /proc and /sys in-process; no server or token needed")
        {
            root,
            interval,
            incident,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var context = globals.Context;
            var seconds = parse.GetValue(interval);
            if (seconds is < 0 or > 60 || double.IsNaN(seconds))
                throw new CliException("--interval must be between 0 and 60 seconds; see 'steady snapshot --help'", ExitCodes.Usage);
            var rootPath = parse.GetValue(root) ?? "/";
            if (!Directory.Exists(rootPath))
                throw new CliException($"--root {rootPath} is not a directory", ExitCodes.Usage);
            var files = new HostFiles(rootPath);
            if (files.ReadText("proc/stat") is null)
            {
                throw new CliException(files.Root == "/"
                    ? "cannot read /proc/stat: 'steady snapshot' reads a Linux host's /proc"
                    : $"cannot read proc/stat under {files.Root}: it is not a captured host tree");
            }

            // With --incident, the server and token are checked before the host is read, not after.
            var number = parse.GetValue(incident);
            using var session = number is null ? null : globals.Open(parse);

            // Growth is measured against the last snapshot of this host, kept beside the config.
            var historyPath = files.Root == "/" ? SnapshotHistory.PathFor(context.Environment) : null;
            var snapshot = await Snapshotter.TakeAsync(new SnapshotOptions
            {
                Files = files,
                Interval = TimeSpan.FromSeconds(seconds),
                FilesystemHistory = historyPath is null ? null : SnapshotHistory.Baseline(SnapshotHistory.Load(historyPath), context.Time.GetUtcNow()),
            }, cancellationToken);
            if (historyPath is not null)
                SnapshotHistory.Save(historyPath, snapshot);

            var json = JsonSerializer.Serialize(snapshot, SnapshotJsonOutput.Snapshot);
            if (parse.GetValue(globals.Json))
                context.Out.WriteLine(json);
            else
                SnapshotView.Write(context.Out, snapshot, TimeZoneInfo.Local);
            if (session is not null && number is { } n)
            {
                var stored = await session.Api.PostJsonAsync($"incidents/{n}/evidence", json, cancellationToken);
                var id = stored.ValueKind == JsonValueKind.Object && stored.TryGetProperty("id", out var value) ? value.ToString() : null;
                var findings = stored.ValueKind == JsonValueKind.Object && stored.TryGetProperty("findings", out var f) && f.TryGetInt32(out var count) ? count : snapshot.Findings.Count;
                if (!parse.GetValue(globals.Json))
                {
                    context.Out.WriteLine();
                    context.Out.WriteLine($"Attached to INC-{n} as evidence{(id is null ? "" : $" {Table.Clean(id)}")}: {(findings == 1 ? "1 finding" : $"{findings} findings")} on its timeline.");
                }
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}

/// <summary>
/// Where `steady snapshot` remembers what the filesystems held, to tell growth: the last snapshots
/// of this host (at most a week, at most 50), each compared against one at least five minutes older.
/// </summary>
internal static class SnapshotHistory
{
    public static readonly TimeSpan MinimumAge = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan Kept = TimeSpan.FromDays(7);
    public const int MaxKept = 50;

    /// <summary>$XDG_STATE_HOME/steady/snapshot-filesystems.json, else ~/.local/state/steady/...; null with no home.</summary>
    public static string? PathFor(IReadOnlyDictionary<string, string?> env)
    {
        if (env.GetValueOrDefault("XDG_STATE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg))
            return Path.Combine(xdg, "steady", "snapshot-filesystems.json");
        return env.GetValueOrDefault("HOME") is { Length: > 0 } home
            ? Path.Combine(home, ".local", "state", "steady", "snapshot-filesystems.json")
            : null;
    }

    public static List<FilesystemHistory> Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), SnapshotJson.Default.ListFilesystemHistory) ?? [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            // No earlier snapshot, or one we cannot read: no growth this time, not an error.
            return [];
        }
    }

    /// <summary>The newest earlier snapshot old enough for its growth to mean something.</summary>
    public static FilesystemHistory? Baseline(List<FilesystemHistory> history, DateTimeOffset now) =>
        history.Where(h => h.TakenAt <= now - MinimumAge).MaxBy(h => h.TakenAt);

    /// <summary>Best effort: a host with a read-only home still gets its snapshot.</summary>
    public static void Save(string path, Snapshot snapshot)
    {
        if (snapshot.Filesystems is null)
            return;
        var current = new FilesystemHistory(snapshot.TakenAt, [.. snapshot.Filesystems.Mounts
            .Where(m => m.UsedBytes is not null)
            .Select(m => new FilesystemUsage(m.MountPoint, m.UsedBytes!.Value))]);
        List<FilesystemHistory> history = [.. Load(path).Where(h => h.TakenAt >= snapshot.TakenAt - Kept && h.TakenAt < snapshot.TakenAt).Append(current)
            .OrderByDescending(h => h.TakenAt).Take(MaxKept)];
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temporary = $"{path}.{Environment.ProcessId}.tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(history, SnapshotJson.Default.ListFilesystemHistory));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
