using Steady.Host.Model;

namespace Steady.Host.Collect;

/// <summary>Interfaces from /proc/net/dev, TCP/UDP counters from /proc/net/snmp and netstat, conntrack.</summary>
internal static class NetworkCollector
{
    internal sealed record InterfaceCounters(long RxBytes, long RxErrors, long RxDrops, long TxBytes, long TxErrors, long TxDrops);

    internal sealed record Sample(Dictionary<string, InterfaceCounters> Interfaces, Dictionary<string, long> Counters);

    public static Sample Take(IHostFiles files)
    {
        var counters = ProcText.Headered(files.ReadText("proc/net/snmp"));
        foreach (var (name, value) in ProcText.Headered(files.ReadText("proc/net/netstat")))
            counters[name] = value;
        return new Sample(ParseDev(files.ReadText("proc/net/dev")), counters);
    }

    public static Dictionary<string, InterfaceCounters> ParseDev(string? text)
    {
        var interfaces = new Dictionary<string, InterfaceCounters>(StringComparer.Ordinal);
        foreach (var line in ProcText.Lines(text))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || line.Contains('|', StringComparison.Ordinal))
                continue;
            var w = ProcText.Words(line[(colon + 1)..]);
            if (w.Length < 12)
                continue;
            long F(int i) => ProcText.Long(w[i]);
            // rx: bytes packets errs drop fifo frame compressed multicast | tx: bytes packets errs drop ...
            interfaces[line[..colon].Trim()] = new InterfaceCounters(F(0), F(2), F(3), F(8), F(10), F(11));
        }
        return interfaces;
    }

    public static NetworkReport Report(IHostFiles files, Sample before, Sample after, double seconds)
    {
        var interfaces = new List<InterfaceReport>();
        foreach (var (name, b) in after.Interfaces.OrderBy(i => i.Key, StringComparer.Ordinal))
        {
            var a = before.Interfaces.TryGetValue(name, out var earlier) ? earlier : b;
            var speed = ProcText.Long(files.ReadText($"sys/class/net/{name}/speed")?.Trim() ?? "");
            interfaces.Add(new InterfaceReport(
                name,
                files.ReadText($"sys/class/net/{name}/operstate")?.Trim(),
                speed > 0 ? speed : null,
                ProcText.Rate(a.RxBytes, b.RxBytes, seconds),
                ProcText.Rate(a.TxBytes, b.TxBytes, seconds),
                new Counter(b.RxErrors, b.RxErrors - a.RxErrors),
                new Counter(b.TxErrors, b.TxErrors - a.TxErrors),
                new Counter(b.RxDrops, b.RxDrops - a.RxDrops),
                new Counter(b.TxDrops, b.TxDrops - a.TxDrops)));
        }
        Counter? C(string name) => after.Counters.TryGetValue(name, out var b)
            ? new Counter(b, before.Counters.TryGetValue(name, out var a) ? b - a : null)
            : null;
        var tcp = after.Counters.Count == 0 ? null : new TcpCounters(
            C("TcpExt.ListenOverflows"), C("TcpExt.ListenDrops"), C("Tcp.RetransSegs"), C("Tcp.OutSegs"), C("Tcp.OutRsts"), C("Tcp.InErrs"), C("Udp.RcvbufErrors"));
        var count = files.ReadText("proc/sys/net/netfilter/nf_conntrack_count");
        var max = files.ReadText("proc/sys/net/netfilter/nf_conntrack_max");
        var conntrack = count is null || max is null ? null : new Conntrack(ProcText.Long(count.Trim()), ProcText.Long(max.Trim()));
        return new NetworkReport(interfaces, tcp, conntrack);
    }
}
