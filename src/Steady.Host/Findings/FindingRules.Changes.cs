using Steady.Host.Model;

namespace Steady.Host.Findings;

/// <summary>Failed units, recent package changes and the kernel log: what changed, and what broke.</summary>
public static partial class FindingRules
{
    /// <summary>How serious each kind of kernel message is, when it is recent.</summary>
    private static readonly Dictionary<string, (string Severity, string What)> KernelKinds = new(StringComparer.Ordinal)
    {
        ["io-error"] = (Finding.Critical, "I/O error"),
        ["filesystem-error"] = (Finding.Critical, "filesystem error"),
        ["conntrack-full"] = (Finding.Critical, "connection-tracking table full message"),
        ["hung-task"] = (Finding.Warning, "hung task report"),
        ["syn-flood"] = (Finding.Warning, "SYN flood warning"),
        ["nic-watchdog"] = (Finding.Warning, "network transmit timeout"),
        ["segfault"] = (Finding.Info, "segfault"),
    };

    private static void Units(Snapshot s, List<Finding> findings)
    {
        if (s.Systemd is not { Running: true, Failed.Count: > 0 } systemd)
            return;
        var names = systemd.Failed.Select(u => u.Unit).ToList();
        findings.Add(new Finding(Finding.Warning, "systemd",
            $"{Plural(names.Count, "systemd unit")} failed: {string.Join(", ", names.Take(5))}{(names.Count > 5 ? $" and {names.Count - 5} more" : "")}",
            [.. systemd.Failed.Take(5).Select(u => $"{u.Unit}: {u.Active}/{u.Sub} ({u.Description})")]));
    }

    /// <summary>Services that failed, restarted or lost a process to the OOM killer in the journal's window; starts and stops as one line.</summary>
    private static void ServiceActivity(Snapshot s, List<Finding> findings)
    {
        if (s.Journal is not { Collected: true, Since: { } since } journal)
            return;
        var minutes = Math.Round((s.TakenAt - since).TotalMinutes);
        foreach (var unit in journal.Units.Where(u => u.Failures + u.Restarts + u.OomKills > 0))
        {
            var what = new List<string>();
            if (unit.Failures > 0)
                what.Add($"failed {Times(unit.Failures)}");
            if (unit.Restarts > 0)
                what.Add($"was restarted {Times(unit.Restarts)}");
            if (unit.OomKills > 0)
                what.Add($"lost {Plural(unit.OomKills, "process", "processes")} to the OOM killer");
            findings.Add(new Finding(Finding.Warning, "systemd",
                $"{unit.Unit} {Join(what)} in the last {minutes:0} minutes; the last, {Size.Ago(s.TakenAt - unit.LastAt)}: \"{Cut(unit.LastMessage, 140)}\"",
                [$"journal ({journal.Source}): {unit.Unit}: {unit.Starts} starts, {unit.Stops} stops, {unit.Failures} failures, {unit.Restarts} restarts, {unit.OomKills} OOM kills"]));
        }
        var calm = journal.Units.Where(u => u.Failures + u.Restarts + u.OomKills == 0 && u.Starts + u.Stops > 0).ToList();
        if (calm.Count > 0)
        {
            findings.Add(new Finding(Finding.Info, "changes",
                $"services started or stopped in the last {minutes:0} minutes: {string.Join(", ", calm.Take(5).Select(u => $"{u.Unit} ({Describe(u)})"))}{(calm.Count > 5 ? $" and {calm.Count - 5} more" : "")}",
                [.. calm.Take(5).Select(u => $"journal: {u.Unit}, the last {Size.Ago(s.TakenAt - u.LastAt)}: {Cut(u.LastMessage, 100)}")]));
        }

        static string Times(int n) => n == 1 ? "once" : n == 2 ? "twice" : $"{n} times";
        static string Join(List<string> parts) => parts.Count == 1 ? parts[0] : $"{string.Join(", ", parts[..^1])} and {parts[^1]}";
        static string Describe(UnitActivity u) => u is { Starts: > 0, Stops: > 0 } ? "restarted" : u.Starts > 0 ? "started" : "stopped";
    }

    private static void Packages(Snapshot s, Thresholds t, List<Finding> findings)
    {
        if (s.Packages is not { } packages)
            return;
        var since = s.TakenAt.AddHours(-t.RecentChangeHours);
        if (packages.Changes.Count == 0 || packages.Changes[0].At < since)
            return;
        var last = packages.Changes[0];
        var recent = packages.Changes.Where(c => c.At >= since).ToList();
        var count = recent.Count < packages.Changes.Count ? Plural(recent.Count, "package change") : $"{(packages.ChangesInWindow > recent.Count ? "at least " : "")}{Plural(recent.Count, "package change")}";
        findings.Add(new Finding(Finding.Info, "changes",
            $"recent change: {count} in the last {t.RecentChangeHours:0} h, the last {Size.Ago(s.TakenAt - last.At)} ({Change(last)})",
            [.. recent.Take(3).Select(c => $"/var/log/dpkg.log {c.At:yyyy-MM-dd HH:mm zzz} {Change(c)}"),
             .. packages.AptRuns.Where(r => r.StartedAt >= since).Take(1).Select(r => $"/var/log/apt/history.log: {r.CommandLine}{(r.RequestedBy is null ? "" : $" (by {r.RequestedBy})")}")]));
    }

    private static string Change(PackageChange c) => c.Action switch
    {
        "upgrade" => $"upgrade {c.Package} {c.FromVersion} → {c.ToVersion}",
        "install" => $"install {c.Package} {c.ToVersion}",
        _ => $"{c.Action} {c.Package} {c.FromVersion}",
    };

    private static void Kernel(Snapshot s, List<Finding> findings)
    {
        if (s.KernelLog is not { Readable: true } log)
            return;
        var minutes = log.RecentSince is { } since ? Math.Round((s.TakenAt - since).TotalMinutes) : 0;
        foreach (var kernelEvent in log.Events.Where(e => e.Recent > 0))
        {
            var (severity, what) = KernelKinds.TryGetValue(kernelEvent.Kind, out var kind) ? kind : (Finding.Info, kernelEvent.Kind);
            findings.Add(new Finding(severity, "kernel",
                $"kernel: {Plural(kernelEvent.Recent, what)} in the last {minutes:0} minutes; the last: \"{Cut(kernelEvent.LastMessage, 140)}\"",
                [$"/dev/kmsg: {kernelEvent.Count} such messages in the ring buffer"]));
        }
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
