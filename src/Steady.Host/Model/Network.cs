namespace Steady.Host.Model;

/// <summary>
/// Sockets of this network namespace from /proc/net/{tcp,tcp6,udp,udp6}, by state and by port,
/// owners found by matching socket inodes with /proc/PID/fd. Tables past the row cap are cut (Truncated).
/// </summary>
public sealed record SocketsReport(
    IReadOnlyDictionary<string, int> TcpByState,
    int UdpSockets,
    IReadOnlyList<SocketGroup> ByLocalPort,
    IReadOnlyList<SocketGroup> ByRemote,
    IReadOnlyList<Listener> Listeners,
    IReadOnlyList<UdpDrops> UdpDrops,
    long? Somaxconn,
    bool Truncated,
    string? Note);

/// <summary>Sockets sharing a state and a port (local), or a state and a remote address and port.</summary>
public sealed record SocketGroup(string Protocol, string State, string? Address, int Port, int Count, IReadOnlyList<SocketOwner> Owners);

public sealed record SocketOwner(int Pid, string Process, int Count);

/// <summary>
/// A listening TCP socket and the connections waiting in its accept queue. (Its backlog limit is not
/// in /proc/net/tcp; it is at most net.core.somaxconn.)
/// </summary>
public sealed record Listener(string Protocol, string Address, int Port, long AcceptQueue, IReadOnlyList<SocketOwner> Owners);

public sealed record UdpDrops(string Protocol, string Address, int Port, long Drops, IReadOnlyList<SocketOwner> Owners);

public sealed record NetworkReport(IReadOnlyList<InterfaceReport> Interfaces, TcpCounters? Tcp, Conntrack? Conntrack);

/// <summary>A network interface: throughput over the interval, errors and drops since boot and in the interval.</summary>
public sealed record InterfaceReport(
    string Name,
    string? OperState,
    long? SpeedMbps,
    double? RxBytesPerSecond,
    double? TxBytesPerSecond,
    Counter RxErrors,
    Counter TxErrors,
    Counter RxDrops,
    Counter TxDrops);

/// <summary>TCP and UDP counters from /proc/net/snmp and /proc/net/netstat.</summary>
public sealed record TcpCounters(
    Counter? ListenOverflows,
    Counter? ListenDrops,
    Counter? RetransmittedSegments,
    Counter? SegmentsOut,
    Counter? ResetsSent,
    Counter? InErrors,
    Counter? UdpReceiveBufferErrors);

/// <summary>The connection-tracking table (nf_conntrack), when loaded.</summary>
public sealed record Conntrack(long Count, long Max);
