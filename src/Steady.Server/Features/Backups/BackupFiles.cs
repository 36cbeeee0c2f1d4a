using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;
using Steady.Server.Data;

namespace Steady.Server.Features.Backups;

/// <summary>The "Steady:Backup" section.</summary>
public sealed class BackupOptions
{
    public const string Section = "Steady:Backup";

    /// <summary>Where backups are written (default: a "backups" folder next to the SQLite file, or "backups" for PostgreSQL).</summary>
    public string? Directory { get; set; }

    /// <summary>How often the server backs up by itself: "off", or an interval such as 30m, 6h, 1d (default 1d).</summary>
    public string Schedule { get; set; } = "1d";

    /// <summary>How many of Steady's backups to keep in <see cref="Directory"/> (the newest; default 7). Older ones are deleted by every node from its own folder after each new good backup.</summary>
    public int Keep { get; set; } = 7;

    /// <summary>Also delete backups older than this (e.g. 30d; default: age alone deletes none). The newest backup is always kept.</summary>
    public string? MaxAge { get; set; }

    /// <summary>The service (by name) on which Steady raises its own alert when the last good backup is older than two schedule intervals.</summary>
    public string? AlertService { get; set; }

    /// <summary><see cref="Schedule"/> as an interval; null when off.</summary>
    public TimeSpan? Interval => Parse("Schedule", Schedule, allowOff: true);

    /// <summary><see cref="MaxAge"/> as an interval; null when not set.</summary>
    public TimeSpan? MaxAgeInterval => string.IsNullOrWhiteSpace(MaxAge) ? null : Parse("MaxAge", MaxAge, allowOff: false);

    /// <summary>Checks the section (at start): a setting the operator got wrong stops the server with one line.</summary>
    public void Validate()
    {
        _ = Interval;
        _ = MaxAgeInterval;
        if (Keep < 1)
            throw new StartupException($"{Section}:Keep must be 1 or more (the newest backups kept); got {Keep}.");
    }

    /// <summary>"off", or a number and a unit: 90s, 30m, 6h, 1d, 2w.</summary>
    private static TimeSpan? Parse(string setting, string? text, bool allowOff)
    {
        var value = text?.Trim() ?? "";
        if (allowOff && (value.Length == 0 || value.Equals("off", StringComparison.OrdinalIgnoreCase)))
            return null;
        var factor = value.Length < 2 ? 0 : char.ToLowerInvariant(value[^1]) switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86400, 'w' => 7 * 86400, _ => 0 };
        if (factor == 0 || !int.TryParse(value[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number == 0 || (long)number * factor < 60)
            throw new StartupException($"{Section}:{setting} must be {(allowOff ? "'off' or " : "")}an interval of a minute or more such as 30m, 6h or 1d; got '{text}'.");
        return TimeSpan.FromSeconds((long)number * factor);
    }
}

public sealed record BackupDto(string File, long Bytes, DateTimeOffset At, int SchemaVersion);

public sealed record BackupCheckDto(string File, string Integrity, int SchemaVersion, int ExpectedSchemaVersion, IReadOnlyDictionary<string, long> Rows);

/// <summary>Something about a backup the operator can fix (a missing tool, a file that is not a backup).</summary>
public sealed class BackupException(string message) : Exception(message);

/// <summary>
/// Writes a consistent copy of the running database and checks one. SQLite: <c>VACUUM INTO</c>, which reads one
/// snapshot and finishes under sustained intake (the online backup API restarts on every write). PostgreSQL:
/// <c>pg_dump -Fc</c> from PATH. A copy is written under a temporary name and renamed when complete, so a
/// file named steady-*.db or steady-*.dump is always whole.
/// </summary>
public sealed partial class BackupFiles(DatabaseInfo database, IOptions<BackupOptions> options, TimeProvider time)
{
    /// <summary>The names Steady gives its backups (and the only files retention ever deletes).</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^steady-(\d{8}T\d{9}Z)(-\d+)?\.(db|dump)$")]
    private static partial System.Text.RegularExpressions.Regex SteadyName();

    /// <summary>The tables whose rows a check counts.</summary>
    public static readonly IReadOnlyList<string> CountedTables = ["alerts", "alert_groups", "incidents", "services", "users", "audit_log"];

    public string Directory => Path.GetFullPath(options.Value.Directory
        ?? (database.SqlitePath is { } path ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "backups") : "backups"));

