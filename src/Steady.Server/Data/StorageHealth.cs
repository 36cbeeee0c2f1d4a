namespace Steady.Server.Data;

/// <summary>
/// What this process last learned about its database from its own work: when a write failed because the database
/// was unavailable or its disk full (<see cref="DbErrors.IsUnavailable"/>), and why; cleared by the next write that
/// commits, or <see cref="Remembered"/> after the last such failure. <c>/readyz</c> reports it, with the free space
/// under a SQLite database, so an operator sees why intake answers 503 — and sees it clear by itself when the
/// database is back.
/// </summary>
public sealed class StorageHealth(DatabaseInfo database, TimeProvider time)
{
    /// <summary>Below this much free space under the SQLite database, the server is not ready: the next write may not fit.</summary>
    public const long MinimumFreeBytes = 4 * 1024 * 1024;

    /// <summary>How long a failure counts without a newer one: a node taken out of a load balancer's rotation gets no writes to clear it.</summary>
    public static readonly TimeSpan Remembered = TimeSpan.FromSeconds(30);

    private sealed record Failure(DateTimeOffset At, string Reason);

    private Failure? _failure;

    /// <summary>Work failed on the database; remembered when the database itself was the reason.</summary>
    public void Failed(Exception exception)
    {
        if (DbErrors.UnavailableCause(exception) is not { } cause)
            return;
        var reason = cause.Message.ReplaceLineEndings(" ").Trim();
        Volatile.Write(ref _failure, new Failure(time.GetUtcNow(), reason.Length > 200 ? reason[..200] + "…" : reason));
    }

    /// <summary>A write committed: the database works again.</summary>
    public void Succeeded()
    {
        if (Volatile.Read(ref _failure) is not null)
            Volatile.Write(ref _failure, null);
    }

    /// <summary>Why the database is not fit to take work, in words, or null.</summary>
    public string? Problem()
    {
        if (database.SqlitePath is { } path && FreeBytes(path) is { } free && free < MinimumFreeBytes)
            return $"the disk under the SQLite database {path} is full ({free / 1024} KiB free)";
        return Volatile.Read(ref _failure) is { } failure && time.GetUtcNow() - failure.At < Remembered
            ? $"writes to the {database.Provider.ToString().ToLowerInvariant()} database fail since {failure.At:yyyy-MM-dd HH:mm:ss}Z: {failure.Reason}"
            : null;
    }

    /// <summary>The space free for this process on the file system that holds <paramref name="path"/>, or null when it cannot be told.</summary>
    public static long? FreeBytes(string path)
    {
        try
        {
            var folder = Path.GetDirectoryName(path);
            return folder is null ? null : new DriveInfo(folder).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
