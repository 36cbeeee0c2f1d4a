using System.Data.Common;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;

namespace Steady.Server.Data;

/// <summary>One versioned schema change: Data/Migrations/{Provider}/NNNN_name.sql.</summary>
public sealed record Migration(int Version, string Name, string Sql);

/// <summary>
/// Applies the embedded SQL migrations of the configured provider in version order, each in its own
/// transaction together with its row in schema_migrations, under a lock so that several nodes
/// starting at once apply each migration exactly once. A migration may add a code step after its SQL
/// (<see cref="CodeSteps"/>), in the same transaction.
/// </summary>
public static partial class Migrator
{
    /// <summary>Migrations that are code after their SQL (a data repair SQL cannot write for both providers), run in the same transaction.</summary>
    private static readonly Dictionary<int, Func<DbConnection, DbTransaction, bool, CancellationToken, Task>> CodeSteps = new()
    {
        [15] = StoredText.RepairAsync,
        [20] = SecretColumns.ScrubAuditAsync,
    };

    public static IReadOnlyList<Migration> For(DatabaseProvider provider)
    {
        var assembly = typeof(Migrator).Assembly;
        var prefix = $"{assembly.GetName().Name}.Data.Migrations.{provider}.";
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var match = FileName().Match(resource[prefix.Length..]);
            if (!match.Success)
                throw new InvalidOperationException($"Migration resource '{resource}' is not named NNNN_name.sql.");
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups[2].Value, reader.ReadToEnd()));
        }
        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
                throw new InvalidOperationException($"Migrations of {provider} must be numbered 1, 2, 3... without gaps; found {migrations[i].Version} at position {i + 1}.");
        }
        return migrations;
    }

    /// <summary>Brings the schema up to <paramref name="target"/> (default: the newest). Returns the versions applied.</summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(SteadyDb db, int? target = null, CancellationToken cancellationToken = default)
    {
        var provider = db.IsSqlite ? DatabaseProvider.Sqlite : DatabaseProvider.Postgres;
        var migrations = For(provider);
        var applied = new List<int>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            // Under the lock on PostgreSQL: two nodes starting at once on an empty database would both create the table
            // (CREATE TABLE IF NOT EXISTS is not safe against a concurrent CREATE: one fails on a duplicate type name).
            await using (var create = provider == DatabaseProvider.Sqlite ? null : await connection.BeginTransactionAsync(cancellationToken))
            {
                if (create is not null)
                    await ExecuteAsync(connection, create, "SELECT pg_advisory_xact_lock(7415201)", cancellationToken);
                await ExecuteAsync(connection, create, provider == DatabaseProvider.Sqlite
                    ? "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                    : "CREATE TABLE IF NOT EXISTS schema_migrations (version integer NOT NULL PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
                    cancellationToken);
                if (create is not null)
                    await create.CommitAsync(cancellationToken);
            }

            foreach (var migration in migrations.Where(m => m.Version <= (target ?? int.MaxValue)))
            {
                await using var transaction = provider == DatabaseProvider.Sqlite
                    ? await BeginImmediateAsync(connection, cancellationToken)
                    : await connection.BeginTransactionAsync(cancellationToken);
                if (provider == DatabaseProvider.Postgres)
                    await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(7415201)", cancellationToken);

                var done = await ScalarAsync(connection, transaction, $"SELECT COUNT(*) FROM schema_migrations WHERE version = {migration.Version}", cancellationToken);
                if (done > 0)
                {
                    await transaction.RollbackAsync(cancellationToken);
                    continue;
                }
                await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
                if (CodeSteps.TryGetValue(migration.Version, out var code))
                    await code(connection, transaction, provider == DatabaseProvider.Sqlite, cancellationToken);
                await ExecuteAsync(connection, transaction, provider == DatabaseProvider.Sqlite
                    ? $"INSERT INTO schema_migrations (version, name, applied_at) VALUES ({migration.Version}, '{migration.Name}', datetime('now'))"
                    : $"INSERT INTO schema_migrations (version, name) VALUES ({migration.Version}, '{migration.Name}')",
                    cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                applied.Add(migration.Version);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return applied;
    }

    /// <summary>The newest version applied to the database, or 0 for an empty one.</summary>
    public static async Task<int> CurrentVersionAsync(SteadyDb db, CancellationToken cancellationToken = default)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var exists = await ScalarAsync(connection, null, db.IsSqlite
                ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
                : "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'",
                cancellationToken);
            return exists == 0 ? 0 : (int)await ScalarAsync(connection, null, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public static int LatestVersion(DatabaseProvider provider) => For(provider)[^1].Version;

    /// <summary>A transaction holding the migration lock (SQLite's write lock, taken now; PostgreSQL's advisory lock), for work that nodes must take turns at.</summary>
    internal static async Task<DbTransaction> BeginLockedAsync(DbConnection connection, bool sqlite, CancellationToken cancellationToken)
    {
        if (sqlite)
            return await BeginImmediateAsync(connection, cancellationToken);
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(7415201)", cancellationToken);
        return transaction;
    }

    /// <summary>
    /// Why this binary must take no work on a database whose schema is at <paramref name="version"/>, or null when it may:
    /// a newer Steady upgraded the schema, and an older one would read and write rows it does not understand.
    /// </summary>
    public static string? TooNew(DatabaseProvider provider, int version)
    {
        var known = LatestVersion(provider);
        return version <= known ? null
            : $"The database schema is at version {version}, newer than this Steady knows ({known}): a newer Steady upgraded it. " +
              "This one takes no work on it; run the newer Steady (a downgrade needs the backup taken before the upgrade).";
    }

    private static async Task<DbTransaction> BeginImmediateAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // A deferred SQLite transaction takes its write lock late; IMMEDIATE takes it now, so two starters queue.
        var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
        await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_migrations_lock (id INTEGER); DELETE FROM schema_migrations_lock", cancellationToken);
        return transaction;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<long> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^(\d{4})_([a-z0-9_]+)\.sql$")]
    private static partial Regex FileName();
}
