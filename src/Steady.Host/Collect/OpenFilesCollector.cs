using Steady.Host.Model;

namespace Steady.Host.Collect;

/// <summary>
/// One pass over every process's /proc/PID/fd: how many files each holds open, which sockets
/// (by inode) belong to which process, and which open files were deleted.
/// </summary>
internal sealed record OpenFiles(Dictionary<int, int> FdCounts, Dictionary<ulong, int> SocketOwners, List<HeldFile> Deleted);

/// <summary>A deleted file still open: the process, the fd, the path it had, and what statx says of it now.</summary>
internal sealed record HeldFile(int Pid, int Fd, string Path, FileFacts Facts);

internal static class OpenFilesCollector
{
    private const string DeletedSuffix = " (deleted)";

    public static OpenFiles Scan(IHostFiles files, IEnumerable<ProcStat> processes, StepBudget budget)
    {
        var counts = new Dictionary<int, int>();
        var sockets = new Dictionary<ulong, int>();
        var deleted = new List<HeldFile>();
        var list = processes.Where(p => !p.KernelThread).ToList();
        var scanned = 0;
        var unreadable = 0;
        var linksHidden = new List<string>();
        foreach (var process in list)
        {
            if (!budget.KeepGoing())
            {
                budget.MarkPartial($"read the open files of {scanned:N0} of {list.Count:N0} processes");
                break;
            }
            scanned++;
            var dir = $"proc/{process.Pid}/fd";
            var fds = files.List(dir);
            if (fds.Count == 0)
            {
                // Another user's process, when not root: its fd and exe links are both closed to us.
                if (files.Exists(dir) && files.ReadLink($"proc/{process.Pid}/exe") is null)
                    unreadable++;
                continue;
            }
            counts[process.Pid] = fds.Count;
            var hidden = 0;
            foreach (var fd in fds)
            {
                var target = files.ReadLink($"{dir}/{fd}");
                if (target is null)
                {
                    hidden++;
                    continue;
                }
                if (target.StartsWith("socket:[", StringComparison.Ordinal))
                {
                    if (ulong.TryParse(target.AsSpan(8, target.Length - 9), out var inode))
                        sockets.TryAdd(inode, process.Pid);
                }
                else if (IsDeletedFile(target) && int.TryParse(fd, out var number) && files.Stat($"{dir}/{fd}") is { IsRegularFile: true } facts)
                {
                    deleted.Add(new HeldFile(process.Pid, number, target[..^DeletedSuffix.Length], facts));
                }
            }
            // Listed but not readable: a security module (or a sandbox) hides where they point.
            if (hidden == fds.Count)
                linksHidden.Add($"pid {process.Pid} ({process.Name})");
        }
        if (linksHidden.Count > 0)
            budget.MarkPartial($"could not read where the open files of {string.Join(", ", linksHidden.Take(3))}{(linksHidden.Count > 3 ? $" and {linksHidden.Count - 3} more" : "")} point; their sockets and deleted files are not counted");
        if (unreadable > 0)
            budget.MarkPartial($"could not read the open files of {unreadable:N0} processes (not running as root?)");
        return new OpenFiles(counts, sockets, deleted);
    }

    /// <summary>A deleted file on a filesystem: not memfd or SysV shared memory, which hold RAM rather than disk.</summary>
    internal static bool IsDeletedFile(string target) =>
        target.EndsWith(DeletedSuffix, StringComparison.Ordinal)
        && target.StartsWith('/')
        && !target.StartsWith("/memfd:", StringComparison.Ordinal)
        && !target.StartsWith("/SYSV", StringComparison.Ordinal);

    /// <summary>
    /// Deleted files per process and per filesystem. The same file held by several fds or
    /// processes counts once toward a filesystem; a file is matched to its filesystem by device.
    /// </summary>
    public static DeletedFilesReport Report(List<HeldFile> held, IReadOnlyDictionary<int, ProcStat> processes, IReadOnlyDictionary<string, string> mountByDevice, int top)
    {
        string Name(int pid) => processes.TryGetValue(pid, out var p) ? p.Name : "?";
        string? Mount(FileFacts f) => mountByDevice.TryGetValue($"{f.DeviceMajor}:{f.DeviceMinor}", out var m) ? m : null;
        var perProcess = held
            .GroupBy(h => (h.Pid, h.Facts.DeviceMajor, h.Facts.DeviceMinor, h.Facts.Inode))
            .Select(g => g.First())
            .ToList();
        var unique = held
            .GroupBy(h => (h.Facts.DeviceMajor, h.Facts.DeviceMinor, h.Facts.Inode))
            .Select(g => g.First())
            .ToList();
        var files = perProcess
            .OrderByDescending(h => h.Facts.Size).ThenBy(h => h.Pid)
            .Take(top)
            .Select(h => new DeletedFile(h.Pid, Name(h.Pid), h.Fd, h.Path, h.Facts.Size, Mount(h.Facts)))
            .ToList();
        var byProcess = perProcess
            .GroupBy(h => $"{h.Pid} {Mount(h.Facts)}")
            .Select(g => new DeletedByProcess(g.First().Pid, Name(g.First().Pid), Mount(g.First().Facts), g.Count(), g.Sum(h => h.Facts.Size)))
            .OrderByDescending(p => p.Bytes).ThenBy(p => p.Pid)
            .Take(top)
            .ToList();
        var byFilesystem = unique
            .GroupBy(h => Mount(h.Facts) ?? $"device {h.Facts.DeviceMajor}:{h.Facts.DeviceMinor}")
            .Select(g => new DeletedByFilesystem(g.Key, g.Count(), g.Sum(h => h.Facts.Size)))
            .OrderByDescending(f => f.Bytes)
            .ToList();
        return new DeletedFilesReport(unique.Sum(h => h.Facts.Size), unique.Count, files, byProcess, byFilesystem);
    }
}
