using System.Buffers.Text;
using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using NodaTime;
using SQLitePCL;
using Steady.Server.Data;

namespace Steady.Server.Features.Reports;

/// <summary>One row of a <see cref="ReportRows"/> read: its columns by position.</summary>
public abstract class ReportRow
{
    public abstract bool IsNull(int ordinal);

    public abstract Guid Guid(int ordinal);

    public abstract string Text(int ordinal);

    /// <summary>
    /// A text column of few distinct values read a million times (an alert's name), cut to <paramref name="maxLength"/>
    /// characters, as the one instance <paramref name="pool"/> holds: on SQLite no string is made for a value seen before.
    /// </summary>
    public abstract string Text(int ordinal, TextPool pool, int maxLength);

    public abstract long Number(int ordinal);

    /// <summary>An instant: SQLite's UTC microseconds, PostgreSQL's timestamptz.</summary>
    public abstract Instant At(int ordinal);

    public Instant? AtOrNull(int ordinal) => IsNull(ordinal) ? null : At(ordinal);
}

/// <summary>
/// The reports' few large reads (a year holds a million alerts), row by row: the same SQL on SQLite and PostgreSQL
/// but for what <see cref="Label"/> writes. On SQLite the statement is stepped directly (each column read through
/// ADO.NET's reader costs more than SQLite's own work on the row; a million rows made that a second); on PostgreSQL
/// through the provider's reader. Reads only: nothing here writes or opens a transaction, so a report never holds
/// SQLite's one writer.
/// </summary>
public static class ReportRows
{
    /// <summary>Runs <paramref name="sql"/> (parameters @p0, @p1… in order) and hands each row to <paramref name="row"/>.</summary>
    public static async Task ReadAsync(SteadyDb db, string sql, IReadOnlyList<object> parameters, Action<ReportRow> row, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            if (db.Database.GetDbConnection() is SqliteConnection sqlite && db.Database.CurrentTransaction is null)
            {
                Step(sqlite, sql, parameters, row, cancellationToken);
                return;
            }
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = sql;
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            for (var i = 0; i < parameters.Count; i++)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = Name(i);
                parameter.Value = parameters[i];
                command.Parameters.Add(parameter);
            }
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var current = new ReaderRow(reader, db.IsSqlite);
            while (await reader.ReadAsync(cancellationToken))
                row(current);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// How many parts <see cref="ReadInPartsAsync"/> reads at once where a report reads a whole table (the machine Steady is
    /// built for has two cores; a report's reads are all it does meanwhile).
    /// </summary>
    public const int Parts = 2;

    /// <summary>
    /// <see cref="ReadAsync"/> of one table's rows in parts read at once (as many as <paramref name="rows"/>), each on its own
    /// connection (a context from a scope of <paramref name="scopes"/>; the first part through <paramref name="db"/>) and its
    /// own thread: a year's reports read a million alerts, and on two cores two halves take little more than half the time.
    /// Part <c>i</c>'s rows go to <c>rows[i]</c>, each part in the order a single read would have met them, and every row of
    /// part <c>i</c> before every row of part <c>i + 1</c> in that order: merged in part order, what the parts counted is what
    /// one read would have. On SQLite the parts are ranges of equal width of the table's rowids (the order its scan reads
    /// it in); <paramref name="sql"/> is given the condition for one part on <c><paramref name="alias"/>.rowid</c> (its two
    /// parameters after <paramref name="parameters"/>). On PostgreSQL, which does the reading in its own processes, the
    /// whole table is one part, read through <paramref name="db"/>, and the other parts are empty. Each part is read in its
    /// own snapshot: a row is read once, as it was when its part was read.
    /// </summary>
    public static async Task ReadInPartsAsync(SteadyDb db, IServiceScopeFactory scopes, string table, string alias, Func<string, string> sql,
        IReadOnlyList<object> parameters, IReadOnlyList<Action<ReportRow>> rows, CancellationToken cancellationToken)
    {
        if (!db.IsSqlite || rows.Count == 1)
        {
            await ReadAsync(db, sql("1 = 1"), parameters, rows[0], cancellationToken);
            return;
        }
        var (low, high) = (0L, -1L);
        // Each in a query of its own: SQLite finds one min() or max() at an end of the table, both together by a full scan.
        await ReadAsync(db, $"SELECT (SELECT min(rowid) FROM {table}), (SELECT max(rowid) FROM {table})", [], row =>
        {
            if (!row.IsNull(0))
                (low, high) = (row.Number(0), row.Number(1));
        }, cancellationToken);
        var width = (high - low) / rows.Count + 1;
        var part = sql($"{alias}.rowid BETWEEN {Name(parameters.Count)} AND {Name(parameters.Count + 1)}");
        var others = Enumerable.Range(1, rows.Count - 1).Select(_ => scopes.CreateAsyncScope()).ToList();
        try
        {
            // The first part from the lowest rowid there can be, the last to the highest: rows written since are in one of them.
            var reads = rows.Select((read, i) =>
            {
                var context = i == 0 ? db : others[i - 1].ServiceProvider.GetRequiredService<SteadyDb>();
                object[] bounds = [i == 0 ? long.MinValue : low + (i * width), i == rows.Count - 1 ? long.MaxValue : low + ((i + 1) * width) - 1];
                return (Func<Task>)(() => ReadAsync(context, part, [.. parameters, .. bounds], read, cancellationToken));
            }).ToList();
            // The other parts start first, then this thread reads the first (on SQLite a read runs to its end once called).
            var started = reads.Skip(1).Select(read => Task.Run(read)).ToList();
            await Task.WhenAll([reads[0](), .. started]);
        }
        finally
        {
            foreach (var other in others)
                await other.DisposeAsync();
        }
    }

