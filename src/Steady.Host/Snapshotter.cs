using Steady.Host.Collect;
using Steady.Host.Findings;
using Steady.Host.Model;

namespace Steady.Host;

/// <summary>
/// Takes a snapshot of a host: one sample of the counters; the interval, during which the one-time
/// reads run (open files, filesystems, sockets, units, packages, kernel log); a second sample; then
/// the findings. Each step runs within its budget. Nothing is spawned except systemctl (see
/// <see cref="SystemdCollector"/>).
/// </summary>
public sealed class Snapshotter(SnapshotOptions options)
{
    public Snapshotter()
        : this(new SnapshotOptions())
    {
    }

    public static Task<Snapshot> TakeAsync(SnapshotOptions options, CancellationToken cancellationToken = default) =>
        new Snapshotter(options).TakeAsync(cancellationToken);

    public async Task<Snapshot> TakeAsync(CancellationToken cancellationToken = default)
    {
        var time = options.Time;
        var files = options.Files;
        var started = time.GetTimestamp();
        var takenAt = time.GetUtcNow();
        var steps = new StepRunner(time, name => options.Budgets.TryGetValue(name, out var budget) ? budget : options.DefaultBudget);

        var before = await SampleAsync(steps, cancellationToken);
        var wait = options.Wait ?? ((interval, token) => Task.Delay(interval, time, token));
        var interval = wait(options.Interval, cancellationToken);

        // The one-time reads run inside the interval, so a snapshot takes about the interval plus
        // two samples. Their CPU is this process's, which is taken out of the host's total below.
        var systemctl = options.Systemctl ?? (files.Root == "/" ? SystemdCollector.RunSystemctl : null);
        var systemd = steps.RunAsync(Steps.Systemd, budget => SystemdCollector.Collect(files, systemctl, budget), cancellationToken);
        var now = time.GetUtcNow();
        var bootedAt = before.Cpu?.BootTime is { } btime ? DateTimeOffset.FromUnixTimeSeconds(btime) : (DateTimeOffset?)null;
        var procsBefore = before.Processes ?? [];
        var openFiles = await steps.RunAsync(Steps.OpenFiles, budget => OpenFilesCollector.Scan(files, procsBefore.Values, budget), cancellationToken);
        var storage = await steps.RunAsync(Steps.Filesystems, budget => Storage(files, openFiles, procsBefore, now, budget), cancellationToken);
        var sockets = await steps.RunAsync(Steps.Sockets, budget => SocketCollector.Collect(files, openFiles?.SocketOwners ?? [], procsBefore, options.Sockets, budget), cancellationToken);
        var packages = await steps.RunAsync(Steps.Packages, _ => PackageCollector.Collect(files, now, options.LogTimeZone, options.PackageWindowDays, 20), cancellationToken);
        var kernelLog = await steps.RunAsync(Steps.KernelLog, budget => KernelLogCollector.Collect(files, bootedAt, now, options.KernelRecent, budget), cancellationToken);
        var journal = await steps.RunAsync(Steps.Journal, budget => JournalCollector.Collect(files, options.Journal, now, options.JournalWindow, 20, budget), cancellationToken);
        var host = await steps.RunAsync(Steps.Host, _ => HostInfo(files, bootedAt, before.Cpu), cancellationToken);
        await interval;

        var after = await SampleAsync(steps, cancellationToken);
        var seconds = options.Interval > TimeSpan.Zero ? time.GetElapsedTime(before.At, after.At).TotalSeconds : 0;
        var procsAfter = after.Processes ?? procsBefore;
        var self = SelfTicks(procsBefore, procsAfter);
        var cpu = before.Cpu is { } cpuA && after.Cpu is { } cpuB
            ? await steps.RunAsync(Steps.Cpu, _ => CpuCollector.Report(cpuA, cpuB, seconds, files.ReadText("proc/loadavg"), self), cancellationToken)
            : null;
        var memory = before.VmStat is { } vmA && after.VmStat is { } vmB
            ? await steps.RunAsync(Steps.Memory, _ => MemoryCollector.Report(files.ReadText("proc/meminfo"), vmA, vmB, seconds, options.PageSize), cancellationToken)
            : null;
        var pressure = after.PressureRead ? PressureCollector.Report(before.Pressure, after.Pressure, seconds, after.PressureReason) : null;
        var disks = before.Disks is { } dA && after.Disks is { } dB
            ? DiskCollector.Report(dA, dB, seconds, WholeDisks(files))
            : null;
        var network = before.Network is { } nA && after.Network is { } nB
            ? await steps.RunAsync(Steps.Network, _ => NetworkCollector.Report(files, nA, nB, seconds), cancellationToken)
            : null;
        var processes = after.Processes is null ? null : await steps.RunAsync(Steps.Processes, budget => ProcessCollector.Report(
            new ProcessInputs(files, procsBefore, procsAfter, seconds, options.TicksPerSecond, options.PageSize, options.TopProcesses, options.SelfPid, openFiles?.FdCounts), budget), cancellationToken);
        var units = await systemd;

        var snapshot = new Snapshot
        {
            Host = host ?? new HostReport("?", null, null, bootedAt, null, cpu?.Cpus ?? 0, files.Root),
            TakenAt = takenAt,
            IntervalSeconds = Math.Round(seconds, 3),
            Steps = steps.Reports,
            Cpu = cpu,
            Memory = memory,
            Pressure = pressure,
            Disks = disks,
            Filesystems = storage?.Filesystems,
            Processes = processes,
            DeletedFiles = storage?.Deleted,
            Sockets = sockets,
            Network = network,
            Systemd = units,
            Packages = packages,
            KernelLog = kernelLog,
            Journal = journal ?? JournalReport.Missing("the journal step failed or did not finish in time; see steps"),
        };
        return snapshot with
        {
            Findings = FindingRules.From(snapshot, options.Thresholds),
            ElapsedSeconds = Math.Round(time.GetElapsedTime(started).TotalSeconds, 3),
        };
    }

