using Steady.Host.Model;

namespace Steady.Host.Collect;

/// <summary>/proc/stat times per CPU (in clock ticks) and the counters beside them.</summary>
internal sealed record CpuSample(IReadOnlyList<CpuTimes> Cpus, long ProcsRunning, long ProcsBlocked, long? ContextSwitches, long? Forks, long? BootTime);

/// <summary>User and system clock ticks of one process over the interval.</summary>
internal sealed record CpuTicks(long User, long System)
{
    public static readonly CpuTicks None = new(0, 0);
}

internal sealed record CpuTimes(string Name, long User, long System, long Idle, long Iowait, long Steal)
{
    public long Total => User + System + Idle + Iowait + Steal;
}

/// <summary>CPU utilisation from two /proc/stat samples, run queue and load.</summary>
internal static class CpuCollector
{
    public static CpuSample Parse(string text)
    {
        var cpus = new List<CpuTimes>();
        long running = 0, blocked = 0;
        long? switches = null, forks = null, boot = null;
        foreach (var line in ProcText.Lines(text))
        {
            var w = ProcText.Words(line);
            if (w.Length == 0)
                continue;
            if (w[0].StartsWith("cpu", StringComparison.Ordinal) && w.Length >= 5)
            {
                long F(int i) => i < w.Length ? ProcText.Long(w[i]) : 0;
                // user nice system idle iowait irq softirq steal (guest time is already inside user)
                cpus.Add(new CpuTimes(w[0], F(1) + F(2), F(3) + F(6) + F(7), F(4), F(5), F(8)));
            }
            else if (w.Length >= 2)
            {
                switch (w[0])
                {
                    case "procs_running": running = ProcText.Long(w[1]); break;
                    case "procs_blocked": blocked = ProcText.Long(w[1]); break;
                    case "ctxt": switches = ProcText.Long(w[1]); break;
                    case "processes": forks = ProcText.Long(w[1]); break;
                    case "btime": boot = ProcText.Long(w[1]); break;
                }
            }
        }
        return new CpuSample(cpus, running, blocked, switches, forks, boot);
    }

    /// <summary>
    /// <paramref name="self"/> is the snapshot's own CPU over the interval: it is taken out of the
    /// total (counted as idle), as the host would have been without it. Per CPU it cannot be: the
    /// kernel does not say on which CPU a process ran.
    /// </summary>
    public static CpuReport Report(CpuSample before, CpuSample after, double seconds, string? loadavg, CpuTicks? self = null)
    {
        if (self is { } own && own != CpuTicks.None && after.Cpus.FirstOrDefault(c => c.Name == "cpu") is { } all)
        {
            var user = Math.Min(own.User, all.User);
            var system = Math.Min(own.System, all.System);
            after = after with { Cpus = [.. after.Cpus.Select(c => c == all ? all with { User = all.User - user, System = all.System - system, Idle = all.Idle + user + system } : c)] };
        }
        var usages = after.Cpus
            .Select(b => Usage(before.Cpus.FirstOrDefault(a => a.Name == b.Name) ?? b, b))
            .ToList();
        var total = usages.FirstOrDefault(u => u.Name == "cpu") ?? new CpuUsage("cpu", null, null, null, null, null, null);
        var perCpu = usages.Where(u => u.Name != "cpu").ToList();
        var load = ProcText.Words(loadavg ?? "");
        double Load(int i) => i < load.Length ? ProcText.Double(load[i]) : 0;
        return new CpuReport(
            Cpus: Math.Max(1, perCpu.Count),
            Total: total with { Name = "all" },
            PerCpu: perCpu,
            ProcsRunning: after.ProcsRunning,
            ProcsBlocked: after.ProcsBlocked,
            Load1: Load(0),
            Load5: Load(1),
            Load15: Load(2),
            ContextSwitchesPerSecond: Rate(before.ContextSwitches, after.ContextSwitches, seconds),
            ForksPerSecond: Rate(before.Forks, after.Forks, seconds));
    }

    internal static CpuUsage Usage(CpuTimes a, CpuTimes b)
    {
        double whole = b.Total - a.Total;
        if (whole <= 0)
            return new CpuUsage(b.Name, null, null, null, null, null, null);
        double P(long x, long y) => Math.Round(Math.Clamp(100 * (y - x) / whole, 0, 100), 1);
        var idle = P(a.Idle, b.Idle);
        var iowait = P(a.Iowait, b.Iowait);
        return new CpuUsage(b.Name, Math.Round(Math.Max(0, 100 - idle - iowait), 1), P(a.User, b.User), P(a.System, b.System), iowait, P(a.Steal, b.Steal), idle);
    }

    private static double? Rate(long? a, long? b, double seconds) => a is { } x && b is { } y ? ProcText.Rate(x, y, seconds) : null;
}
