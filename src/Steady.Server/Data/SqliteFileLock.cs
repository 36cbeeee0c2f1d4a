namespace Steady.Server.Data;

/// <summary>
/// Holds an exclusive lock on "{database}.lock" for the life of the process, so a second Steady
/// started on the same SQLite file stops with a clear message instead of sharing it. The kernel
/// drops the lock when the process dies, even on kill -9.
/// </summary>
public sealed class SqliteFileLock : IDisposable
{
    private readonly FileStream _stream;

    private SqliteFileLock(FileStream stream, string path)
    {
        _stream = stream;
        Path = path;
    }

    public string Path { get; }

    public static SqliteFileLock Acquire(string databasePath)
    {
        var lockPath = databasePath + ".lock";
        try
        {
            // On Unix, .NET takes FileShare.None as an exclusive advisory lock (flock) on the file.
            var stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            using (var writer = new StreamWriter(stream, leaveOpen: true))
                writer.Write(Environment.ProcessId);
            stream.Flush();
            return new SqliteFileLock(stream, lockPath);
        }
        catch (IOException)
        {
            throw new StartupException(
                $"Another Steady server is already using the SQLite database '{databasePath}' (lock file '{lockPath}'). " +
                "SQLite serves one process; stop the other server, or run several nodes on PostgreSQL (Steady:Database:Provider=postgres).");
        }
    }

    public void Dispose() => _stream.Dispose();
}

/// <summary>The server cannot start, for a reason the person starting it can fix. Printed as one line.</summary>
public sealed class StartupException(string message) : Exception(message);

/// <summary>The process's hold on its SQLite database, taken before the server starts and kept until it stops.</summary>
public sealed class SqliteLockHolder(DatabaseInfo database) : IDisposable
{
    private SqliteFileLock? _lock;

    public void Acquire()
    {
        if (_lock is not null || database.SqlitePath is not { } path)
            return;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _lock = SqliteFileLock.Acquire(path);
    }

    public void Dispose() => _lock?.Dispose();
}
