using Steady.Host.Model;

namespace Steady.Host.Findings;

/// <summary>Memory, CPU and I/O.</summary>
public static partial class FindingRules
{
    private static void Memory(Snapshot s, Thresholds t, List<Finding> findings)
    {
        var m = s.Memory;
        var kernel = s.KernelLog;
        var recentKills = kernel?.OomKills.Where(k => kernel.RecentSince is { } since && k.At >= since).ToList() ?? [];
        var killsInWindow = m?.OomKills?.InWindow ?? 0;
        var recentCount = Math.Max(recentKills.Count, killsInWindow);
        string? oom = null;
        var oomEvidence = new List<string>();
        if (recentCount > 0)
        {
            var minutes = kernel?.RecentSince is { } since ? Math.Round((s.TakenAt - since).TotalMinutes) : 0;
            oom = $"{Plural(recentCount, "OOM kill")} in the last {(minutes > 0 ? $"{minutes:0} minutes" : $"{s.IntervalSeconds:0.#} s")}";
            if (recentKills.Count > 0)
                oom += $", last victim {recentKills[0].Process} (pid {recentKills[0].Pid}{(recentKills[0].AnonRssBytes is { } rss ? $", {Size.Human(rss)}" : "")})";
            oomEvidence.AddRange(recentKills.Take(3).Select(k => $"kernel: Killed process {k.Pid} ({k.Process}) {(k.At is { } at ? Size.Ago(s.TakenAt - at) : "")}".TrimEnd()));
            if (m?.OomKills is { } counter)
                oomEvidence.Add($"/proc/vmstat oom_kill: {counter.SinceBoot} since boot, {counter.InWindow ?? 0} in the interval");
        }

        var pressure = s.Pressure?.Memory;
        if (pressure?.Some is { } some && some.Avg10 >= t.MemoryPressurePercent)
        {
            var full = pressure.Full?.Avg10 ?? 0;
            var text = $"memory pressure: tasks stalled on memory {Size.Percent(some.Avg10)} of the last 10 s{(full > 0 ? $" ({Size.Percent(full)} with nothing running)" : "")}";
            if (oom is not null)
                text += $"; {oom}";
            var evidence = new List<string> { $"/proc/pressure/memory: some avg10={some.Avg10} avg60={some.Avg60}, full avg10={full}" };
            evidence.AddRange(oomEvidence);
            findings.Add(new Finding(oom is not null || full >= t.MemoryPressurePercent ? Finding.Critical : Finding.Warning, "memory", text, evidence));
        }
        else if (oom is not null)
        {
            findings.Add(new Finding(Finding.Critical, "memory", oom, oomEvidence));
        }
        else if (m?.OomKills is { SinceBoot: > 0 } earlier)
        {
            var last = kernel?.OomKills.FirstOrDefault();
            findings.Add(new Finding(Finding.Info, "memory",
                $"{Plural(earlier.SinceBoot, "OOM kill")} since boot{(last is null ? "" : $"; the last {(last.At is { } at ? Size.Ago(s.TakenAt - at) + " " : "")}killed {last.Process} (pid {last.Pid})")}",
                [$"/proc/vmstat oom_kill: {earlier.SinceBoot}"]));
        }
        if (m is null)
            return;

        if (m.AvailablePercent <= t.MemoryAvailablePercent)
        {
            findings.Add(new Finding(m.AvailablePercent <= t.MemoryAvailablePercent / 2 ? Finding.Critical : Finding.Warning, "memory",
                $"memory is low: {Size.Human(m.AvailableBytes)} available of {Size.Human(m.TotalBytes)} ({Size.Percent(m.AvailablePercent)}){(m.SwapTotalBytes > 0 ? $"; swap {Size.Human(m.SwapUsedBytes)} used of {Size.Human(m.SwapTotalBytes)}" : "; no swap")}",
                [.. TopMemory(s)]));
        }
        var swapping = (m.SwapInBytesPerSecond ?? 0) + (m.SwapOutBytesPerSecond ?? 0);
        if (swapping >= t.SwapStormBytesPerSecond)
        {
            findings.Add(new Finding(Finding.Critical, "memory",
                $"swap storm: {Size.Human(m.SwapInBytesPerSecond ?? 0)}/s swapped in and {Size.Human(m.SwapOutBytesPerSecond ?? 0)}/s out; the working set does not fit in memory",
                [$"/proc/vmstat pswpin/pswpout over {s.IntervalSeconds:0.#} s", .. TopMemory(s)]));
        }
        else if (m.SwapTotalBytes > 0 && 100.0 * m.SwapUsedBytes / m.SwapTotalBytes >= t.SwapUsedPercent)
        {
            findings.Add(new Finding(Finding.Warning, "memory",
                $"swap is {Size.Percent(100.0 * m.SwapUsedBytes / m.SwapTotalBytes)} used ({Size.Human(m.SwapUsedBytes)} of {Size.Human(m.SwapTotalBytes)})",
                [.. TopMemory(s)]));
        }
        if (m.PagesScannedDirectPerSecond is { } direct && direct >= t.DirectScanPagesPerSecond)
        {
            findings.Add(new Finding(Finding.Warning, "memory",
                $"direct reclaim: allocations are stalling to free memory ({Size.Count(direct)} pages/s scanned in the allocation path)",
                [$"/proc/vmstat pgscan_direct over {s.IntervalSeconds:0.#} s; kswapd scanned {Size.Count(m.PagesScannedKswapdPerSecond ?? 0)} pages/s"]));
        }
    }

    private static IEnumerable<string> TopMemory(Snapshot s) =>
        (s.Processes?.TopByMemory ?? []).Take(3).Select(p => $"{Pid(p.Pid, p.Name)}: {Size.Human(p.RssBytes)} resident{(p.SwapBytes is > 0 ? $", {Size.Human(p.SwapBytes.Value)} swapped" : "")}");

    private static IEnumerable<string> TopCpu(Snapshot s) =>
        (s.Processes?.TopByCpu ?? []).Take(3).Select(p => $"{Pid(p.Pid, p.Name)}: {p.CpuPercent:0.#}% CPU");

    private static void Cpu(Snapshot s, Thresholds t, List<Finding> findings)
    {
        if (s.Cpu is not { } c)
            return;
        var total = c.Total;
        if (total.BusyPercent is { } busy && busy >= t.CpuBusyPercent)
        {
            findings.Add(new Finding(Finding.Warning, "cpu",
                $"CPU is {Size.Percent(busy)} busy on {Plural(c.Cpus, "CPU")} (user {Size.Percent(total.UserPercent ?? 0)}, system {Size.Percent(total.SystemPercent ?? 0)})",
                [$"/proc/stat over {s.IntervalSeconds:0.#} s", .. TopCpu(s)]));
        }
        var cpuPressure = s.Pressure?.Cpu?.Some;
        var crowded = c.ProcsRunning > t.RunQueuePerCpu * c.Cpus || c.Load1 > t.RunQueuePerCpu * c.Cpus;
        if (crowded)
        {
            findings.Add(new Finding(Finding.Warning, "cpu",
                $"run queue: {c.ProcsRunning} runnable tasks on {Plural(c.Cpus, "CPU")}, load {c.Load1:0.##} {c.Load5:0.##} {c.Load15:0.##}{(cpuPressure is { } p && p.Avg10 >= t.CpuPressurePercent ? $"; tasks waited for a CPU {Size.Percent(p.Avg10)} of the last 10 s" : "")}",
                [$"/proc/stat procs_running {c.ProcsRunning}; /proc/loadavg {c.Load1} {c.Load5} {c.Load15}", .. TopCpu(s)]));
        }
        else if (cpuPressure is { } p && p.Avg10 >= t.CpuPressurePercent)
        {
            findings.Add(new Finding(Finding.Warning, "cpu",
                $"CPU pressure: runnable tasks waited for a CPU {Size.Percent(p.Avg10)} of the last 10 s",
                [$"/proc/pressure/cpu: some avg10={p.Avg10} avg60={p.Avg60}", .. TopCpu(s)]));
        }
        if (total.IowaitPercent is { } iowait && iowait >= t.IowaitPercent)
        {
            findings.Add(new Finding(Finding.Warning, "cpu", $"CPUs sat idle waiting on I/O {Size.Percent(iowait)} of the interval (iowait)", [.. Disks(s)]));
        }
        if (total.StealPercent is { } steal && steal >= t.StealPercent)
        {
            findings.Add(new Finding(Finding.Warning, "cpu", $"the hypervisor took {Size.Percent(steal)} of CPU time (steal): a noisy neighbour or an undersized VM", [$"/proc/stat steal over {s.IntervalSeconds:0.#} s"]));
        }
        var blocked = s.Processes?.Blocked ?? [];
        var blockedCount = Math.Max(c.ProcsBlocked, blocked.Count);
        if (blockedCount >= t.BlockedTasks)
        {
            var named = blocked.Take(3).Select(p => $"{Pid(p.Pid, p.Name)}{(p.Wchan is null ? "" : $" in {p.Wchan}")}").ToList();
            findings.Add(new Finding(Finding.Warning, "cpu",
                $"{Plural(blockedCount, "task")} in uninterruptible sleep (D), waiting on the kernel{(named.Count > 0 ? ": " + string.Join(", ", named) : "")}",
                [$"/proc/stat procs_blocked {c.ProcsBlocked}", .. blocked.Take(5).Select(p => $"{Pid(p.Pid, p.Name)} state D, wchan {p.Wchan ?? "?"}")]));
        }
    }

    private static IEnumerable<string> Disks(Snapshot s) =>
        (s.Disks ?? []).Where(d => d.UtilPercent > 0).Take(3).Select(d => $"{d.Name}: {d.UtilPercent:0.#}% busy, await {d.AwaitMs?.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) ?? "-"} ms, queue {d.QueueDepth:0.##}");

    private static void Io(Snapshot s, Thresholds t, List<Finding> findings)
    {
        if (s.Pressure?.Io?.Some is { } some && some.Avg10 >= t.IoPressurePercent)
        {
            findings.Add(new Finding(some.Avg10 >= 2 * t.IoPressurePercent ? Finding.Critical : Finding.Warning, "io",
                $"I/O pressure: tasks stalled on I/O {Size.Percent(some.Avg10)} of the last 10 s",
                [$"/proc/pressure/io: some avg10={some.Avg10} avg60={some.Avg60}, full avg10={s.Pressure.Io.Full?.Avg10 ?? 0}", .. Disks(s)]));
        }
        foreach (var disk in s.Disks ?? [])
        {
            var rates = $"{Size.Number(disk.ReadsPerSecond ?? 0)} reads/s, {Size.Number(disk.WritesPerSecond ?? 0)} writes/s";
            if (disk.UtilPercent is { } util && util >= t.DiskBusyPercent)
            {
                findings.Add(new Finding(Finding.Warning, "io",
                    $"disk {disk.Name} is {Size.Percent(util)} busy (queue {disk.QueueDepth:0.#}, await {disk.AwaitMs:0.#} ms, {rates})",
                    [$"/proc/diskstats over {s.IntervalSeconds:0.#} s"]));
            }
            else if (disk.AwaitMs is { } await && await >= t.DiskAwaitMs)
            {
                findings.Add(new Finding(Finding.Warning, "io",
                    $"disk {disk.Name} answers slowly: {await:0} ms per request on average ({rates})",
                    [$"/proc/diskstats over {s.IntervalSeconds:0.#} s"]));
            }
        }
    }

    private static void ProcessLimits(Snapshot s, Thresholds t, List<Finding> findings)
    {
        if (s.Processes is not { } p)
            return;
        foreach (var process in p.TopByFds)
        {
            if (process is { Fds: { } fds, FdLimit: { } limit } && limit > 0 && 100.0 * fds / limit >= t.FdUsePercent)
            {
                findings.Add(new Finding(fds >= limit - 1 ? Finding.Critical : Finding.Warning, "processes",
                    $"{Pid(process.Pid, process.Name)} has {Size.Count(fds)} of its {Size.Count(limit)} file descriptors open ({Size.Percent(100.0 * fds / limit)}): it will soon fail to open files and sockets",
                    [$"/proc/{process.Pid}/fd: {fds} entries; /proc/{process.Pid}/limits Max open files {limit}"]));
            }
        }
        if (p.FileHandles is { Max: > 0 } handles && 100.0 * handles.Allocated / handles.Max >= t.FdUsePercent)
        {
            findings.Add(new Finding(Finding.Critical, "processes",
                $"the system has {Size.Count(handles.Allocated)} of its {Size.Count(handles.Max)} file handles open (fs.file-max)",
                ["/proc/sys/fs/file-nr"]));
        }
        if (p.States.TryGetValue("zombie", out var zombies) && zombies >= t.Zombies)
        {
            findings.Add(new Finding(Finding.Info, "processes", $"{Plural(zombies, "zombie process", "zombie processes")}: a parent is not reaping its children", ["/proc/PID/stat state Z"]));
        }
    }

    internal static string Plural(long count, string one, string? many = null) => $"{Size.Count(count)} {(count == 1 ? one : many ?? one + "s")}";
}
