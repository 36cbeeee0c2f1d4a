using Steady.Host.Model;

namespace Steady.Host.Findings;

/// <summary>
/// From a snapshot to what a responder should know first: a pure function, no I/O and no clock
/// (times are relative to the snapshot's own). Findings come most severe first and, within a
/// severity, in the order to stabilize: space, memory, CPU, I/O, network, then what changed.
/// </summary>
public static partial class FindingRules
{
    public static IReadOnlyList<Finding> From(Snapshot snapshot, Thresholds thresholds)
    {
        var findings = new List<Finding>();
        Storage(snapshot, thresholds, findings);
        Memory(snapshot, thresholds, findings);
        Cpu(snapshot, thresholds, findings);
        Io(snapshot, thresholds, findings);
        ProcessLimits(snapshot, thresholds, findings);
        Sockets(snapshot, thresholds, findings);
        Interfaces(snapshot, thresholds, findings);
        Units(snapshot, findings);
        ServiceActivity(snapshot, findings);
        Packages(snapshot, thresholds, findings);
        Kernel(snapshot, findings);
        Completeness(snapshot, findings);
        return [.. findings.OrderBy(f => Rank(f.Severity))];
    }

    private static int Rank(string severity) => severity switch
    {
        Finding.Critical => 0,
        Finding.Warning => 1,
        _ => 2,
    };

    private static void Storage(Snapshot s, Thresholds t, List<Finding> findings)
    {
        var mentioned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fs in s.Filesystems?.Mounts ?? [])
        {
            if (fs.ReadOnly || fs.SizeBytes is not { } size || fs.UsedBytes is not { } used || fs.AvailableBytes is not { } available)
                continue;
            var holders = Holders(s, fs.MountPoint);
            if (fs.UsedPercent is { } percent && percent >= t.FilesystemWarningPercent)
            {
                var text = $"{fs.MountPoint} is {Size.Percent(percent)} full ({Size.Human(used)} used of {Size.Human(size)}, {Size.Human(available)} free)";
                var evidence = new List<string> { $"statvfs {fs.MountPoint} ({fs.Source}, {fs.Type}): {Size.Human(used)} used, {Size.Human(available)} available" };
                if (fs.DeletedOpenBytes > 0 && (fs.DeletedOpenBytes >= t.DeletedHeldBytes || fs.DeletedOpenBytes >= size / 100))
                {
                    text += $"; {Size.Human(fs.DeletedOpenBytes)} is held by deleted files still open in {Describe(holders)}";
                    evidence.AddRange(HeldEvidence(s, fs.MountPoint));
                    mentioned.Add(fs.MountPoint);
                }
                if (fs.Growth is { BytesPerHour: > 0 } growth)
                    text += $"; it grew {Size.Human(growth.UsedBytesChange)} since the snapshot {Size.Ago(s.TakenAt - growth.Since)}";
                findings.Add(new Finding(percent >= t.FilesystemCriticalPercent ? Finding.Critical : Finding.Warning, "filesystem", text, evidence));
            }
            else if (fs.Growth is { BytesPerHour: > 0, HoursUntilFull: { } hours } filling && hours <= t.FillsWithinHours)
            {
                findings.Add(new Finding(Finding.Warning, "filesystem",
                    $"{fs.MountPoint} is filling: {Size.Human(filling.UsedBytesChange)} more used than {Size.Ago(s.TakenAt - filling.Since)}; at {Size.Human(filling.BytesPerHour)}/h it is full in about {Size.Duration(TimeSpan.FromHours(hours))}",
                    [$"statvfs {fs.MountPoint}: {Size.Human(used)} used, {Size.Human(available)} available; earlier snapshot at {filling.Since:u}"]));
            }
            if (fs.InodesUsedPercent is { } inodes && inodes >= t.InodesWarningPercent)
            {
                findings.Add(new Finding(inodes >= t.FilesystemCriticalPercent ? Finding.Critical : Finding.Warning, "filesystem",
                    $"{fs.MountPoint} has used {Size.Percent(inodes)} of its inodes ({Size.Count(fs.InodesUsed ?? 0)} of {Size.Count(fs.Inodes ?? 0)}): many small files; new files will fail even with space free",
                    [$"statvfs {fs.MountPoint}: {Size.Count(fs.Inodes!.Value - fs.InodesUsed!.Value)} inodes free"]));
            }
        }
        // What one process holds past the threshold is a finding of its own: restarting (or telling
        // it to reopen its logs) is what frees the space.
        foreach (var holder in (s.DeletedFiles?.ByProcess ?? []).Where(h => h.Bytes >= t.DeletedHeldBytes && h.MountPoint is not null && !mentioned.Contains(h.MountPoint)).Take(5))
        {
            findings.Add(new Finding(Finding.Warning, "filesystem",
                $"{Size.Human(holder.Bytes)} on {holder.MountPoint} is held by deleted files still open in {Pid(holder.Pid, holder.Process)}; the space returns when it closes them (restart it, or have it reopen its logs)",
                HeldEvidence(s, holder.MountPoint!, holder.Pid)));
        }
    }

    /// <summary>The processes holding deleted files on a filesystem, largest first.</summary>
    private static List<(int Pid, string Name)> Holders(Snapshot s, string mountPoint) =>
        [.. (s.DeletedFiles?.ByProcess ?? [])
            .Where(h => h.MountPoint == mountPoint)
            .OrderByDescending(h => h.Bytes)
            .Select(h => (h.Pid, h.Process))];

    private static List<string> HeldEvidence(Snapshot s, string mountPoint, int? pid = null) =>
        [.. (s.DeletedFiles?.Files ?? [])
            .Where(f => f.MountPoint == mountPoint && (pid is null || f.Pid == pid))
            .Take(3)
            .Select(f => $"/proc/{f.Pid}/fd/{f.Fd} ({f.Process}) → {f.Path} (deleted), {Size.Human(f.SizeBytes)}")];

    /// <summary>"pid 812 (java)", "pid 812 (java) and pid 90 (nginx)", "pid 812 (java) and 3 other processes".</summary>
    internal static string Describe(IReadOnlyList<(int Pid, string Name)> processes) => processes.Count switch
    {
        0 => "some process",
        1 => Pid(processes[0].Pid, processes[0].Name),
        2 => $"{Pid(processes[0].Pid, processes[0].Name)} and {Pid(processes[1].Pid, processes[1].Name)}",
        _ => $"{Pid(processes[0].Pid, processes[0].Name)} and {processes.Count - 1} other processes",
    };

    internal static string Pid(int pid, string name) => $"pid {pid} ({name})";

    private static string Owners(IReadOnlyList<SocketOwner> owners) =>
        owners.Count == 0 ? "owner unknown" : Describe([.. owners.Select(o => (o.Pid, o.Process))]);

    private static void Completeness(Snapshot s, List<Finding> findings)
    {
        foreach (var step in s.Steps.Where(step => step.Status != StepReport.Complete))
        {
            findings.Add(new Finding(Finding.Info, "snapshot",
                $"the {step.Name} step is {step.Status}: {step.Note ?? "no details"}",
                [$"budget {step.BudgetMs:0} ms, took {step.ElapsedMs:0} ms"]));
        }
    }
}
