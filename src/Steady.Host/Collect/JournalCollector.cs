using Steady.Host.Journal;
using Steady.Host.Model;

namespace Steady.Host.Collect;

/// <summary>
/// Service starts, stops, failures, restarts and OOM kills from the journal: only systemd's unit
/// messages, picked by MESSAGE_ID through the journal's own index, so an hour of a busy journal
/// costs little. The running host's journal, or the journal files of a captured tree.
/// </summary>
internal static class JournalCollector
{
    private static readonly string[] Wanted =
    [
        SystemdMessages.UnitStarted, SystemdMessages.UnitStopped, SystemdMessages.UnitFailed, SystemdMessages.UnitFailureResult,
        SystemdMessages.UnitRestartScheduled, SystemdMessages.UnitOutOfMemory,
    ];

    public static JournalReport Collect(IHostFiles files, Func<JournalReader> reader, DateTimeOffset now, TimeSpan window, int top, StepBudget budget)
    {
        string[] folders = ["var/log/journal", "run/log/journal"];
        List<string> journalFiles = [];
        if (files.Root == "/")
        {
            if (!folders.Any(files.Exists))
                return JournalReport.Missing("no journal on this host: neither /var/log/journal nor /run/log/journal exists (journald not running?)");
        }
        else
        {
            journalFiles = [.. folders.Select(f => Path.Combine(files.Root, f)).Where(Directory.Exists)
                .SelectMany(d => Directory.EnumerateFiles(d, "*.journal", SearchOption.AllDirectories)).Order(StringComparer.Ordinal)];
            if (journalFiles.Count == 0)
                return JournalReport.Missing($"no journal files under {files.Root} (var/log/journal, run/log/journal)");
        }

        var journal = reader();
        var since = now - window;
        var units = new Dictionary<string, Tally>(StringComparer.Ordinal);
        var read = 0;
        try
        {
            foreach (var entry in journal.Read(new JournalQuery { Since = since, Until = now, MessageIds = Wanted, Files = journalFiles }))
            {
                if (!budget.KeepGoing())
                {
                    budget.MarkPartial($"read {read:N0} unit messages before the budget ran out");
                    break;
                }
                read++;
                if (entry.AboutUnit is not { Length: > 0 } unit || SystemdMessages.EventOf(entry.MessageId) is not { } what)
                    continue;
                if (what is "started" or "stopped" && !SystemdMessages.IsService(unit))
                    continue;
                if (!units.TryGetValue(unit, out var tally))
                    units[unit] = tally = new Tally();
                tally.Add(what, entry.MessageId!, entry.At, entry.Message);
            }
        }
        catch (JournalException e)
        {
            return new JournalReport(false, $"cannot read the journal: {e.Message}", journal.Source, since, []);
        }
        var list = units
            .Select(u => u.Value.Report(u.Key))
            .OrderByDescending(u => u.Failures + u.Restarts + u.OomKills)
            .ThenByDescending(u => u.LastAt)
            .Take(top)
            .ToList();
        return new JournalReport(true, null, journal.Source, since, list);
    }

    private sealed class Tally
    {
        private int _starts, _stops, _failed, _results, _restarts, _ooms;
        private DateTimeOffset _lastAt;
        private string _lastMessage = "";

        public void Add(string what, string messageId, DateTimeOffset at, string message)
        {
            switch (what)
            {
                case "started": _starts++; break;
                case "stopped": _stops++; break;
                case "restart": _restarts++; break;
                case "oom": _ooms++; break;
                case "failed" when messageId == SystemdMessages.UnitFailureResult: _results++; break;
                case "failed": _failed++; break;
            }
            if (at >= _lastAt)
            {
                _lastAt = at;
                _lastMessage = message.Length > 300 ? message[..299] + "…" : message;
            }
        }

        /// <summary>One failure logs "Failed with result" and, for a start job, "Failed to start": count the larger.</summary>
        public UnitActivity Report(string unit) => new(unit, _starts, _stops, Math.Max(_failed, _results), _restarts, _ooms, _lastAt, _lastMessage);
    }
}
