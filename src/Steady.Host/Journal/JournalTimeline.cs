using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Steady.Host.Collect;

namespace Steady.Host.Journal;

/// <summary>One line for an incident's timeline, from one journal entry or from a burst of alike ones.</summary>
/// <param name="Kind">"error", "unit", "oom", "kernel" or "burst".</param>
/// <param name="Key">Stable: the same entries read again give the same key, so importing twice adds nothing twice.</param>
/// <param name="Count">How many entries it stands for (1, or a burst's size).</param>
public sealed record TimelineItem(DateTimeOffset At, string Kind, string Text, string Key, string Host, int Count);

/// <summary>What is selected and when alike entries become one burst line.</summary>
public sealed record TimelineOptions
{
    /// <summary>This many alike entries (same host, source and message once numbers and ids are set aside) in one run are a burst.</summary>
    public int BurstMinimum { get; init; } = 5;

    /// <summary>Alike entries further apart than this are separate runs.</summary>
    public TimeSpan BurstGap { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The host of entries without _HOSTNAME.</summary>
    public string DefaultHost { get; init; } = Environment.MachineName;

    /// <summary>Longest message kept in a line; the rest is cut with "…".</summary>
    public int MaxMessageLength { get; init; } = 500;
}

/// <summary>The lines for the timeline, oldest first, and what they came from.</summary>
public sealed record TimelineSelection(
    int EntriesRead,
    int EntriesSelected,
    IReadOnlyList<TimelineItem> Items,
    IReadOnlyDictionary<string, int> SelectedByKind)
{
    public int Bursts => Items.Count(i => i.Kind == JournalTimeline.Burst);
}

/// <summary>
/// Picks what belongs on an incident's timeline from the journal: errors and worse, unit failures,
/// exits, restarts, starts and stops (systemd's messages about services), OOM kills, and kernel
/// errors (plus the kernel messages the snapshot counts: hung tasks, I/O and filesystem errors, full
/// conntrack, SYN floods, segfaults, NIC timeouts). Alike entries — the same host, source and
/// message once numbers, ids and addresses are set aside — that come in a run of at least
/// <see cref="TimelineOptions.BurstMinimum"/> become one line: "`connection pool exhausted` ×412
/// from myapp between 13:14 and 13:19 UTC". Streams: memory grows with distinct messages, not entries.
/// </summary>
public static partial class JournalTimeline
{
    public const string Error = "error", Unit = "unit", Oom = "oom", Kernel = "kernel", Burst = "burst";

    /// <summary>The kind of line an entry makes on the timeline; null when it does not belong there.</summary>
    public static string? KindOf(JournalEntry entry)
    {
        if (entry.IsKernel)
        {
            if (OomKill().IsMatch(entry.Message))
                return Oom;
            if (entry.Priority is <= 3)
                return Kernel;
            return KernelLogCollector.Kinds.Any(k => k.Pattern.IsMatch(entry.Message)) ? Kernel : null;
        }
        switch (SystemdMessages.EventOf(entry.MessageId))
        {
            case "oom":
                return Oom;
            case "failed" or "exited" or "restart":
                return Unit;
            case "started" or "stopped" when SystemdMessages.IsService(entry.AboutUnit):
                return Unit;
        }
        return entry.Priority is <= 3 ? Error : null;
    }

    public static TimelineSelection Select(IEnumerable<JournalEntry> entries, TimelineOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new TimelineOptions();
        var runs = new Dictionary<(string Host, string Source, string Kind, string Pattern), Run>();
        var items = new List<TimelineItem>();
        var byKind = new Dictionary<string, int>(StringComparer.Ordinal);
        int read = 0, selected = 0;
        foreach (var entry in entries)
        {
            read++;
            if ((read & 0xFFF) == 0)
                cancellationToken.ThrowIfCancellationRequested();
            if (KindOf(entry) is not { } kind)
                continue;
            selected++;
            byKind[kind] = byKind.GetValueOrDefault(kind) + 1;
            var host = entry.Host is { Length: > 0 } h ? h : options.DefaultHost;
            var source = SourceName(entry);
            var group = (host, source, kind, Normalize(entry.Message));
            if (runs.TryGetValue(group, out var run) && entry.At - run.LastAt > options.BurstGap)
            {
                run.Close(items, options);
                run = null;
            }
            if (run is null)
                runs[group] = run = new Run(host, source, kind, group.Item4);
            run.Add(entry, options);
        }
        foreach (var run in runs.Values)
            run.Close(items, options);
        items.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : string.CompareOrdinal(a.Key, b.Key));
        return new TimelineSelection(read, selected, items, byKind);
    }

    /// <summary>Alike entries in a row: the first few are kept until they turn out to be a burst.</summary>
    private sealed class Run(string host, string source, string kind, string pattern)
    {
        private readonly List<JournalEntry> _kept = [];
        private JournalEntry? _first;
        private int _count;

