namespace Steady.Host.Model;

public sealed record FilesystemsReport(IReadOnlyList<FilesystemReport> Mounts, string? Note);

/// <summary>
/// A mounted filesystem: use as df shows it (used / (used + available)), inodes, space held by
/// deleted files still open, and growth since the last snapshot of this host.
/// </summary>
public sealed record FilesystemReport(
    string MountPoint,
    string Source,
    string Type,
    string Device,
    bool ReadOnly,
    long? SizeBytes,
    long? UsedBytes,
    long? AvailableBytes,
    double? UsedPercent,
    long? Inodes,
    long? InodesUsed,
    double? InodesUsedPercent,
    long DeletedOpenBytes,
    FilesystemGrowth? Growth,
    string? Note);

/// <summary>Change in used bytes since an earlier snapshot, and when the filesystem fills at that rate.</summary>
public sealed record FilesystemGrowth(DateTimeOffset Since, long UsedBytesChange, double BytesPerHour, double? HoursUntilFull);

/// <summary>What an earlier snapshot saw of a filesystem, for growth.</summary>
public sealed record FilesystemUsage(string MountPoint, long UsedBytes);

/// <summary>Files deleted while a process still holds them open: their space is not freed until it closes them.</summary>
public sealed record DeletedFilesReport(
    long TotalBytes,
    int FileCount,
    IReadOnlyList<DeletedFile> Files,
    IReadOnlyList<DeletedByProcess> ByProcess,
    IReadOnlyList<DeletedByFilesystem> ByFilesystem);

public sealed record DeletedFile(int Pid, string Process, int Fd, string Path, long SizeBytes, string? MountPoint);

/// <summary>What one process holds in deleted files on one filesystem.</summary>
public sealed record DeletedByProcess(int Pid, string Process, string? MountPoint, int Files, long Bytes);

public sealed record DeletedByFilesystem(string MountPoint, int Files, long Bytes);

/// <summary>What the last snapshot of this host saw of its filesystems, to tell growth.</summary>
public sealed record FilesystemHistory(DateTimeOffset TakenAt, IReadOnlyList<FilesystemUsage> Usage)
{
    public FilesystemGrowth? GrowthOf(string mountPoint, long usedNow, long availableNow, DateTimeOffset now)
    {
        var hours = (now - TakenAt).TotalHours;
        if (hours <= 0)
            return null;
        var earlier = Usage.FirstOrDefault(u => u.MountPoint == mountPoint);
        if (earlier is null)
            return null;
        var change = usedNow - earlier.UsedBytes;
        var perHour = Math.Round(change / hours, 0);
        return new FilesystemGrowth(TakenAt, change, perHour, perHour > 0 ? Math.Round(availableNow / perHour, 1) : null);
    }
}
