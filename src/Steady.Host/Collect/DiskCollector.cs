using Steady.Host.Model;

namespace Steady.Host.Collect;

/// <summary>Block devices from two /proc/diskstats samples: utilisation, queue and await, as iostat -x.</summary>
internal static class DiskCollector
{
    internal sealed record DiskCounters(long Reads, long ReadSectors, long ReadMs, long Writes, long WriteSectors, long WriteMs, long InFlight, long BusyMs, long WeightedMs);

    public static Dictionary<string, DiskCounters> Parse(string? text)
    {
        var disks = new Dictionary<string, DiskCounters>(StringComparer.Ordinal);
        foreach (var line in ProcText.Lines(text))
        {
            var w = ProcText.Words(line);
            if (w.Length < 14)
                continue;
            long F(int i) => ProcText.Long(w[i]);
            // major minor name | reads merged sectors ms | writes merged sectors ms | in-flight io-ms weighted-ms
            disks[w[2]] = new DiskCounters(F(3), F(5), F(6), F(7), F(9), F(10), F(11), F(12), F(13));
        }
        return disks;
    }

    /// <summary>
    /// Devices that have done I/O since boot; only whole disks when /sys/block says which those are
    /// (partitions repeat their disk's numbers).
    /// </summary>
    public static List<DiskReport> Report(Dictionary<string, DiskCounters> before, Dictionary<string, DiskCounters> after, double seconds, IReadOnlySet<string>? wholeDisks)
    {
        var ms = seconds * 1000;
        var reports = new List<DiskReport>();
        foreach (var (name, b) in after)
        {
            if (b.Reads + b.Writes == 0)
                continue;
            if (wholeDisks is { Count: > 0 } && !wholeDisks.Contains(name.Replace('/', '!')))
                continue;
            var a = before.TryGetValue(name, out var earlier) ? earlier : b;
            var ios = b.Reads - a.Reads + b.Writes - a.Writes;
            reports.Add(new DiskReport(
                Name: name,
                UtilPercent: ms > 0 ? Math.Round(Math.Clamp(100 * (b.BusyMs - a.BusyMs) / ms, 0, 100), 1) : null,
                ReadsPerSecond: ProcText.Rate(a.Reads, b.Reads, seconds),
                WritesPerSecond: ProcText.Rate(a.Writes, b.Writes, seconds),
                ReadBytesPerSecond: ProcText.Rate(a.ReadSectors * 512, b.ReadSectors * 512, seconds),
                WriteBytesPerSecond: ProcText.Rate(a.WriteSectors * 512, b.WriteSectors * 512, seconds),
                AwaitMs: ios > 0 ? Math.Round((double)(b.ReadMs - a.ReadMs + b.WriteMs - a.WriteMs) / ios, 1) : null,
                QueueDepth: ms > 0 ? Math.Round((b.WeightedMs - a.WeightedMs) / ms, 2) : null,
                InFlight: b.InFlight));
        }
        return [.. reports.OrderByDescending(d => d.UtilPercent ?? 0).ThenBy(d => d.Name, StringComparer.Ordinal)];
    }
}
