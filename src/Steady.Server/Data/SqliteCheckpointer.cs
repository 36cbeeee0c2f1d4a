using Microsoft.Data.Sqlite;

namespace Steady.Server.Data;

/// <summary>
/// Copies SQLite's write-ahead log back into the database file in the background (PASSIVE checkpoints,
/// which never block a writer), so the intake writer's commits only append to the log. Left to
/// SQLite, the commit that crosses the auto-checkpoint threshold does the copying and its fsyncs
/// itself, and every alert in that batch waits for them. The auto-checkpoint stays on at a higher
/// threshold (<see cref="SqlitePragmas"/>) as the safety net should this loop fall behind.
/// It starts after <see cref="DatabaseStartup"/> (registered after it), and a checkpoint that answers "not in WAL mode"
/// opens its connection again: a connection that first saw the database before it was switched to WAL (a brand-new
/// file) never reads its header again, and its checkpoints would do nothing while the log grows without bound.
/// </summary>
public sealed partial class SqliteCheckpointer(DatabaseInfo database, TimeProvider time, ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (database.SqlitePath is null)
            return;
        SqliteConnection? connection = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(Interval, time, stoppingToken);
                try
                {
                    if (connection is null)
                    {
                        connection = new SqliteConnection(database.ConnectionString);
                        await connection.OpenAsync(stoppingToken);
                    }
                    if (!await CheckpointAsync(connection, stoppingToken))
                    {
                        await connection.DisposeAsync();
                        connection = null;
                    }
                }
                catch (SqliteException e)
                {
                    LogFailed(logger, e.Message);
                    if (connection is not null)
                        await connection.DisposeAsync();
                    connection = null;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (connection is not null)
                await connection.DisposeAsync();
        }
    }

    /// <summary>
    /// One PASSIVE checkpoint; false when the connection does not see the database in WAL mode (the log's size is -1).
    /// When the disk under the database runs low, a TRUNCATE checkpoint instead, which also gives the log's space back.
    /// </summary>
    internal async Task<bool> CheckpointAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        var low = StorageHealth.FreeBytes(database.SqlitePath!) is { } free && free < 4 * StorageHealth.MinimumFreeBytes;
        await using var command = connection.CreateCommand();
        command.CommandText = low ? "PRAGMA wal_checkpoint(TRUNCATE);" : "PRAGMA wal_checkpoint(PASSIVE);";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        // busy, frames in the log, frames checkpointed: -1, -1 when this connection is not in WAL mode.
        return !await reader.ReadAsync(cancellationToken) || reader.GetInt64(1) != -1;
    }

    [LoggerMessage(EventId = 130, Level = LogLevel.Warning, Message = "SQLite checkpoint failed: {Reason}; SQLite's own checkpoint still runs, and this one retries")]
    private static partial void LogFailed(ILogger logger, string reason);
}
