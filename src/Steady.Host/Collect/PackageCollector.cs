using System.Globalization;
using Steady.Host.Model;

namespace Steady.Host.Collect;

/// <summary>Recent package changes: what changed before the trouble started, and what to revert.</summary>
internal static class PackageCollector
{
    private const int TailBytes = 512 * 1024;
    private static readonly string[] Actions = ["install", "upgrade", "remove", "purge"];

    public static PackagesReport Collect(IHostFiles files, DateTimeOffset now, TimeZoneInfo zone, int windowDays, int top)
    {
        var since = now.AddDays(-windowDays);
        var dpkg = files.ReadTail("var/log/dpkg.log", TailBytes);
        var history = files.ReadTail("var/log/apt/history.log", TailBytes);
        var changes = ParseDpkg(dpkg, zone).Where(c => c.At >= since && c.At <= now.AddMinutes(5)).OrderByDescending(c => c.At).ToList();
        var runs = ParseAptHistory(history, zone).Where(r => r.StartedAt >= since).OrderByDescending(r => r.StartedAt).Take(top).ToList();
        var note = dpkg is null && history is null ? "no /var/log/dpkg.log or /var/log/apt/history.log (not a Debian-family host?)" : null;
        return new PackagesReport(windowDays, changes.Count, [.. changes.Take(top)], runs, note);
    }

    /// <summary>"2025-06-24 10:11:12 upgrade libssl3:amd64 3.0.15-1 3.0.16-1" (install/upgrade/remove/purge lines only).</summary>
    internal static IEnumerable<PackageChange> ParseDpkg(string? text, TimeZoneInfo zone)
    {
        foreach (var line in ProcText.Lines(text))
        {
            // "YYYY-MM-DD HH:MM:SS action": most lines are "status" and "configure"; skip them unsplit.
            if (line.Length < 28 || !IsChange(line.AsSpan(20)))
                continue;
            var w = ProcText.Words(line);
            if (w.Length < 6 || !Actions.Contains(w[2]) || Time(w[0], w[1], zone) is not { } at)
                continue;
            yield return new PackageChange(at, w[2], w[3], Version(w[4]), Version(w[5]));
        }
    }

    private static bool IsChange(ReadOnlySpan<char> action) =>
        action.StartsWith("install ") || action.StartsWith("upgrade ") || action.StartsWith("remove ") || action.StartsWith("purge ");

    internal static IEnumerable<AptRun> ParseAptHistory(string? text, TimeZoneInfo zone)
    {
        DateTimeOffset? start = null;
        string? commandLine = null, requestedBy = null;
        int installed = 0, upgraded = 0, removed = 0;
        foreach (var line in ProcText.Lines(text))
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon < 0)
                continue;
            var key = line[..colon];
            var value = line[(colon + 2)..].Trim();
            switch (key)
            {
                case "Start-Date":
                    var w = ProcText.Words(value);
                    start = w.Length == 2 ? Time(w[0], w[1], zone) : null;
                    commandLine = requestedBy = null;
                    installed = upgraded = removed = 0;
                    break;
                case "Commandline": commandLine = Redactor.Text(value); break;
                case "Requested-By": requestedBy = value; break;
                case "Install" or "Reinstall": installed += Packages(value); break;
                case "Upgrade" or "Downgrade": upgraded += Packages(value); break;
                case "Remove" or "Purge": removed += Packages(value); break;
                case "End-Date" when start is { } started:
                    yield return new AptRun(started, commandLine, requestedBy, installed, upgraded, removed);
                    start = null;
                    break;
            }
        }
    }

    /// <summary>"a:amd64 (1.0), b:amd64 (2.0, automatic)": one package per parenthesis.</summary>
    private static int Packages(string list) => list.Count(c => c == '(');

    private static string? Version(string text) => text == "<none>" ? null : text;

    /// <summary>Log times are the host's local time: resolved in its zone (a time skipped by DST takes the standard offset).</summary>
    private static DateTimeOffset? Time(string date, string time, TimeZoneInfo zone)
    {
        if (!DateTime.TryParseExact($"{date} {time}", "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            return null;
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
