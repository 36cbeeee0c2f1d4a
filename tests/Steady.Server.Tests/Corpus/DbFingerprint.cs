using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Steady.Server.Tests.Corpus;

/// <summary>
/// Whether the database changed between two moments, cheaply enough to ask around every request. On SQLite,
/// PRAGMA data_version moves exactly when another connection commits a write. On PostgreSQL, a row trigger on
/// every table counts the rows each one has inserted, updated or deleted, in the writing transaction itself (a
/// rolled-back write counts nothing): two marks differ exactly when a write was committed, and name its tables.
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
            command.CommandText = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations' ORDER BY table_name";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                tables.Add(reader.GetString(0));
        }
        await using (var command = postgres.CreateCommand())
        {
            command.CommandText = """
                CREATE TABLE corpus_changes (t text PRIMARY KEY, n bigint NOT NULL DEFAULT 0);
                CREATE FUNCTION corpus_count() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN UPDATE corpus_changes SET n = n + 1 WHERE t = TG_TABLE_NAME; RETURN NULL; END $$;
                """ + string.Concat(tables.Select(t => $"""
                INSERT INTO corpus_changes (t) VALUES ('{t}');
                CREATE TRIGGER corpus_count AFTER INSERT OR UPDATE OR DELETE ON "{t}" FOR EACH ROW EXECUTE FUNCTION corpus_count();
                """));
            await command.ExecuteNonQueryAsync();
        }
        return new DbFingerprint(postgres, "SELECT t, n FROM corpus_changes");
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

    /// <summary>What was written between two marks, e.g. "alerts (1 row written)"; empty when nothing was.</summary>
    public static List<string> Diff(Dictionary<string, string> before, Dictionary<string, string> after) =>
        before.Where(t => after[t.Key] != t.Value)
            .Select(t => t.Key == "data_version" ? "the database (a write was committed)" : $"{t.Key} ({long.Parse(after[t.Key]) - long.Parse(t.Value)} rows written)")
            .ToList();

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}
