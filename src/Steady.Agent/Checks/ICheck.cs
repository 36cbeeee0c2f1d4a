using Steady.Host;
using Steady.Host.Journal;

namespace Steady.Agent.Checks;

/// <summary>
/// One local check. Each run returns what is failing now, one result per subject (a unit, a
/// mount); a subject that was failing and is not among the failing results any more is resolved
/// by the agent. A check that cannot look (no PSI on this kernel) returns no results and says why.
/// </summary>
public interface ICheck
{
    /// <summary>Unique among the agent's checks; part of every dedup key it makes.</summary>
    string Name { get; }

    /// <summary>"systemd", "filesystem", "memory-pressure", "oom", "journal-burst" or "http".</summary>
    string Type { get; }

    Task<CheckRun> RunAsync(CheckContext context, CancellationToken cancellationToken);
}

/// <summary>What a check found: the subjects failing now, and a note when it could not look.</summary>
public sealed record CheckRun(IReadOnlyList<Failing> Failing, string? Note = null)
{
    public static readonly CheckRun Passing = new([]);
}

/// <summary>One failing subject ("" for a check with one subject): a one-line summary, its severity, and labels for the alert.</summary>
public sealed record Failing(string Subject, string Summary, string Severity, IReadOnlyDictionary<string, string>? Labels = null);

/// <summary>What checks read and use: the host's files, the clock, the journal, systemctl, HTTP.</summary>
public sealed class CheckContext
{
    public required IHostFiles Files { get; init; }

    public required TimeProvider Time { get; init; }

    public required string Host { get; init; }

    public required HttpClient Http { get; init; }

    public Func<JournalReader> Journal { get; init; } = JournalReader.Default;

    /// <summary>Runs systemctl list-units --failed (see the snapshot's SystemdCollector); null where only the running host can be asked.</summary>
    public Func<TimeSpan, string?>? Systemctl { get; init; }
}
