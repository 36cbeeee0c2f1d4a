namespace Steady.Host.Findings;

/// <summary>
/// Where data becomes a finding. The defaults are the named constants; a snapshot may be given
/// other values (tests lower them; an agent config may raise them).
/// </summary>
public sealed record Thresholds
{
    /// <summary>A writable filesystem this full (df's Use%) is a warning...</summary>
    public const double DefaultFilesystemWarningPercent = 90;

    /// <summary>...and this full is critical.</summary>
    public const double DefaultFilesystemCriticalPercent = 95;

    /// <summary>Inodes used, as a share of all, that is a warning.</summary>
    public const double DefaultInodesWarningPercent = 90;

    /// <summary>Deleted files still open holding this much on one filesystem are a finding on their own.</summary>
    public const long DefaultDeletedHeldBytes = 1L << 30;

    /// <summary>A filesystem that fills within this many hours at its growth since the last snapshot.</summary>
    public const double DefaultFillsWithinHours = 24;

    /// <summary>MemAvailable at or below this share of MemTotal is a warning; at half of it, critical.</summary>
    public const double DefaultMemoryAvailablePercent = 10;

    /// <summary>PSI memory "some" avg10: tasks stalled on memory this share of the last 10 s.</summary>
    public const double DefaultMemoryPressurePercent = 10;

    /// <summary>PSI io "some" avg10.</summary>
    public const double DefaultIoPressurePercent = 20;

    /// <summary>PSI cpu "some" avg10.</summary>
    public const double DefaultCpuPressurePercent = 50;

    /// <summary>Swap in + out per second that is a swap storm (1 MiB/s).</summary>
    public const double DefaultSwapStormBytesPerSecond = 1 << 20;

    /// <summary>Used swap as a share of all swap.</summary>
    public const double DefaultSwapUsedPercent = 80;

    /// <summary>Pages scanned per second by direct reclaim (allocations stalling to free memory).</summary>
    public const double DefaultDirectScanPagesPerSecond = 1000;

    /// <summary>CPU busy over the interval.</summary>
    public const double DefaultCpuBusyPercent = 90;

    /// <summary>CPU time waiting on I/O.</summary>
    public const double DefaultIowaitPercent = 20;

    /// <summary>CPU time taken by the hypervisor.</summary>
    public const double DefaultStealPercent = 10;

    /// <summary>Runnable tasks (or 1-minute load) per CPU.</summary>
    public const double DefaultRunQueuePerCpu = 2;

    /// <summary>Tasks in uninterruptible sleep (D state).</summary>
    public const int DefaultBlockedTasks = 2;

    /// <summary>A disk busy this share of the interval.</summary>
    public const double DefaultDiskBusyPercent = 90;

    /// <summary>Average I/O wait per request (ms) on a disk doing I/O.</summary>
    public const double DefaultDiskAwaitMs = 100;

    /// <summary>Open files as a share of the process's limit (or of fs.file-max).</summary>
    public const double DefaultFdUsePercent = 80;

    /// <summary>Sockets in CLOSE_WAIT on one port: the application is not closing what its peers closed.</summary>
    public const int DefaultCloseWaitPile = 20;

    /// <summary>Half-open connections (SYN_RECV) on one port.</summary>
    public const int DefaultSynRecvPile = 100;

    /// <summary>Sockets in TIME_WAIT in all.</summary>
    public const int DefaultTimeWaitPile = 20_000;

    /// <summary>Connections waiting in one listener's accept queue (Java's default backlog is 50).</summary>
    public const long DefaultAcceptQueueWaiting = 32;

    /// <summary>Retransmitted TCP segments as a share of those sent in the interval...</summary>
    public const double DefaultRetransmitPercent = 5;

    /// <summary>...when at least this many were sent.</summary>
    public const long DefaultRetransmitMinSegments = 100;

    /// <summary>The connection-tracking table this full.</summary>
    public const double DefaultConntrackPercent = 90;

    /// <summary>Packets dropped by one interface in the interval (errors count from the first).</summary>
    public const long DefaultNicDropsInWindow = 10;

    /// <summary>Package changes this recent are shown as "what changed".</summary>
    public const double DefaultRecentChangeHours = 24;

    /// <summary>Zombie processes in all.</summary>
    public const int DefaultZombies = 50;

    public double FilesystemWarningPercent { get; init; } = DefaultFilesystemWarningPercent;
    public double FilesystemCriticalPercent { get; init; } = DefaultFilesystemCriticalPercent;
    public double InodesWarningPercent { get; init; } = DefaultInodesWarningPercent;
    public long DeletedHeldBytes { get; init; } = DefaultDeletedHeldBytes;
    public double FillsWithinHours { get; init; } = DefaultFillsWithinHours;
    public double MemoryAvailablePercent { get; init; } = DefaultMemoryAvailablePercent;
    public double MemoryPressurePercent { get; init; } = DefaultMemoryPressurePercent;
    public double IoPressurePercent { get; init; } = DefaultIoPressurePercent;
    public double CpuPressurePercent { get; init; } = DefaultCpuPressurePercent;
    public double SwapStormBytesPerSecond { get; init; } = DefaultSwapStormBytesPerSecond;
    public double SwapUsedPercent { get; init; } = DefaultSwapUsedPercent;
    public double DirectScanPagesPerSecond { get; init; } = DefaultDirectScanPagesPerSecond;
    public double CpuBusyPercent { get; init; } = DefaultCpuBusyPercent;
    public double IowaitPercent { get; init; } = DefaultIowaitPercent;
    public double StealPercent { get; init; } = DefaultStealPercent;
    public double RunQueuePerCpu { get; init; } = DefaultRunQueuePerCpu;
    public int BlockedTasks { get; init; } = DefaultBlockedTasks;
    public double DiskBusyPercent { get; init; } = DefaultDiskBusyPercent;
    public double DiskAwaitMs { get; init; } = DefaultDiskAwaitMs;
    public double FdUsePercent { get; init; } = DefaultFdUsePercent;
    public int CloseWaitPile { get; init; } = DefaultCloseWaitPile;
    public int SynRecvPile { get; init; } = DefaultSynRecvPile;
    public int TimeWaitPile { get; init; } = DefaultTimeWaitPile;
    public long AcceptQueueWaiting { get; init; } = DefaultAcceptQueueWaiting;
    public double RetransmitPercent { get; init; } = DefaultRetransmitPercent;
    public long RetransmitMinSegments { get; init; } = DefaultRetransmitMinSegments;
    public double ConntrackPercent { get; init; } = DefaultConntrackPercent;
    public long NicDropsInWindow { get; init; } = DefaultNicDropsInWindow;
    public double RecentChangeHours { get; init; } = DefaultRecentChangeHours;
    public int Zombies { get; init; } = DefaultZombies;
}
