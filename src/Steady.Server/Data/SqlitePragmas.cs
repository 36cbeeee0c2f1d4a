using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Steady.Server.Data;

/// <summary>
/// Every SQLite connection: WAL durability at NORMAL sync, foreign keys on, a wait instead of "database is
/// locked", and a page cache of up to 32 MiB (SQLite's default is 2 MiB: with a few hundred thousand alerts
/// the indexes the intake writer touches no longer fit, and every insert re-reads pages from the OS).
/// The cache grows only as pages are used. The log is checkpointed in the background (<see cref="SqliteCheckpointer"/>);
/// SQLite's own checkpoint on commit is the safety net at 10,000 pages (40 MiB), and the log file is
/// trimmed back to 64 MiB when it restarts.
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA cache_size = -32768; PRAGMA wal_autocheckpoint = 10000; PRAGMA journal_size_limit = 67108864;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }
}
