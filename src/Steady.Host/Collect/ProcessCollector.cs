using Steady.Host.Model;

namespace Steady.Host.Collect;

/// <summary>
/// One line of /proc/PID/stat: what every process costs to read, and all the top lists need. A
/// class, not a struct: LINQ over it then runs the framework's precompiled shared code.
/// </summary>
internal sealed record ProcStat(int Pid, string Name, char State, long UserTicks, long SystemTicks, long Threads, long StartTicks, long RssPages, bool KernelThread)
{
    public long CpuTicks => UserTicks + SystemTicks;
}

/// <summary>
/// Processes from /proc/PID/stat (every process, both samples) and, for the few that are shown,
/// status, cmdline, wchan and limits. Never maps or smaps: they are slow and take the target's
/// memory lock.
/// </summary>
internal static class ProcessCollector
{
    private const long PfKthread = 0x00200000;

    public static Dictionary<int, ProcStat> Sample(IHostFiles files, StepBudget budget)
    {
        var pids = Pids(files);
        var sample = new Dictionary<int, ProcStat>(pids.Count);
        var read = 0;
        foreach (var pid in pids)
        {
            if (read % 64 == 0 && !budget.KeepGoing())
            {
                budget.MarkPartial($"read {read:N0} of {pids.Count:N0} processes");
                break;
            }
            read++;
            if (files.ReadText($"proc/{pid}/stat") is { } text && ParseStat(pid, text) is { } stat)
                sample[pid] = stat;
        }
        return sample;
    }

    public static List<int> Pids(IHostFiles files)
    {
        var pids = new List<int>();
        foreach (var name in files.List("proc"))
        {
            if (name.Length > 0 && char.IsAsciiDigit(name[0]) && int.TryParse(name, out var pid))
                pids.Add(pid);
        }
        pids.Sort();
        return pids;
    }

    /// <summary>
    /// "pid (comm) state ppid ...": comm may hold spaces and parentheses ("my (weird) proc"),
    /// so it runs from the first '(' to the last ')'.
    /// </summary>
    public static ProcStat? ParseStat(int pid, string text)
    {
        var open = text.IndexOf('(', StringComparison.Ordinal);
        var close = text.LastIndexOf(')');
        if (open < 0 || close < open)
            return null;
        // After ')': 0 state, 1 ppid, ... 6 flags, 11 utime, 12 stime, 17 num_threads, 19 starttime, 21 rss.
        // Read in place: this runs twice for every process on the host.
        Span<long> fields = stackalloc long[22];
        var rest = text.AsSpan(close + 1);
        var state = ' ';
        var index = 0;
        foreach (var range in rest.SplitAny(' ', '\n'))
        {
            var field = rest[range];
            if (field.IsEmpty)
                continue;
            if (index == 0)
                state = field[0];
            else if (long.TryParse(field, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value))
                fields[index] = value;
            if (++index == fields.Length)
                break;
        }
        if (index < fields.Length)
            return null;
        return new ProcStat(pid, text[(open + 1)..close], state, fields[11], fields[12], fields[17], fields[19], fields[21], (fields[6] & PfKthread) != 0);
    }

    public static string StateName(char state) => state switch
    {
        'R' => "running",
        'S' => "sleeping",
        'D' => "disk-sleep",
        'Z' => "zombie",
        'T' => "stopped",
        't' => "tracing-stop",
        'X' or 'x' => "dead",
        'I' => "idle",
        'P' => "parked",
        _ => state.ToString(),
    };

    /// <summary>CPU percent of one CPU over the interval; null for a process that started during it (no earlier sample).</summary>
    public static double? CpuPercent(ProcStat after, IReadOnlyDictionary<int, ProcStat> before, double seconds, long ticksPerSecond) =>
        seconds > 0 && before.TryGetValue(after.Pid, out var a) && a.StartTicks == after.StartTicks
            ? Math.Round(100.0 * (after.CpuTicks - a.CpuTicks) / (seconds * ticksPerSecond), 1)
            : null;

