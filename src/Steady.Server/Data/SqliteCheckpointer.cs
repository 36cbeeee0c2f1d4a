using Microsoft.Data.Sqlite;

namespace Steady.Server.Data;

/// <summary>
/// Copies SQLite's write-ahead log back into the database file in the background (PASSIVE checkpoints,
/// which never block a writer), so the intake writer's commits only append to the log. Left to
/// SQLite, the commit that crosses the auto-checkpoint threshold does the copying and its fsyncs
/// itself, and every alert in that batch waits for them. The auto-checkpoint stays on at a higher
/// threshold (<see cref="SqlitePragmas"/>) as the safety net should this loop fall behind.
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
                    await using var command = connection.CreateCommand();
                    command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
                    await command.ExecuteNonQueryAsync(stoppingToken);
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

    [LoggerMessage(EventId = 130, Level = LogLevel.Warning, Message = "SQLite checkpoint failed: {Reason}; SQLite's own checkpoint still runs, and this one retries")]
    private static partial void LogFailed(ILogger logger, string reason);
}
