using System.Text.RegularExpressions;
using Steady.Host.Model;

namespace Steady.Host.Collect;

/// <summary>
/// The kernel log ring buffer (/dev/kmsg, read without waiting): OOM kills with their victims, and
/// a few kinds of message that explain a struggling host. The journal import reads far more; this
/// is what a snapshot can say on a host without journald.
/// </summary>
internal static partial class KernelLogCollector
{
    /// <summary>One kernel log record: when (boot time plus its microseconds) and what.</summary>
    internal sealed record KernelRecord(DateTimeOffset? At, string Message);

    public const string Unreadable = "cannot read /dev/kmsg: it needs root (CAP_SYSLOG) or kernel.dmesg_restrict=0";

    /// <summary>The kinds of message counted, each with what picks it out.</summary>
    internal static readonly (string Kind, Regex Pattern)[] Kinds =
    [
        ("hung-task", HungTask()),
        ("io-error", IoError()),
        ("filesystem-error", FilesystemError()),
        ("conntrack-full", ConntrackFull()),
        ("syn-flood", SynFlood()),
        ("segfault", Segfault()),
        ("nic-watchdog", NicWatchdog()),
    ];

    public static KernelLogReport Collect(IHostFiles files, DateTimeOffset? bootedAt, DateTimeOffset now, TimeSpan recent, StepBudget budget)
    {
        var records = new List<KernelRecord>();
        var readable = files.ReadKernelLog("dev/kmsg", line =>
        {
            if (Parse(line, bootedAt) is { } record)
                records.Add(record);
        }, budget.KeepGoing);
        if (!readable)
            return new KernelLogReport(false, Unreadable, null, [], []);
        if (budget.CutShort)
            budget.MarkPartial($"read {records.Count:N0} kernel log records before the budget ran out");
        return Summarize(records, now - recent);
    }

    /// <summary>"6,1234,5678901,-;message" → (boot + 5.678901 s, message); continuation lines (" KEY=value") are skipped.</summary>
    internal static KernelRecord? Parse(string line, DateTimeOffset? bootedAt)
    {
        if (line.Length == 0 || line[0] == ' ')
            return null;
        var semicolon = line.IndexOf(';', StringComparison.Ordinal);
        if (semicolon < 0)
            return null;
        var header = line[..semicolon].Split(',');
        DateTimeOffset? at = header.Length >= 3 && long.TryParse(header[2], out var micros) && bootedAt is { } boot
            ? boot.AddTicks(micros * 10)
            : null;
        return new KernelRecord(at, line[(semicolon + 1)..]);
    }

    internal static KernelLogReport Summarize(List<KernelRecord> records, DateTimeOffset recentSince)
    {
        // Newest first (the log is in time order; the sort is stable).
        var kills = new List<OomKill>();
        foreach (var (at, message) in records)
        {
            var match = OomKilled().Match(message);
            if (match.Success)
            {
                long? anon = long.TryParse(match.Groups["anon"].Value, out var kb) ? kb * 1024 : null;
                kills.Add(new OomKill(at, int.Parse(match.Groups["pid"].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups["name"].Value, anon));
            }
        }
        var events = new List<KernelEvent>();
        foreach (var (kind, pattern) in Kinds)
        {
            var matching = records.Where(r => pattern.IsMatch(r.Message)).ToList();
            if (matching.Count == 0)
                continue;
            var last = matching[^1];
            events.Add(new KernelEvent(kind, matching.Count, matching.Count(r => r.At >= recentSince), last.At, Redactor.Text(last.Message.Trim())));
        }
        return new KernelLogReport(true, null, recentSince, [.. kills.OrderByDescending(k => k.At ?? DateTimeOffset.MinValue).Take(20)], events);
    }

    /// <summary>"Killed process 1234 (my (weird) proc) total-vm:..., anon-rss:...kB": the name runs to the ") " before total-vm.</summary>
    [GeneratedRegex(@"Killed process (?<pid>\d+) \((?<name>.*?)\)(?= total-vm|,|$)(?: total-vm:\d+kB, anon-rss:(?<anon>\d+)kB)?")]
    private static partial Regex OomKilled();

    [GeneratedRegex(@"blocked for more than \d+ seconds")]
    private static partial Regex HungTask();

    [GeneratedRegex(@"I/O error|blk_update_request|critical medium error|Medium Error")]
    private static partial Regex IoError();

    [GeneratedRegex(@"EXT4-fs error|EXT4-fs \(.*\): Remounting filesystem read-only|XFS \(.*\): (?:Corruption|metadata I/O error|Filesystem has been shut down)|BTRFS (?:error|critical)|Remounting filesystem read-only")]
    private static partial Regex FilesystemError();

    [GeneratedRegex(@"nf_conntrack: table full")]
    private static partial Regex ConntrackFull();

    [GeneratedRegex(@"Possible SYN flooding")]
    private static partial Regex SynFlood();

    [GeneratedRegex(@" segfault at ")]
    private static partial Regex Segfault();

    [GeneratedRegex(@"NETDEV WATCHDOG|transmit queue \d+ timed out")]
    private static partial Regex NicWatchdog();
}
