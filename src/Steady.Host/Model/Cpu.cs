namespace Steady.Host.Model;

/// <summary>CPU over the interval: per CPU and in total, the run queue, blocked tasks and load.</summary>
public sealed record CpuReport(
    int Cpus,
    CpuUsage Total,
    IReadOnlyList<CpuUsage> PerCpu,
    long ProcsRunning,
    long ProcsBlocked,
    double Load1,
    double Load5,
    double Load15,
    double? ContextSwitchesPerSecond,
    double? ForksPerSecond);

/// <summary>Shares of the interval in percent; null when the interval was empty. Busy = 100 − idle − iowait.</summary>
public sealed record CpuUsage(string Name, double? BusyPercent, double? UserPercent, double? SystemPercent, double? IowaitPercent, double? StealPercent, double? IdlePercent);

/// <summary>Memory now, and paging over the interval. Bytes; rates per second.</summary>
public sealed record MemoryReport(
    long TotalBytes,
    long AvailableBytes,
    double AvailablePercent,
    long FreeBytes,
    long CachedBytes,
    long BuffersBytes,
    long ShmemBytes,
    long DirtyBytes,
    long SlabUnreclaimableBytes,
    long CommittedBytes,
    long CommitLimitBytes,
    long SwapTotalBytes,
    long SwapUsedBytes,
    double? SwapInBytesPerSecond,
    double? SwapOutBytesPerSecond,
    double? PagesScannedKswapdPerSecond,
    double? PagesScannedDirectPerSecond,
    double? MajorFaultsPerSecond,
    Counter? OomKills);

/// <summary>Pressure stall information; unavailable (with the reason) on kernels or containers without it.</summary>
public sealed record PressureReport(bool Available, string? Reason, PressureResource? Cpu, PressureResource? Memory, PressureResource? Io);

public sealed record PressureResource(PressureLine? Some, PressureLine? Full);

/// <summary>Averages in percent, total stall in microseconds since boot, and the share of the interval that stalled.</summary>
public sealed record PressureLine(double Avg10, double Avg60, double Avg300, long TotalMicroseconds, double? StalledPercentInWindow);

/// <summary>One block device over the interval (iostat -x style).</summary>
public sealed record DiskReport(
    string Name,
    double? UtilPercent,
    double? ReadsPerSecond,
    double? WritesPerSecond,
    double? ReadBytesPerSecond,
    double? WriteBytesPerSecond,
    double? AwaitMs,
    double? QueueDepth,
    long InFlight);
