using Microsoft.EntityFrameworkCore;

namespace Steady.Server.Data;

/// <summary>
/// Before the server listens: take the SQLite file lock, switch it to WAL, and bring the schema up to
/// date — or refuse to start when the schema is newer than this binary knows (<see cref="Migrator.TooNew"/>), before
/// taking any work. Setup's <c>FirstStart</c>, started right after, creates the first admin and, when asked, the demo.
/// </summary>
public sealed partial class DatabaseStartup(IServiceProvider services, DatabaseInfo database, SqliteLockHolder sqliteLock, ILogger<DatabaseStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        sqliteLock.Acquire();

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        try
        {
            if (database.SqlitePath is not null)
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", cancellationToken);
            await RefuseNewerAsync(db, cancellationToken);
            var applied = await Migrator.MigrateAsync(db, cancellationToken: cancellationToken);
            await RefuseNewerAsync(db, cancellationToken); // a newer node may have upgraded it meanwhile
            LogMigrated(logger, database.Provider.ToString(), applied.Count, Migrator.LatestVersion(database.Provider));
        }
        catch (System.Data.Common.DbException e)
        {
            throw new StartupException($"Cannot prepare the {database.Provider} database: {e.Message}");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task RefuseNewerAsync(SteadyDb db, CancellationToken cancellationToken)
    {
        if (Migrator.TooNew(database.Provider, await Migrator.CurrentVersionAsync(db, cancellationToken)) is { } why)
            throw new StartupException(why);
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Database {Provider} ready: {Applied} migration(s) applied, schema version {Version}")]
    private static partial void LogMigrated(ILogger logger, string provider, int applied, int version);
}
