namespace Steady.Host.Journal;

/// <summary>
/// One journal entry, with the fields the timeline, the snapshot and the agent use. BootId and
/// Monotonic come from the entry's header, so every reader (sd-journal, journalctl) sees the same
/// values, and together with the time and the message they name the entry stably (<see cref="Key"/>).
/// </summary>
public sealed record JournalEntry(
    DateTimeOffset At,
    string BootId,
    ulong Monotonic,
    string? Host,
    string? Unit,
    string? Identifier,
    string? Command,
    int? Pid,
    int? Priority,
    string? Transport,
    string? MessageId,
    string? AboutUnit,
    string Message)
{
    /// <summary>Where it came from, as a person names it: the unit, else the syslog identifier, else the command, else "kernel".</summary>
    public string Source =>
        Transport == "kernel" ? "kernel"
        : Unit is { Length: > 0 } unit && !(Pid == 1 && AboutUnit is not null) ? unit
        : Identifier ?? Command ?? "?";

    public bool IsKernel => Transport == "kernel";
}

/// <summary>
/// What to read: entries at or after Since (and before Until), of these units (their own entries,
/// systemd's messages about them, and the kernel's, which OOM kills and I/O errors are) or of all;
/// from these journal files, or from the system's journal.
/// </summary>
public sealed record JournalQuery
{
    public DateTimeOffset? Since { get; init; }

    public DateTimeOffset? Until { get; init; }

    public IReadOnlyList<string> Units { get; init; } = [];

    /// <summary>Only entries with one of these MESSAGE_IDs (systemd's unit messages); used when no units are given.</summary>
    public IReadOnlyList<string> MessageIds { get; init; } = [];

    /// <summary>Journal files (journalctl --file); empty: the local system's journal.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>The journal field matches the unit filter stands for: its own entries, systemd's about it, and the kernel's.</summary>
    public IReadOnlyList<string> Matches =>
        Units.Count > 0 ? [.. Units.SelectMany(u => new[] { $"_SYSTEMD_UNIT={u}", $"UNIT={u}" }), "_TRANSPORT=kernel"]
        : [.. MessageIds.Select(id => $"MESSAGE_ID={id}")];

    /// <summary>"nginx" means nginx.service, as systemctl and journalctl -u take it.</summary>
    public static string UnitName(string name)
    {
        var trimmed = name.Trim();
        string[] suffixes = [".service", ".socket", ".target", ".timer", ".mount", ".scope", ".slice", ".path", ".swap", ".device", ".automount"];
        return suffixes.Any(s => trimmed.EndsWith(s, StringComparison.Ordinal)) ? trimmed : trimmed + ".service";
    }
}