    /// <summary>SQL for the value of one label in a labels <paramref name="column"/> (null when absent), its path (<see cref="SteadyDb.LabelPath"/>) passed as <paramref name="pathParameter"/>.</summary>
    public static string Label(this SteadyDb db, string column, string pathParameter) =>
        db.IsSqlite ? $"json_extract({column}, {pathParameter})" : $"jsonb_extract_path_text({column}::jsonb, {pathParameter})";

    private static string Name(int i) => "@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void Step(SqliteConnection connection, string sql, IReadOnlyList<object> parameters, Action<ReportRow> row, CancellationToken cancellationToken)
    {
        var handle = connection.Handle!;
        Check(raw.sqlite3_prepare_v2(handle, sql, out var statement), handle);
        using (statement)
        {
            for (var i = 0; i < parameters.Count; i++)
            {
                var index = raw.sqlite3_bind_parameter_index(statement, Name(i));
                Check(parameters[i] switch
                {
                    long number => raw.sqlite3_bind_int64(statement, index, number),
                    string text => raw.sqlite3_bind_text(statement, index, text),
                    var other => throw new ArgumentException($"A report parameter of type {other.GetType().Name} is not read here.", nameof(parameters)),
                }, handle);
            }
            var current = new StatementRow(statement);
            var rows = 0;
            int result;
            while ((result = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                if (++rows % 65536 == 0)
                    cancellationToken.ThrowIfCancellationRequested();
                row(current);
            }
            Check(result, handle);
        }
    }

    private static void Check(int result, sqlite3 handle)
    {
        if (result is not (raw.SQLITE_OK or raw.SQLITE_DONE))
            SqliteException.ThrowExceptionForRC(result, handle);
    }

    private sealed class ReaderRow(DbDataReader reader, bool sqlite) : ReportRow
    {
        public override bool IsNull(int ordinal) => reader.IsDBNull(ordinal);

        public override Guid Guid(int ordinal) => reader.GetGuid(ordinal);

        public override string Text(int ordinal) => reader.GetString(ordinal);

        public override string Text(int ordinal, TextPool pool, int maxLength)
        {
            var text = reader.GetString(ordinal);
            return pool.Get(text.AsSpan(0, Math.Min(text.Length, maxLength)));
        }

        public override long Number(int ordinal) => reader.GetInt64(ordinal);

        public override Instant At(int ordinal) => sqlite
            ? Instant.FromUnixTimeTicks(reader.GetInt64(ordinal) * 10)
            : Instant.FromDateTimeUtc(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));
    }

    /// <summary>A row of a statement being stepped: ids are SQLite text (EF's form), parsed without making a string.</summary>
    private sealed class StatementRow(sqlite3_stmt statement) : ReportRow
    {
        public override bool IsNull(int ordinal) => raw.sqlite3_column_type(statement, ordinal) == raw.SQLITE_NULL;

        public override Guid Guid(int ordinal)
        {
            var text = raw.sqlite3_column_blob(statement, ordinal);
            return Utf8Parser.TryParse(text, out Guid value, out var consumed) && consumed == text.Length
                ? value
                : System.Guid.Parse(Encoding.UTF8.GetString(text));
        }

        public override string Text(int ordinal) => Encoding.UTF8.GetString(raw.sqlite3_column_blob(statement, ordinal));

        public override string Text(int ordinal, TextPool pool, int maxLength)
        {
            var utf8 = raw.sqlite3_column_blob(statement, ordinal);
            if (utf8.Length > 1024)
            {
                var text = Encoding.UTF8.GetString(utf8);
                return pool.Get(text.AsSpan(0, Math.Min(text.Length, maxLength)));
            }
            Span<char> chars = stackalloc char[utf8.Length]; // UTF-8 never takes fewer bytes than UTF-16 takes chars
            var length = Encoding.UTF8.GetChars(utf8, chars);
            return pool.Get(chars[..Math.Min(length, maxLength)]);
        }

        public override long Number(int ordinal) => raw.sqlite3_column_int64(statement, ordinal);

        public override Instant At(int ordinal) => Instant.FromUnixTimeTicks(raw.sqlite3_column_int64(statement, ordinal) * 10);
    }
}

/// <summary>
/// One instance of each distinct text a report reads (alert names: a few hundred values over a million rows), looked up
/// by the characters read, so that a row whose value was seen before makes no string. A string per row was a noise
/// report's largest allocation (48 MB over a year), and what survives a collection is what makes its pauses long.
/// </summary>
public sealed class TextPool
{
    private readonly Dictionary<string, string> _texts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _byChars;

    public TextPool() => _byChars = _texts.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Distinct texts held.</summary>
    public int Count => _texts.Count;

    /// <summary>The instance equal to <paramref name="text"/>, made the first time it is seen.</summary>
    public string Get(ReadOnlySpan<char> text)
    {
        if (_byChars.TryGetValue(text, out var known))
            return known;
        var made = text.ToString();
        _texts.Add(made, made);
        return made;
    }
}