    private string Extension => database.Provider == DatabaseProvider.Sqlite ? ".db" : ".dump";

    public async Task<BackupDto> WriteAsync(CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var at = time.GetUtcNow();
        var stamp = $"steady-{at.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture)}";
        var name = stamp + Extension;
        // Two backups in one millisecond (two admins, or a clock that stands still) get -2, -3…: never one over another.
        for (var n = 2; File.Exists(Path.Combine(Directory, name)); n++)
            name = $"{stamp}-{n}{Extension}";
        var final = Path.Combine(Directory, name);
        var partial = final + ".partial";
        File.Delete(partial);
        try
        {
            if (database.Provider == DatabaseProvider.Sqlite)
                await VacuumIntoAsync(partial, cancellationToken);
            else
                await PgDumpAsync(partial, cancellationToken);
            File.Move(partial, final, overwrite: false);
        }
        finally
        {
            File.Delete(partial);
        }
        var check = await CheckAsync(name, cancellationToken);
        return new BackupDto(name, new FileInfo(final).Length, at, check.SchemaVersion);
    }

    /// <summary>Steady's backups in <see cref="Directory"/>, newest first (files of other names are not Steady's and never listed).</summary>
    public IReadOnlyList<(string Name, DateTimeOffset At)> List()
    {
        if (!System.IO.Directory.Exists(Directory))
            return [];
        var backups = new List<(string Name, DateTimeOffset At)>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory))
        {
            var name = Path.GetFileName(path);
            var match = SteadyName().Match(name);
            if (match.Success && DateTimeOffset.TryParseExact(match.Groups[1].Value, "yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
                backups.Add((name, at));
        }
        return [.. backups.OrderByDescending(b => b.At).ThenByDescending(b => b.Name, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Deletes Steady's backups in this node's folder beyond the newest <paramref name="keep"/>, and those older than
    /// <paramref name="maxAge"/>. The folder's newest is always kept, unless the installation has a newer good backup
    /// (<paramref name="installationNewest"/>, from the database: another node wrote it into its own folder), so a node that
    /// has not written for a while does not keep a stale backup past MaxAge forever. Returns the names deleted.
    /// </summary>
    public IReadOnlyList<string> Prune(int keep, TimeSpan? maxAge, DateTimeOffset now, DateTimeOffset? installationNewest = null)
    {
        var deleted = new List<string>();
        var backups = List();
        for (var i = 0; i < backups.Count; i++)
        {
            var protectedNewest = i == 0 && (installationNewest is not { } newest || newest <= backups[0].At);
            if (protectedNewest || (i < keep && (maxAge is not { } age || backups[i].At >= now - age)))
                continue;
            File.Delete(Path.Combine(Directory, backups[i].Name));
            deleted.Add(backups[i].Name);
        }
        return deleted;
    }

    /// <summary>The path of a backup in <see cref="Directory"/> by its file name (no folders: only this server's backups).</summary>
    public string PathOf(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name != Path.GetFileName(name) || !name.StartsWith("steady-", StringComparison.Ordinal))
            throw new BackupException($"'{name}' is not the name of a backup: give a file name such as steady-20260101T000000000Z{Extension} from {Directory}.");
        var path = Path.Combine(Directory, name);
        if (!File.Exists(path))
            throw new BackupException($"There is no backup named '{name}' in {Directory}.");
        return path;
    }

    /// <summary>Opens a backup and checks its integrity, schema version and row counts.</summary>
    public async Task<BackupCheckDto> CheckAsync(string name, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        return await CheckFileAsync(name, path, cancellationToken);
    }

    /// <summary>Which database a backup file is for, by its first bytes (SQLite's header, pg_dump's archive); null when neither.</summary>
    internal static DatabaseProvider? KindOf(string path)
    {
        Span<byte> head = stackalloc byte[16];
        using (var file = File.OpenRead(path))
            head = head[..file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)];
        if (head.SequenceEqual("SQLite format 3\0"u8))
            return DatabaseProvider.Sqlite;
        return head.StartsWith("PGDMP"u8) ? DatabaseProvider.Postgres : null;
    }

    /// <summary>Checks the backup at <paramref name="path"/> (named <paramref name="name"/> in messages) against the schema this binary has for its database.</summary>
    internal static async Task<BackupCheckDto> CheckFileAsync(string name, string path, CancellationToken cancellationToken)
    {
        var kind = KindOf(path) ?? throw new BackupException($"{name} is not a Steady backup: it is neither a SQLite database nor a pg_dump archive (damaged, or another file).");
        var expected = Migrator.LatestVersion(kind);
        if (kind == DatabaseProvider.Sqlite)
            return await CheckSqliteAsync(name, path, expected, cancellationToken);
        try
        {
            return await CheckDumpAsync(name, path, expected, cancellationToken);
        }
        catch (BackupException e) when (!e.Message.StartsWith(name, StringComparison.Ordinal))
        {
            throw new BackupException($"{name} could not be read as a pg_dump archive: {e.Message}");
        }
    }

    private async Task VacuumIntoAsync(string target, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "VACUUM INTO $target";
        command.Parameters.AddWithValue("$target", target);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<BackupCheckDto> CheckSqliteAsync(string name, string path, int expected, CancellationToken cancellationToken)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        try
        {
            await using var connection = new SqliteConnection(builder.ToString());
            await connection.OpenAsync(cancellationToken);
            var integrity = (string)(await ScalarAsync(connection, "PRAGMA integrity_check", cancellationToken))!;
            var version = Convert.ToInt32(await ScalarAsync(connection, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", cancellationToken), CultureInfo.InvariantCulture);
            var rows = new Dictionary<string, long>();
            foreach (var table in CountedTables)
                rows[table] = Convert.ToInt64(await ScalarAsync(connection, $"SELECT COUNT(*) FROM {table}", cancellationToken), CultureInfo.InvariantCulture);
            return new BackupCheckDto(name, integrity, version, expected, rows);
        }
        catch (SqliteException e)
        {
            throw new BackupException($"{name} is not a readable Steady SQLite backup: {e.Message}");
        }
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private async Task PgDumpAsync(string target, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        await RunAsync("pg_dump", ["--format=custom", "--no-owner", $"--file={target}", .. PgConnectionArguments(connection)], connection.Password, cancellationToken);
    }

    /// <summary>Where pg_dump and pg_restore connect: the connection string's host, port, user and database.</summary>
    internal static IEnumerable<string> PgConnectionArguments(NpgsqlConnectionStringBuilder connection)
    {
        if (connection.Host is { } host)
            yield return $"--host={host}";
        yield return $"--port={connection.Port}";
        if (connection.Username is { } user)
            yield return $"--username={user}";
        yield return $"--dbname={connection.Database ?? "postgres"}";
    }

    private static async Task<BackupCheckDto> CheckDumpAsync(string name, string path, int expected, CancellationToken cancellationToken)
    {
        var list = await RunAsync("pg_restore", ["--list", path], null, cancellationToken);
        if (!list.Contains("TABLE DATA", StringComparison.Ordinal))
            throw new BackupException($"{name} is a pg_dump archive without table data.");
        var versions = await CopyRowsAsync(path, "schema_migrations", cancellationToken);
        var version = versions.Count == 0 ? 0 : versions.Max(r => int.Parse(r.Split('\t')[0], CultureInfo.InvariantCulture));
        var rows = new Dictionary<string, long>();
        foreach (var table in CountedTables)
            rows[table] = (await CopyRowsAsync(path, table, cancellationToken)).Count;
        return new BackupCheckDto(name, "ok", version, expected, rows);
    }

    /// <summary>The rows of one table as pg_restore prints them (the lines of its COPY block).</summary>
    private static async Task<List<string>> CopyRowsAsync(string path, string table, CancellationToken cancellationToken)
    {
        var text = await RunAsync("pg_restore", ["--data-only", $"--table={table}", "--file=-", path], null, cancellationToken);
        var rows = new List<string>();
        var inCopy = false;
        foreach (var line in text.Split('\n'))
        {
            if (!inCopy && line.StartsWith("COPY ", StringComparison.Ordinal) && line.EndsWith("FROM stdin;", StringComparison.Ordinal))
                inCopy = true;
            else if (inCopy && line == "\\.")
                inCopy = false;
            else if (inCopy)
                rows.Add(line);
        }
        return rows;
    }

    internal static async Task<string> RunAsync(string tool, IEnumerable<string> arguments, string? password, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        if (password is not null)
            start.Environment["PGPASSWORD"] = password;
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new BackupException($"{tool} did not start.");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new BackupException($"{tool} was not found on PATH: install the PostgreSQL client tools (the server's major version or newer) on this host.");
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
                throw new BackupException($"{tool} failed (exit {process.ExitCode}): {(await error).Trim()}");
            return await output;
        }
    }
}