    public static ProcessesReport Report(ProcessInputs input, StepBudget budget)
    {
        var after = input.After;
        double? Cpu(ProcStat p) => CpuPercent(p, input.Before, input.Seconds, input.TicksPerSecond);
        var visible = after.Values.Where(p => p.Pid != input.SelfPid).ToList();
        var users = Users.Read(input.Files);
        var described = new Dictionary<int, ProcessReport>();
        ProcessReport Describe(ProcStat p, bool withLimit = false)
        {
            if (described.TryGetValue(p.Pid, out var known) && (!withLimit || known.FdLimit is not null))
                return known;
            var report = DescribeOne(input, p, Cpu(p), users, withLimit);
            described[p.Pid] = report;
            return report;
        }

        var byCpu = visible.Select(p => (Process: p, Cpu: Cpu(p) ?? 0)).Where(p => p.Cpu > 0).OrderByDescending(p => p.Cpu).ThenBy(p => p.Process.Pid).Take(input.Top).Select(p => p.Process).ToList();
        var byMemory = visible.Where(p => p.RssPages > 0).OrderByDescending(p => p.RssPages).ThenBy(p => p.Pid).Take(input.Top).ToList();
        var byFds = input.FdCounts is null ? [] : visible
            .Where(p => input.FdCounts.ContainsKey(p.Pid))
            .OrderByDescending(p => input.FdCounts[p.Pid]).ThenBy(p => p.Pid).Take(5).ToList();
        var blocked = visible.Where(p => p.State == 'D').OrderBy(p => p.Pid).Take(50).ToList();

        var topCpu = new List<ProcessReport>();
        var topMemory = new List<ProcessReport>();
        var topFds = new List<ProcessReport>();
        var blockedReports = new List<ProcessReport>();
        foreach (var (list, reports, withLimit) in new[] { (blocked, blockedReports, false), (byCpu, topCpu, false), (byMemory, topMemory, false), (byFds, topFds, true) })
        {
            foreach (var p in list)
            {
                if (!budget.KeepGoing())
                {
                    budget.MarkPartial("stopped before describing every listed process");
                    break;
                }
                reports.Add(Describe(p, withLimit));
            }
        }

        var states = after.Values
            .GroupBy(p => StateName(p.State))
            .OrderByDescending(g => g.Count())
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var fileNr = ProcText.Words(input.Files.ReadText("proc/sys/fs/file-nr") ?? "");
        var handles = fileNr.Length >= 3 ? new FileHandles(ProcText.Long(fileNr[0]), ProcText.Long(fileNr[2])) : null;
        return new ProcessesReport(after.Count, after.Values.Sum(p => p.Threads), states, topCpu, topMemory, topFds, blockedReports, handles, null);
    }

    private static ProcessReport DescribeOne(ProcessInputs input, ProcStat p, double? cpuPercent, Users users, bool withLimit)
    {
        var status = ProcText.Colon(input.Files.ReadText($"proc/{p.Pid}/status"));
        int? fds = input.FdCounts is not null && input.FdCounts.TryGetValue(p.Pid, out var n) ? n : null;
        return new ProcessReport(
            Pid: p.Pid,
            Name: p.Name,
            User: status.TryGetValue("Uid", out var uid) ? users.Name(uid) : null,
            State: StateName(p.State),
            CpuPercent: cpuPercent,
            RssBytes: p.RssPages * input.PageSize,
            SwapBytes: status.TryGetValue("VmSwap", out var swap) ? swap : null,
            Threads: p.Threads,
            Fds: fds,
            FdLimit: withLimit ? OpenFilesLimit(input.Files.ReadText($"proc/{p.Pid}/limits")) : null,
            Wchan: p.State == 'D' ? Wchan(input.Files.ReadText($"proc/{p.Pid}/wchan")) : null,
            CommandLine: CommandLine(input.Files.ReadText($"proc/{p.Pid}/cmdline"), p));
    }

    /// <summary>The soft "Max open files" of /proc/PID/limits.</summary>
    internal static long? OpenFilesLimit(string? limits)
    {
        foreach (var line in ProcText.Lines(limits))
        {
            if (!line.StartsWith("Max open files", StringComparison.Ordinal))
                continue;
            var w = ProcText.Words(line["Max open files".Length..]);
            return w.Length > 0 && long.TryParse(w[0], out var soft) ? soft : null;
        }
        return null;
    }

    private static string? Wchan(string? text) => string.IsNullOrWhiteSpace(text) || text.Trim() == "0" ? null : text.Trim();

    /// <summary>The redacted command line, at most 300 characters; "[name]" for kernel threads.</summary>
    internal static string CommandLine(string? cmdline, ProcStat p)
    {
        if (string.IsNullOrEmpty(cmdline))
            return $"[{p.Name}]";
        var args = cmdline.TrimEnd('\0').Split('\0');
        // Some programs (postgres) rewrite their argv in place and pad it with spaces.
        var line = Redactor.CommandLine(args).Trim();
        return line.Length <= 300 ? line : string.Concat(line.AsSpan(0, 299), "…");
    }
}

/// <summary>What the process report is made from.</summary>
internal sealed record ProcessInputs(
    IHostFiles Files,
    IReadOnlyDictionary<int, ProcStat> Before,
    IReadOnlyDictionary<int, ProcStat> After,
    double Seconds,
    long TicksPerSecond,
    long PageSize,
    int Top,
    int SelfPid,
    IReadOnlyDictionary<int, int>? FdCounts);

/// <summary>User names from the host's /etc/passwd (uid → name).</summary>
internal sealed class Users(Dictionary<long, string> names)
{
    public static Users Read(IHostFiles files)
    {
        var names = new Dictionary<long, string>();
        foreach (var line in ProcText.Lines(files.ReadText("etc/passwd")))
        {
            var parts = line.Split(':');
            if (parts.Length > 2 && long.TryParse(parts[2], out var uid))
                names.TryAdd(uid, parts[0]);
        }
        return new Users(names);
    }

    public string Name(long uid) => names.TryGetValue(uid, out var name) ? name : uid.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
