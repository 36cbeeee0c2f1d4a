using Microsoft.EntityFrameworkCore;
using Steady.Server.Data;

namespace Steady.Server.Features.Health;

/// <summary>What is wrong with the database for this server, if anything: the one check /readyz, the watchdog and steady doctor share.</summary>
public static class DatabaseReadiness
{
    /// <summary>The schema version found (0 when the database could not be read) and the problem in words, or null when the database is fit.</summary>
    public static async Task<(int Version, string? Problem)> CheckAsync(SteadyDb db, DatabaseInfo database, StorageHealth storage, CancellationToken cancellationToken)
    {
        var expected = Migrator.LatestVersion(database.Provider);
        int version;
        try
        {
            await db.Database.ExecuteSqlRawAsync("SELECT 1", cancellationToken); // the way every piece of work goes, not only the migrator's
            version = await Migrator.CurrentVersionAsync(db, cancellationToken);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            return (0, $"The {database.Provider} database is not reachable: {e.Message}");
        }
        if (Migrator.TooNew(database.Provider, version) is { } tooNew)
            return (version, tooNew);
        if (version != expected)
            return (version, $"The database schema is at version {version}; this server needs {expected}.");
        if (storage.Problem() is { } problem)
            return (version, $"The database cannot take writes: {problem}.");
        return (version, null);
    }
}
