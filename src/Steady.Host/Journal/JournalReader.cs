namespace Steady.Host.Journal;

/// <summary>
/// Reads the journal: through libsystemd's sd-journal API in-process when libsystemd.so.0 can be
/// loaded, else through `journalctl -o json`. <see cref="Source"/> says which one read it.
/// </summary>
public abstract class JournalReader
{
    public const string SdJournalSource = "sd-journal (libsystemd.so.0, in-process)";
    public const string JournalctlSource = "journalctl -o json";

    /// <summary>How the entries were read, for the report.</summary>
    public abstract string Source { get; }

    /// <summary>The entries the query selects, oldest first. Throws <see cref="JournalException"/> when the journal cannot be read.</summary>
    public abstract IEnumerable<JournalEntry> Read(JournalQuery query, CancellationToken cancellationToken = default);

    /// <summary>sd-journal when libsystemd is there, else journalctl.</summary>
    public static JournalReader Default() => SdJournalReader.IsAvailable ? new SdJournalReader() : new JournalctlReader { Fallback = true };

    /// <summary>"sd-journal", "journalctl" or "auto".</summary>
    public static JournalReader Named(string name) => name switch
    {
        "sd-journal" => SdJournalReader.IsAvailable ? new SdJournalReader() : throw new JournalException("libsystemd.so.0 cannot be loaded on this host; use journalctl"),
        "journalctl" => new JournalctlReader(),
        "auto" => Default(),
        _ => throw new ArgumentException($"unknown journal reader '{name}': sd-journal, journalctl or auto", nameof(name)),
    };
}

/// <summary>The journal could not be opened or read; the message says why in one line.</summary>
public sealed class JournalException(string message) : Exception(message);
