using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using Steady.Server.Data;
using Steady.Server.Features.Paging;

namespace Steady.Server.Features.Backups;

/// <summary>
/// <c>Steady.Server restore FILE [--force]</c>: puts a backup back, with the server stopped, into the database the server's
/// own settings name (Steady:Database:Provider and ConnectionString, from appsettings.json, the environment or
/// <c>--Steady:Database:ConnectionString=…</c>), so the restore goes exactly where the server will look. It checks the
/// backup first (integrity, a schema this binary knows), refuses a database that holds data unless <c>--force</c>, and
/// leaves nothing half-written: SQLite is copied beside the target under a temporary name, checked, and renamed into
/// place (a replaced database is kept as <c>steady.db.replaced-STAMP</c>); PostgreSQL is restored by
/// <c>pg_restore --single-transaction</c>, all or nothing (with <c>--force</c> the old tables are moved aside into a
/// schema first and put back if the restore fails).
/// </summary>
public static class Restore
{
    public const string Verb = "restore";

    public const string Usage = "usage: Steady.Server restore FILE [--force] (the target is the server's own Steady:Database settings; stop the server first)";

    /// <summary>Runs the verb; returns the exit code (0 restored, 1 refused or failed: one line on <paramref name="error"/>).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var force = args.Contains("--force");
        var files = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        if (files.Count != 1)
        {
            await error.WriteLineAsync($"steady: {Usage}");
            return 2;
        }
        // The server's own configuration: appsettings.json beside the binary, STEADY-style environment, --Key=value arguments.
        var settings = args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal)).ToArray();
        var configuration = WebApplication.CreateBuilder(new WebApplicationOptions { Args = settings, ContentRootPath = AppContext.BaseDirectory }).Configuration;
        try
        {
            var database = DatabaseSetup.Resolve(configuration.GetSection($"{SteadyOptions.Section}:Database").Get<DatabaseOptions>() ?? new DatabaseOptions());
            await output.WriteLineAsync(await RunAsync(Path.GetFullPath(files[0]), database, force, TimeProvider.System, cancellationToken));
            return 0;
        }
        catch (Exception e) when (e is BackupException or StartupException)
        {
            await error.WriteLineAsync($"steady: {e.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }

    /// <summary>Restores <paramref name="file"/> into <paramref name="target"/>; returns what was done, in one line. Throws <see cref="BackupException"/> for what the operator can fix.</summary>
    public static async Task<string> RunAsync(string file, DatabaseInfo target, bool force, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
            throw new BackupException($"There is no file {file}.");
        var name = Path.GetFileName(file);
        var check = await BackupFiles.CheckFileAsync(name, file, cancellationToken);
        var kind = BackupFiles.KindOf(file);
        if (kind != target.Provider)
            throw new BackupException($"{name} is a {kind} backup but this server uses {target.Provider} (Steady:Database:Provider): restore it into a {kind} database.");
        if (check.Integrity != "ok")
            throw new BackupException($"{name} failed its integrity check, nothing was restored: {check.Integrity.ReplaceLineEndings(" ")}");
        if (check.SchemaVersion > check.ExpectedSchemaVersion)
            throw new BackupException($"{name} has schema version {check.SchemaVersion}, newer than this Steady's {check.ExpectedSchemaVersion}: restore it with the Steady that wrote it, or a newer one.");
        if (check.SchemaVersion == 0)
            throw new BackupException($"{name} holds no Steady schema: nothing was restored.");
        var where = target.Provider == DatabaseProvider.Sqlite
            ? await SqliteAsync(file, name, target.SqlitePath!, force, time, cancellationToken)
            : await PostgresAsync(file, name, target.ConnectionString, force, time, cancellationToken);
        var alerts = check.Rows.TryGetValue("alerts", out var count) ? count : 0;
        return $"Restored {name} into {where}: schema version {check.SchemaVersion}, {alerts} alerts, {check.Rows["incidents"]} incidents, {check.Rows["users"]} users. Start the server (it applies any newer migrations).";
    }

    private static async Task<string> SqliteAsync(string file, string name, string path, bool force, TimeProvider time, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // The server holds this lock while it runs: restoring under a running server is refused in its words.
        using var held = SqliteFileLock.Acquire(path);
        var replaced = new List<(string From, string To)>();
        if (await SqliteHoldsDataAsync(path, cancellationToken))
        {
            if (!force)
                throw new BackupException($"{path} already holds a Steady database: restore into an empty data directory, or give --force to replace it (the replaced files are kept beside it).");
        }
        var stamp = time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var restoring = path + ".restoring";
        try
        {
            File.Copy(file, restoring, overwrite: true);
            using (var copy = new FileStream(restoring, FileMode.Open, FileAccess.ReadWrite))
                copy.Flush(flushToDisk: true);
            var copied = await BackupFiles.CheckFileAsync(name, restoring, cancellationToken);
            if (copied.Integrity != "ok")
                throw new BackupException($"The copy of {name} at {restoring} failed its integrity check (the disk?): nothing was restored.");
            SqliteConnection.ClearAllPools();
            // The old database and its write-ahead log move aside together: a stale WAL must never meet the restored file.
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                if (File.Exists(path + suffix))
                {
                    var aside = $"{path}.replaced-{stamp}{suffix}";
                    File.Move(path + suffix, aside);
                    replaced.Add((path + suffix, aside));
                }
            }
            File.Move(restoring, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BackupException)
        {
            foreach (var (from, to) in replaced)
                File.Move(to, from, overwrite: true);
            File.Delete(restoring);
            throw e as BackupException ?? new BackupException($"Could not restore into {path}, which is left as it was: {e.Message}");
        }
        return replaced.Count == 0 ? path : $"{path} (the replaced database is kept as {path}.replaced-{stamp})";
    }

    /// <summary>Whether the SQLite file (or its write-ahead log) holds anything: a file with tables, or a WAL with content.</summary>
    private static async Task<bool> SqliteHoldsDataAsync(string path, CancellationToken cancellationToken)
    {
        if (File.Exists(path + "-wal") && new FileInfo(path + "-wal").Length > 0)
            return true;
        if (!File.Exists(path) || new FileInfo(path).Length == 0)
            return false;
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        try
        {
            await using var connection = new SqliteConnection(builder.ToString());
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'";
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0;
        }
        catch (SqliteException)
        {
            return true; // something that is not an empty database: only --force replaces it
        }
    }

    private static async Task<string> PostgresAsync(string file, string name, string connectionString, bool force, TimeProvider time, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        var database = builder.Database ?? "postgres";
        await using var connection = new NpgsqlConnection(builder.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new BackupException($"Cannot reach the PostgreSQL database {database} (Steady:Database:ConnectionString): {e.Message}");
        }
        if (await ScalarAsync(connection, $"SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = {NodePresence.LockClass}::oid AND objsubid = 2 AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())", cancellationToken) > 0)
            throw new BackupException($"A Steady server is running on the database {database}: stop every node before restoring.");
        var tables = await ScalarAsync(connection, "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'", cancellationToken);
        string? aside = null;
        if (tables > 0)
        {
            if (!force)
                throw new BackupException($"The PostgreSQL database {database} already holds {tables} tables: restore into an empty database, or give --force to replace it.");
            aside = "steady_replaced_" + time.GetUtcNow().UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
            await ExecuteAsync(connection, $"BEGIN; ALTER SCHEMA public RENAME TO {aside}; CREATE SCHEMA public; COMMIT;", cancellationToken);
        }
        try
        {
            await BackupFiles.RunAsync("pg_restore", [.. BackupFiles.PgConnectionArguments(builder), "--no-owner", "--single-transaction", "--exit-on-error", file], builder.Password, cancellationToken);
        }
        catch (BackupException e)
        {
            // pg_restore ran in one transaction, so public is as it was before it: put the old tables back.
            if (aside is not null)
                await ExecuteAsync(connection, $"BEGIN; DROP SCHEMA public CASCADE; ALTER SCHEMA {aside} RENAME TO public; COMMIT;", cancellationToken);
            throw new BackupException($"Nothing was restored into {database}: {e.Message}");
        }
        if (aside is not null)
            await ExecuteAsync(connection, $"DROP SCHEMA {aside} CASCADE", cancellationToken);
        return $"the PostgreSQL database {database}" + (aside is null ? "" : " (its former tables dropped)");
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
