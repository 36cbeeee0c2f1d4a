using Steady.Host.Model;

namespace Steady.Host.Findings;

/// <summary>Sockets, TCP counters and interfaces.</summary>
public static partial class FindingRules
{
    private static void Sockets(Snapshot s, Thresholds t, List<Finding> findings)
    {
        if (s.Sockets is { } sockets)
        {
            var closeWaitByPort = sockets.ByLocalPort.Where(g => g.State == "CLOSE_WAIT" && g.Count >= t.CloseWaitPile).ToList();
            foreach (var group in closeWaitByPort)
            {
                findings.Add(new Finding(Finding.Warning, "network",
                    $"{Size.Count(group.Count)} TCP connections in CLOSE_WAIT on local port {group.Port}, held by {Owners(group.Owners)}: the peers closed them and the application has not",
                    [$"/proc/net/tcp*: {group.Count} sockets in state 08 (CLOSE_WAIT) with local port {group.Port}", .. OwnerEvidence(group.Owners)]));
            }
            if (closeWaitByPort.Count == 0)
            {
                foreach (var group in sockets.ByRemote.Where(g => g.State == "CLOSE_WAIT" && g.Count >= t.CloseWaitPile))
                {
                    findings.Add(new Finding(Finding.Warning, "network",
                        $"{Size.Count(group.Count)} TCP connections in CLOSE_WAIT to {Endpoint(group.Address, group.Port)}, held by {Owners(group.Owners)}: that peer closed them and the application has not",
                        [$"/proc/net/tcp*: {group.Count} sockets in CLOSE_WAIT with remote {Endpoint(group.Address, group.Port)}", .. OwnerEvidence(group.Owners)]));
                }
            }
            foreach (var group in sockets.ByLocalPort.Where(g => g.State == "SYN_RECV" && g.Count >= t.SynRecvPile))
            {
                findings.Add(new Finding(Finding.Warning, "network",
                    $"{Size.Count(group.Count)} half-open connections (SYN_RECV) on port {group.Port}: a SYN flood, or a server that accepts too slowly",
                    [$"/proc/net/tcp*: {group.Count} sockets in SYN_RECV with local port {group.Port}"]));
            }
            if (sockets.TcpByState.TryGetValue("TIME_WAIT", out var timeWait) && timeWait >= t.TimeWaitPile)
            {
                findings.Add(new Finding(Finding.Info, "network",
                    $"{Size.Count(timeWait)} TCP sockets in TIME_WAIT: many short-lived connections; ephemeral ports may run out",
                    [.. sockets.ByRemote.Where(g => g.State == "TIME_WAIT").Take(3).Select(g => $"{g.Count} to {Endpoint(g.Address, g.Port)}")]));
            }
        }

        var overflows = s.Network?.Tcp?.ListenOverflows is { InWindow: > 0 } counter ? counter : null;
        var waiting = (s.Sockets?.Listeners ?? []).Where(l => l.AcceptQueue >= t.AcceptQueueWaiting).ToList();
        foreach (var listener in waiting)
        {
            var text = $"{Size.Count(listener.AcceptQueue)} connections are waiting to be accepted on port {listener.Port}: {Owners(listener.Owners)} is not accepting them fast enough";
            if (overflows is not null)
                text += $"; the kernel dropped {Plural(overflows.InWindow!.Value, "connection")} in the interval because an accept queue was full";
            findings.Add(new Finding(overflows is not null ? Finding.Critical : Finding.Warning, "network", text,
                [$"/proc/net/tcp* LISTEN {Endpoint(listener.Address, listener.Port)}: rx_queue {listener.AcceptQueue} (the backlog is at most net.core.somaxconn = {s.Sockets!.Somaxconn?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"})",
                 .. overflows is null ? Array.Empty<string>() : [$"/proc/net/netstat TcpExt ListenOverflows: {overflows.InWindow} in the interval, {overflows.SinceBoot} since boot"]]));
        }

        if (s.Network?.Tcp is { } tcp)
        {
            if (overflows is not null && waiting.Count == 0)
            {
                findings.Add(new Finding(Finding.Warning, "network",
                    $"{Plural(overflows.InWindow!.Value, "connection")} dropped in the interval because an accept queue was full ({Size.Count(overflows.SinceBoot)} since boot)",
                    ["/proc/net/netstat TcpExt ListenOverflows"]));
            }
            if (tcp is { RetransmittedSegments.InWindow: { } retrans, SegmentsOut.InWindow: { } sent } && sent >= t.RetransmitMinSegments && 100.0 * retrans / sent >= t.RetransmitPercent)
            {
                findings.Add(new Finding(Finding.Warning, "network",
                    $"TCP retransmits: {Size.Percent(100.0 * retrans / sent)} of segments sent in the interval were retransmissions ({Size.Count(retrans)} of {Size.Count(sent)}): packet loss or a congested path",
                    ["/proc/net/snmp Tcp RetransSegs / OutSegs"]));
            }
            if (tcp.UdpReceiveBufferErrors is { InWindow: > 0 } udp)
            {
                findings.Add(new Finding(Finding.Warning, "network",
                    $"{Plural(udp.InWindow.Value, "UDP datagram")} dropped in the interval because a receive buffer was full",
                    ["/proc/net/snmp Udp RcvbufErrors", .. (s.Sockets?.UdpDrops ?? []).Take(3).Select(d => $"port {d.Port} ({Owners(d.Owners)}): {d.Drops} drops")]));
            }
        }
        if (s.Network?.Conntrack is { Max: > 0 } conntrack && 100.0 * conntrack.Count / conntrack.Max >= t.ConntrackPercent)
        {
            findings.Add(new Finding(Finding.Critical, "network",
                $"the connection-tracking table is {Size.Percent(100.0 * conntrack.Count / conntrack.Max)} full ({Size.Count(conntrack.Count)} of {Size.Count(conntrack.Max)}): new connections will be dropped",
                ["/proc/sys/net/netfilter/nf_conntrack_count, nf_conntrack_max"]));
        }
    }

    private static void Interfaces(Snapshot s, Thresholds t, List<Finding> findings)
    {
        foreach (var nic in s.Network?.Interfaces ?? [])
        {
            var errors = (nic.RxErrors.InWindow ?? 0) + (nic.TxErrors.InWindow ?? 0);
            var drops = (nic.RxDrops.InWindow ?? 0) + (nic.TxDrops.InWindow ?? 0);
            if (errors == 0 && drops < t.NicDropsInWindow)
                continue;
            findings.Add(new Finding(Finding.Warning, "network",
                $"interface {nic.Name}: {Plural(errors, "error")} and {Plural(drops, "dropped packet")} in the interval (since boot: {Size.Count(nic.RxErrors.SinceBoot + nic.TxErrors.SinceBoot)} errors, {Size.Count(nic.RxDrops.SinceBoot + nic.TxDrops.SinceBoot)} drops)",
                [$"/proc/net/dev {nic.Name}: rx errs {nic.RxErrors.InWindow} drop {nic.RxDrops.InWindow}, tx errs {nic.TxErrors.InWindow} drop {nic.TxDrops.InWindow}"]));
        }
    }

    private static IEnumerable<string> OwnerEvidence(IReadOnlyList<SocketOwner> owners) =>
        owners.Select(o => $"{Pid(o.Pid, o.Process)} holds {o.Count} of them (socket inodes in /proc/{o.Pid}/fd)");

    private static string Endpoint(string? address, int port) =>
        address is null ? $"port {port}" : address.Contains(':', StringComparison.Ordinal) ? $"[{address}]:{port}" : $"{address}:{port}";
}