    /// <summary>This process's own user and system ticks between the samples: its reading is not the host's load.</summary>
    private CpuTicks SelfTicks(IReadOnlyDictionary<int, ProcStat> before, IReadOnlyDictionary<int, ProcStat> after) =>
        before.TryGetValue(options.SelfPid, out var a) && after.TryGetValue(options.SelfPid, out var b) && a.StartTicks == b.StartTicks
            ? new CpuTicks(Math.Max(0, b.UserTicks - a.UserTicks), Math.Max(0, b.SystemTicks - a.SystemTicks))
            : CpuTicks.None;

    /// <summary>One sample of every counter that is read twice.</summary>
    private sealed record Sample(
        long At,
        CpuSample? Cpu,
        Dictionary<string, long>? VmStat,
        bool PressureRead,
        Dictionary<string, string>? Pressure,
        string? PressureReason,
        Dictionary<string, DiskCollector.DiskCounters>? Disks,
        NetworkCollector.Sample? Network,
        Dictionary<int, ProcStat>? Processes);

    private async Task<Sample> SampleAsync(StepRunner steps, CancellationToken cancellationToken)
    {
        var files = options.Files;
        var at = options.Time.GetTimestamp();
        var cpu = await steps.RunAsync(Steps.Cpu, _ => files.ReadText("proc/stat") is { } text ? CpuCollector.Parse(text) : throw new IOException("cannot read /proc/stat"), cancellationToken);
        var vmstat = await steps.RunAsync(Steps.Memory, _ => ProcText.NameValues(files.ReadText("proc/vmstat")), cancellationToken);
        string? reason = null;
        var pressureRead = false;
        var pressure = await steps.RunAsync(Steps.Pressure, _ =>
        {
            var texts = PressureCollector.Sample(files, out reason);
            pressureRead = true;
            return texts;
        }, cancellationToken);
        var disks = await steps.RunAsync(Steps.Disks, _ => DiskCollector.Parse(files.ReadText("proc/diskstats")), cancellationToken);
        var network = await steps.RunAsync(Steps.Network, _ => NetworkCollector.Take(files), cancellationToken);
        var processes = await steps.RunAsync(Steps.ProcessSample, budget => ProcessCollector.Sample(files, budget), cancellationToken);
        return new Sample(at, cpu, vmstat, pressureRead, pressure, reason, disks, network, processes);
    }

    private sealed record StorageResult(FilesystemsReport Filesystems, DeletedFilesReport? Deleted);

    private StorageResult Storage(IHostFiles files, OpenFiles? openFiles, IReadOnlyDictionary<int, ProcStat> processes, DateTimeOffset now, StepBudget budget)
    {
        var visible = FilesystemCollector.Visible(FilesystemCollector.ParseMountInfo(files.ReadText("proc/self/mountinfo")));
        var mountByDevice = visible.ToDictionary(m => m.Device, m => m.MountPoint, StringComparer.Ordinal);
        var deleted = openFiles is null ? null : OpenFilesCollector.Report(openFiles.Deleted, processes, mountByDevice, options.TopDeletedFiles);
        var heldByMount = deleted?.ByFilesystem.ToDictionary(f => f.MountPoint, f => f.Bytes, StringComparer.Ordinal) ?? [];
        var mounts = FilesystemCollector.Collect(files, visible, heldByMount, options.FilesystemHistory, now, budget);
        return new StorageResult(new FilesystemsReport(mounts, visible.Count == 0 ? "no filesystems in /proc/self/mountinfo" : null), deleted);
    }

    private static HashSet<string>? WholeDisks(IHostFiles files)
    {
        var names = files.List("sys/block");
        return names.Count == 0 ? null : new HashSet<string>(names, StringComparer.Ordinal);
    }

    private static HostReport HostInfo(IHostFiles files, DateTimeOffset? bootedAt, CpuSample? cpu)
    {
        var osRelease = ProcText.Lines(files.ReadText("etc/os-release"))
            .FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"');
        var uptime = ProcText.Words(files.ReadText("proc/uptime") ?? "");
        return new HostReport(
            Hostname: files.ReadText("proc/sys/kernel/hostname")?.Trim() ?? "?",
            Os: osRelease,
            Kernel: files.ReadText("proc/sys/kernel/osrelease")?.Trim(),
            BootedAt: bootedAt,
            UptimeSeconds: uptime.Length > 0 ? ProcText.Double(uptime[0]) : null,
            Cpus: cpu is null ? Environment.ProcessorCount : Math.Max(1, cpu.Cpus.Count - 1),
            Root: files.Root);
    }
}
