using System.Text;
using Steady.Host.Model;

namespace Steady.Host.Collect;

/// <summary>One line of /proc/self/mountinfo.</summary>
internal sealed record Mount(string Device, string Root, string MountPoint, string Options, string Type, string Source, string SuperOptions)
{
    public bool ReadOnly => Options.Split(',').Contains("ro") || SuperOptions.Split(',').Contains("ro");
}

/// <summary>
/// Filesystems from /proc/self/mountinfo and statvfs: use and inodes as df shows them, skipping
/// pseudo filesystems, stacked and bind mounts. A mount whose statvfs does not answer in time (a
/// dead NFS server) is listed with a note, and the step is partial.
/// </summary>
internal static class FilesystemCollector
{
    /// <summary>Filesystems that hold no user data (kernel interfaces), so their use means nothing.</summary>
    internal static readonly HashSet<string> Pseudo = new(StringComparer.Ordinal)
    {
        "proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "securityfs", "debugfs", "tracefs", "pstore", "bpf",
        "mqueue", "hugetlbfs", "configfs", "fusectl", "autofs", "binfmt_misc", "rpc_pipefs", "nsfs", "efivarfs",
        "selinuxfs", "rootfs", "ramfs", "fuse.gvfsd-fuse", "fuse.portal", "fuse.lxcfs", "nfsd", "sockfs", "pipefs", "anon_inodefs",
    };

    public static List<Mount> ParseMountInfo(string? text)
    {
        var mounts = new List<Mount>();
        foreach (var line in ProcText.Lines(text))
        {
            var w = line.Split(' ');
            var dash = Array.IndexOf(w, "-", 6);
            if (w.Length < 10 || dash < 0 || dash + 3 > w.Length)
                continue;
            mounts.Add(new Mount(w[2], Unescape(w[3]), Unescape(w[4]), w[5], w[dash + 1], Unescape(w[dash + 2]), dash + 3 < w.Length ? w[dash + 3] : ""));
        }
        return mounts;
    }

    /// <summary>
    /// The mounts worth showing: no pseudo filesystems, nothing inside /proc or /sys, no files a
    /// container runtime binds in; of stacked mounts the visible (last) one; of one device the shortest path.
    /// </summary>
    public static List<Mount> Visible(List<Mount> mounts)
    {
        var byPoint = new Dictionary<string, Mount>(StringComparer.Ordinal);
        foreach (var mount in mounts)
            byPoint[mount.MountPoint] = mount;
        return [.. byPoint.Values
            .Where(m => !Pseudo.Contains(m.Type) && !IsKernelInterface(m.MountPoint) && !IsContainerFileBind(m))
            .GroupBy(m => m.Device)
            .Select(g => g.OrderBy(m => m.MountPoint.Length).ThenBy(m => m.MountPoint, StringComparer.Ordinal).First())
            .OrderBy(m => m.MountPoint, StringComparer.Ordinal)];
    }

    public static List<FilesystemReport> Collect(IHostFiles files, List<Mount> visible, IReadOnlyDictionary<string, long> deletedByMount, FilesystemHistory? history, DateTimeOffset now, StepBudget budget)
    {
        var reports = new List<FilesystemReport>();
        var unanswered = new List<string>();
        var ranOut = false;
        foreach (var mount in visible)
        {
            VolumeFacts? facts = null;
            string? note = null;
            if (!budget.KeepGoing())
            {
                note = "not measured: the step ran out of time";
                ranOut = true;
            }
            else
            {
                // statvfs on a hung network filesystem never returns: ask on the side and stop waiting.
                var ask = Task.Run(() => files.StatVolume(mount.MountPoint));
                if (ask.Wait(budget.Remaining))
                    facts = ask.Result;
                else
                {
                    note = "statvfs did not answer in time (a hung network filesystem?)";
                    unanswered.Add(mount.MountPoint);
                }
            }
            reports.Add(Report(mount, facts, deletedByMount.TryGetValue(mount.MountPoint, out var held) ? held : 0, history, now, note));
        }
        if (unanswered.Count > 0)
            budget.MarkPartial($"statvfs did not answer for {string.Join(", ", unanswered)}");
        else if (ranOut)
            budget.MarkPartial("ran out of time before measuring every filesystem");
        return reports;
    }

    internal static FilesystemReport Report(Mount mount, VolumeFacts? facts, long deletedBytes, FilesystemHistory? history, DateTimeOffset now, string? note)
    {
        if (facts is null)
            return new FilesystemReport(mount.MountPoint, mount.Source, mount.Type, mount.Device, mount.ReadOnly, null, null, null, null, null, null, null, deletedBytes, null, note ?? "statvfs failed");
        var used = facts.TotalBytes - facts.FreeBytes;
        // As df: the share of what non-root users can use (reserved blocks excluded).
        double? usedPercent = used + facts.AvailableBytes > 0 ? Math.Round(100.0 * used / (used + facts.AvailableBytes), 1) : null;
        long? inodesUsed = facts.TotalInodes > 0 ? facts.TotalInodes - facts.FreeInodes : null;
        double? inodesPercent = facts.TotalInodes > 0 ? Math.Round(100.0 * inodesUsed!.Value / facts.TotalInodes, 1) : null;
        return new FilesystemReport(mount.MountPoint, mount.Source, mount.Type, mount.Device, mount.ReadOnly,
            facts.TotalBytes, used, facts.AvailableBytes, usedPercent,
            facts.TotalInodes > 0 ? facts.TotalInodes : null, inodesUsed, inodesPercent,
            deletedBytes, history?.GrowthOf(mount.MountPoint, used, facts.AvailableBytes, now), note);
    }

    /// <summary>The files a container runtime binds in from the host's disk: they say nothing of their own.</summary>
    private static bool IsContainerFileBind(Mount m) => m.Root != "/" && m.MountPoint is "/etc/hosts" or "/etc/hostname" or "/etc/resolv.conf";

    /// <summary>Mounts inside /proc and /sys (the cgroup tmpfs, binfmt_misc, ...) hold no user data.</summary>
    private static bool IsKernelInterface(string mountPoint) =>
        mountPoint.StartsWith("/proc/", StringComparison.Ordinal) || mountPoint.StartsWith("/sys/", StringComparison.Ordinal)
        || mountPoint is "/proc" or "/sys";

    /// <summary>mountinfo escapes space, tab, newline and backslash as \040, \011, \012, \134.</summary>
    internal static string Unescape(string text)
    {
        if (!text.Contains('\\', StringComparison.Ordinal))
            return text;
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && IsOctal(text, i + 1))
            {
                builder.Append((char)Convert.ToInt32(text.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                builder.Append(text[i]);
            }
        }
        return builder.ToString();
    }

    private static bool IsOctal(string text, int at) =>
        at + 3 <= text.Length && text[at] is >= '0' and <= '7' && text[at + 1] is >= '0' and <= '7' && text[at + 2] is >= '0' and <= '7';
}
