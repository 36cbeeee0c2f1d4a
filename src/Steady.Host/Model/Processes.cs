namespace Steady.Host.Model;

/// <summary>Processes from /proc/PID/stat and status only (never maps or smaps, which are slow and disturb the target).</summary>
public sealed record ProcessesReport(
    int Count,
    long Threads,
    IReadOnlyDictionary<string, int> States,
    IReadOnlyList<ProcessReport> TopByCpu,
    IReadOnlyList<ProcessReport> TopByMemory,
    IReadOnlyList<ProcessReport> TopByFds,
    IReadOnlyList<ProcessReport> Blocked,
    FileHandles? FileHandles,
    string? Note);

/// <summary>One process. CPU is percent of one CPU over the interval; the command line is redacted.</summary>
public sealed record ProcessReport(
    int Pid,
    string Name,
    string? User,
    string State,
    double? CpuPercent,
    long RssBytes,
    long? SwapBytes,
    long Threads,
    int? Fds,
    long? FdLimit,
    string? Wchan,
    string? CommandLine);

/// <summary>Open file handles of the whole system (/proc/sys/fs/file-nr) against fs.file-max.</summary>
public sealed record FileHandles(long Allocated, long Max);
