using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Steady.Server.Tests.Corpus;

/// <summary>
/// Whether the database changed between two moments, cheaply enough to ask around every request. On SQLite,
/// PRAGMA data_version moves exactly when another connection commits a write. On PostgreSQL, every table's
/// row count and the sum of its rows' hashes, computed by the server in one query: two marks differ exactly
/// when a row was added, removed or changed, and the difference names the tables.
/// </summary>
internal sealed class DbFingerprint : IAsyncDisposable
{
    private readonly DbConnection _connection;
    private readonly string _sql;

    private DbFingerprint(DbConnection connection, string sql)
    {
        _connection = connection;
        _sql = sql;
    }

    public static async Task<DbFingerprint> OpenAsync(TestDatabase database)
    {
        if (database.IsSqlite)
        {
            var sqlite = new SqliteConnection(database.ConnectionString);
            await sqlite.OpenAsync();
            return new DbFingerprint(sqlite, "PRAGMA data_version");
        }
        var postgres = new NpgsqlConnection(database.ConnectionString);
        await postgres.OpenAsync();
        var tables = new List<string>();
        await using (var command = postgres.CreateCommand())
        {
            command.CommandText = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                tables.Add(reader.GetString(0));
        }
        var sql = string.Join(" UNION ALL ", tables.Select(t => $"SELECT '{t}', count(*) || ' rows ' || coalesce(sum(hashtextextended(x::text, 0)::numeric), 0) FROM \"{t}\" x"));
        return new DbFingerprint(postgres, sql);
    }

    /// <summary>The database now.</summary>
    public async Task<Dictionary<string, string>> MarkAsync()
    {
        var mark = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var command = _connection.CreateCommand();
        command.CommandText = _sql;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            mark[reader.FieldCount == 1 ? "data_version" : reader.GetString(0)] = Convert.ToString(reader.GetValue(reader.FieldCount - 1), System.Globalization.CultureInfo.InvariantCulture)!;
        return mark;
    }

    /// <summary>What differs between two marks, e.g. "alerts (3 rows → 4 rows)"; empty when nothing does.</summary>
    public static List<string> Diff(Dictionary<string, string> before, Dictionary<string, string> after) =>
        before.Where(t => after[t.Key] != t.Value)
            .Select(t => t.Key == "data_version" ? "the database (a write was committed)" : $"{t.Key} ({Rows(t.Value)} → {Rows(after[t.Key])})")
            .ToList();

    private static string Rows(string mark) => mark[..(mark.IndexOf(" rows", StringComparison.Ordinal) + 5)];

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}