        public DateTimeOffset LastAt { get; private set; }

        public void Add(JournalEntry entry, TimelineOptions options)
        {
            _first ??= entry;
            _count++;
            LastAt = entry.At;
            if (_count < options.BurstMinimum)
                _kept.Add(entry);
            else
                _kept.Clear();
        }

        public void Close(List<TimelineItem> items, TimelineOptions options)
        {
            if (_first is null)
                return;
            if (_count < options.BurstMinimum)
            {
                foreach (var entry in _kept)
                    items.Add(new TimelineItem(entry.At, kind, Line(entry, source, options), EntryKey(entry), host, 1));
            }
            else
            {
                var example = Cut(_first.Message, options.MaxMessageLength);
                var shown = Cut(pattern, options.MaxMessageLength);
                var text = $"`{shown}` ×{_count.ToString("N0", CultureInfo.InvariantCulture)} from {source} {Between(_first.At, LastAt)}"
                    + (example == shown ? "" : $"; first: {example}");
                items.Add(new TimelineItem(_first.At, Burst, text, "journal-burst:" + Hash($"{host}\n{source}\n{kind}\n{pattern}\n{EntryKey(_first)}"), host, _count));
            }
            _first = null;
            _count = 0;
            _kept.Clear();
        }
    }

    /// <summary>"between 13:14 and 13:19 UTC", or "at 13:14 UTC" within one minute; with the date when they differ in day.</summary>
    internal static string Between(DateTimeOffset first, DateTimeOffset last)
    {
        var a = first.UtcDateTime;
        var b = last.UtcDateTime;
        var fa = a.ToString("HH:mm", CultureInfo.InvariantCulture);
        var fb = (a.Date == b.Date ? b.ToString("HH:mm", CultureInfo.InvariantCulture) : b.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
        return fa == fb ? $"at {fa} UTC" : $"between {fa} and {fb} UTC";
    }

    /// <summary>The line of one entry: "myapp: message"; systemd's and the kernel's messages name their subject already.</summary>
    internal static string Line(JournalEntry entry, string source, TimelineOptions options)
    {
        var message = Cut(entry.Message, options.MaxMessageLength);
        if (entry.IsKernel)
            return $"kernel: {message}";
        return entry.MessageId is not null && SystemdMessages.EventOf(entry.MessageId) is not null ? message : $"{source}: {message}";
    }

    /// <summary>Who wrote it, as a person names it: the unit (without ".service"), else the syslog identifier or command.</summary>
    internal static string SourceName(JournalEntry entry)
    {
        if (entry.IsKernel)
            return "kernel";
        var unit = entry.MessageId is not null && SystemdMessages.EventOf(entry.MessageId) is not null ? entry.AboutUnit : entry.Unit;
        if (unit is { Length: > 0 } && !unit.EndsWith(".scope", StringComparison.Ordinal) && !unit.EndsWith(".slice", StringComparison.Ordinal))
            return unit.EndsWith(".service", StringComparison.Ordinal) ? unit[..^".service".Length] : unit;
        return entry.Identifier ?? entry.Command ?? "?";
    }

    /// <summary>The entry's key: its boot, monotonic and wall times, host and message, hashed. Every reader sees the same.</summary>
    public static string EntryKey(JournalEntry entry) =>
        "journal:" + Hash(string.Create(CultureInfo.InvariantCulture, $"{entry.BootId}\n{entry.Monotonic}\n{entry.At.UtcTicks}\n{entry.Host}\n{entry.Message}"));

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16));

    /// <summary>
    /// The message with what varies from one to the next set aside: UUIDs and long hex ids as
    /// "&lt;id&gt;", IP addresses as "&lt;ip&gt;", numbers as "#"; whitespace runs as one space.
    /// </summary>
    public static string Normalize(string message)
    {
        var text = message.Length > 2000 ? message[..2000] : message;
        return Variable().Replace(text, m =>
            m.Groups["id"].Success ? "<id>"
            : m.Groups["ip"].Success ? "<ip>"
            : m.Groups["space"].Success ? " "
            : "#").Trim();
    }

    private static string Cut(string text, int max)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= max ? line : line[..(max - 1)] + "…";
    }

    [GeneratedRegex(@"(?<id>\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b|\b0x[0-9a-fA-F]+\b|\b(?=[0-9a-fA-F]*[0-9])(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,}\b)|(?<ip>\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b|\[[0-9a-fA-F:]+\](?::\d+)?)|(?<num>\d+(?:[.,:]\d+)*)|(?<space>\s{2,})", RegexOptions.CultureInvariant)]
    private static partial Regex Variable();

    [GeneratedRegex(@"Killed process \d+ \(", RegexOptions.CultureInvariant)]
    private static partial Regex OomKill();
}
