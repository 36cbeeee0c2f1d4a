namespace Steady.Host;

/// <summary>
/// The host as the snapshot sees it: /proc, /sys, /run, /etc and /var/log under one root. Paths are
/// relative to that root ("proc/stat"), so tests point the same code at a captured fixture tree.
/// Every method answers "not there" (null, empty) instead of throwing: processes exit and files
/// vanish while a snapshot is being taken.
/// </summary>
public interface IHostFiles
{
    /// <summary>The root, as shown in the snapshot ("/" for the running host).</summary>
    string Root { get; }

    /// <summary>A small text file (/proc files), whole; null when missing or unreadable.</summary>
    string? ReadText(string path);

    /// <summary>The lines of a file that may be huge (/proc/net/tcp), read as they are needed.</summary>
    IEnumerable<string> ReadLines(string path);

    /// <summary>At most the last <paramref name="maxBytes"/> of a file (logs), from a line start.</summary>
    string? ReadTail(string path, int maxBytes);

    /// <summary>The entry names in a directory; empty when it is missing or unreadable.</summary>
    IReadOnlyList<string> List(string path);

    bool Exists(string path);

    /// <summary>The target of a symbolic link (/proc/PID/fd/N); null when it is not one or is gone.</summary>
    string? ReadLink(string path);

    /// <summary>What a path (following links, so /proc/PID/fd/N reaches a deleted file) points at.</summary>
    FileFacts? Stat(string path);

    /// <summary>
    /// Each line of the kernel log (/dev/kmsg), as much as it holds now, without waiting for more;
    /// false when it cannot be read (it needs CAP_SYSLOG).
    /// </summary>
    bool ReadKernelLog(string path, Action<string> line, Func<bool> keepGoing);

    /// <summary>statvfs of a mount point on the host (an absolute path as in mountinfo).</summary>
    VolumeFacts? StatVolume(string mountPoint);
}

/// <summary>The parts of statx the snapshot uses.</summary>
public sealed record FileFacts(bool IsRegularFile, long Size, long AllocatedBytes, uint DeviceMajor, uint DeviceMinor, ulong Inode);

/// <summary>The parts of statvfs the snapshot uses, in bytes and inodes.</summary>
public sealed record VolumeFacts(long TotalBytes, long FreeBytes, long AvailableBytes, long TotalInodes, long FreeInodes);
