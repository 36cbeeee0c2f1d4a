using Steady.Host.Model;

namespace Steady.Host.Collect;

/// <summary>Memory from /proc/meminfo now, paging and OOM kills from two /proc/vmstat samples.</summary>
internal static class MemoryCollector
{
    public static MemoryReport Report(string? meminfo, Dictionary<string, long> before, Dictionary<string, long> after, double seconds, long pageSize)
    {
        var m = ProcText.Colon(meminfo);
        long M(string name) => m.TryGetValue(name, out var v) ? v : 0;
        var total = M("MemTotal");
        // MemAvailable exists since Linux 3.14; before it, free + cache is the usual estimate.
        var available = m.TryGetValue("MemAvailable", out var a) ? a : M("MemFree") + M("Cached") + M("Buffers");
        double? PagesRate(Func<Dictionary<string, long>, long> pick) => ProcText.Rate(pick(before), pick(after), seconds);
        return new MemoryReport(
            TotalBytes: total,
            AvailableBytes: available,
            AvailablePercent: ProcText.Percent(available, total),
            FreeBytes: M("MemFree"),
            CachedBytes: M("Cached"),
            BuffersBytes: M("Buffers"),
            ShmemBytes: M("Shmem"),
            DirtyBytes: M("Dirty"),
            SlabUnreclaimableBytes: M("SUnreclaim"),
            CommittedBytes: M("Committed_AS"),
            CommitLimitBytes: M("CommitLimit"),
            SwapTotalBytes: M("SwapTotal"),
            SwapUsedBytes: Math.Max(0, M("SwapTotal") - M("SwapFree")),
            SwapInBytesPerSecond: PagesRate(v => Get(v, "pswpin") * pageSize),
            SwapOutBytesPerSecond: PagesRate(v => Get(v, "pswpout") * pageSize),
            PagesScannedKswapdPerSecond: PagesRate(v => Sum(v, "pgscan_kswapd")),
            PagesScannedDirectPerSecond: PagesRate(v => Sum(v, "pgscan_direct")),
            MajorFaultsPerSecond: PagesRate(v => Get(v, "pgmajfault")),
            // oom_kill is in /proc/vmstat since Linux 4.13.
            OomKills: after.TryGetValue("oom_kill", out var kills)
                ? new Counter(kills, before.TryGetValue("oom_kill", out var earlier) ? kills - earlier : null)
                : null);
    }

    private static long Get(Dictionary<string, long> values, string name) => values.TryGetValue(name, out var v) ? v : 0;

    /// <summary>pgscan_kswapd, or its per-zone forms on older kernels (pgscan_kswapd_normal, ...); never pgscan_direct_throttle.</summary>
    private static long Sum(Dictionary<string, long> values, string prefix)
    {
        long sum = 0;
        foreach (var (name, value) in values)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal) && !name.EndsWith("_throttle", StringComparison.Ordinal))
                sum += value;
        }
        return sum;
    }
}
