using System.Globalization;
using System.Net;
using Steady.Host.Model;

namespace Steady.Host.Collect;

/// <summary>One row of /proc/net/{tcp,tcp6,udp,udp6} (a class: LINQ over it runs precompiled shared code).</summary>
internal sealed record SocketRow(string Protocol, string State, IPAddress LocalAddress, int LocalPort, IPAddress RemoteAddress, int RemotePort, long TxQueue, long RxQueue, ulong Inode, long Drops);

/// <summary>
/// Sockets of this network namespace by state and port, read from /proc/net (never by running ss),
/// each group with the processes holding its sockets (matched by inode with /proc/PID/fd).
/// </summary>
internal static class SocketCollector
{
    public static readonly string[] Tables = ["tcp", "tcp6", "udp", "udp6"];

    private static readonly string[] TcpStates =
        ["", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "SYN_RECV"];

    public static SocketsReport Collect(IHostFiles files, IReadOnlyDictionary<ulong, int> owners, IReadOnlyDictionary<int, ProcStat> processes, SocketLimits limits, StepBudget budget)
    {
        var rows = new List<SocketRow>();
        var truncated = false;
        var notes = new List<string>();
        foreach (var table in Tables)
        {
            var read = 0;
            foreach (var line in files.ReadLines($"proc/net/{table}"))
            {
                if (read % 1024 == 0 && !budget.KeepGoing())
                {
                    budget.MarkPartial($"stopped reading /proc/net/{table} after {read:N0} rows");
                    truncated = true;
                    break;
                }
                if (read >= limits.RowCap)
                {
                    notes.Add($"/proc/net/{table} has more than {limits.RowCap:N0} rows; counted the first {limits.RowCap:N0}");
                    truncated = true;
                    break;
                }
                if (ParseRow(table, line) is { } row)
                {
                    rows.Add(row);
                    read++;
                }
            }
        }
        var somaxconn = files.ReadText("proc/sys/net/core/somaxconn") is { } text ? ProcText.Long(text.Trim()) : (long?)null;
        return Summarize(rows, owners, processes, limits, somaxconn, truncated, notes.Count == 0 ? null : string.Join("; ", notes));
    }

    /// <summary>"sl local rem st tx:rx tr:when retrnsmt uid timeout inode ... [drops]"; null for the header.</summary>
    internal static SocketRow? ParseRow(string table, string line)
    {
        var w = ProcText.Words(line);
        if (w.Length < 10 || !w[0].EndsWith(':'))
            return null;
        var (localAddress, localPort) = Endpoint(w[1]);
        var (remoteAddress, remotePort) = Endpoint(w[2]);
        var state = int.Parse(w[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var queues = w[4].Split(':');
        var udp = table.StartsWith("udp", StringComparison.Ordinal);
        return new SocketRow(
            Protocol: udp ? "udp" : "tcp",
            State: udp ? (state == 1 ? "ESTABLISHED" : "UNCONN") : state < TcpStates.Length ? TcpStates[state] : $"0x{w[3]}",
            LocalAddress: localAddress,
            LocalPort: localPort,
            RemoteAddress: remoteAddress,
            RemotePort: remotePort,
            TxQueue: long.Parse(queues[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            RxQueue: queues.Length > 1 ? long.Parse(queues[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) : 0,
            Inode: ulong.TryParse(w[9], out var inode) ? inode : 0,
            Drops: udp && w.Length > 12 ? ProcText.Long(w[12]) : 0);
    }

    /// <summary>
    /// "0100007F:1F90" is 127.0.0.1:8080: the address is the kernel's 32-bit words in host order
    /// (little-endian here), four of them for IPv6; the port is big-endian hex.
    /// </summary>
    internal static (IPAddress Address, int Port) Endpoint(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var hex = text[..colon];
        var port = int.Parse(text.AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var bytes = Convert.FromHexString(hex);
        for (var word = 0; word + 4 <= bytes.Length; word += 4)
        {
            if (BitConverter.IsLittleEndian)
                Array.Reverse(bytes, word, 4);
        }
        var address = new IPAddress(bytes);
        return (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, port);
    }

    internal static SocketsReport Summarize(List<SocketRow> rows, IReadOnlyDictionary<ulong, int> owners, IReadOnlyDictionary<int, ProcStat> processes, SocketLimits limits, long? somaxconn, bool truncated, string? note)
    {
        List<SocketOwner> Owners(IEnumerable<SocketRow> group) => [.. group
            .Where(r => r.Inode != 0 && owners.ContainsKey(r.Inode))
            .GroupBy(r => owners[r.Inode])
            .Select(g => new SocketOwner(g.Key, processes.TryGetValue(g.Key, out var p) ? p.Name : "?", g.Count()))
            .OrderByDescending(o => o.Count).ThenBy(o => o.Pid)
            .Take(3)];

        var tcpByState = rows.Where(r => r.Protocol == "tcp")
            .GroupBy(r => r.State)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var connected = rows.Where(r => r.State is not ("LISTEN" or "UNCONN")).ToList();
        var byLocal = connected
            .GroupBy(r => $"{r.Protocol} {r.State} {r.LocalPort}")
            .Where(g => g.Count() > 1)
            .Select(g => (First: g.First(), Rows: g.ToList()))
            .OrderByDescending(g => g.Rows.Count).ThenBy(g => g.First.LocalPort)
            .Take(limits.Groups)
            .Select(g => new SocketGroup(g.First.Protocol, g.First.State, null, g.First.LocalPort, g.Rows.Count, Owners(g.Rows)))
            .ToList();
        var byRemote = connected
            .GroupBy(r => $"{r.Protocol} {r.State} {r.RemoteAddress} {r.RemotePort}")
            .Where(g => g.Count() > 1)
            .Select(g => (First: g.First(), Rows: g.ToList()))
            .OrderByDescending(g => g.Rows.Count).ThenBy(g => g.First.RemotePort)
            .Take(limits.Groups)
            .Select(g => new SocketGroup(g.First.Protocol, g.First.State, g.First.RemoteAddress.ToString(), g.First.RemotePort, g.Rows.Count, Owners(g.Rows)))
            .ToList();
        var listeners = rows.Where(r => r.State == "LISTEN")
            .OrderByDescending(r => r.RxQueue).ThenBy(r => r.LocalPort).ThenBy(r => r.LocalAddress.AddressFamily)
            .Take(limits.Listeners)
            .Select(r => new Listener(r.Protocol, r.LocalAddress.ToString(), r.LocalPort, r.RxQueue, Owners([r])))
            .ToList();
        var udpDrops = rows.Where(r => r.Protocol == "udp" && r.Drops > 0)
            .OrderByDescending(r => r.Drops)
            .Take(10)
            .Select(r => new UdpDrops(r.Protocol, r.LocalAddress.ToString(), r.LocalPort, r.Drops, Owners([r])))
            .ToList();
        return new SocketsReport(tcpByState, rows.Count(r => r.Protocol == "udp"), byLocal, byRemote, listeners, udpDrops, somaxconn, truncated, note);
    }
}

/// <summary>How much of the socket tables to read and show.</summary>
public sealed record SocketLimits(int RowCap = 200_000, int Groups = 15, int Listeners = 50);
