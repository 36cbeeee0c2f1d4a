using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using SQLitePCL;
using Steady.Core.Audit;

namespace Steady.Server.Data;

/// <summary>
/// Writes what the change tracker holds to SQLite with one prepared statement per table and shape,
/// executed once per row — instead of EF's SaveChanges, which builds, prepares and runs a fresh
/// command for every row. The intake writer's hot path: a batch of a thousand alerts costs a
/// handful of prepares instead of thousands. Values go through the model's own converters and are
/// bound by position straight to SQLite (Microsoft.Data.Sqlite looks every parameter up by name on
/// every execution, a third of the writer's time), in the representation Microsoft.Data.Sqlite
/// uses — so rows are byte-for-byte what SaveChanges would write; optimistic concurrency is
/// checked the same way (the original version in the WHERE clause) and failures surface as the
/// same <see cref="DbUpdateException"/>s wrapping a <see cref="SqliteException"/>.
/// </summary>
internal static class SqliteBatchWriter
{
    /// <summary>
    /// Whether the pending changes are all of a kind this writer handles: inserts and updates of unaudited rows
    /// of the tables in <paramref name="tableOrder"/>. Anything else goes through SaveChanges.
    /// </summary>
    public static bool CanWrite(IEnumerable<EntityEntry> pending, IReadOnlyList<Type> tableOrder) =>
        pending.All(e => e.State is EntityState.Added or EntityState.Modified && e.Entity is not IAudited && !e.Metadata.IsOwned()
            && tableOrder.Contains(e.Metadata.ClrType) && Table.Of(e.Metadata).Bindable);

    /// <summary>
    /// Writes the pending inserts and updates in the current transaction, in the order of <paramref name="tableOrder"/>;
    /// per table, updates go before inserts, so a resolved occurrence leaves the "one open per key" index before
    /// the next occurrence enters it.
    /// </summary>
    /// <remarks>
    /// <paramref name="inserts"/> are new rows the caller never handed to the change tracker (tracking a
    /// thousand new alerts and their history costs more than writing them); they are inserted after the
    /// tracked inserts of their table.
    /// </remarks>
    public static Task WriteAsync(DbContext db, IReadOnlyList<EntityEntry> pending, IReadOnlyList<object> inserts, IReadOnlyList<Type> tableOrder, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("The batch writer runs inside a transaction.");
        if (pending.Select(e => e.Metadata.ClrType).Concat(inserts.Select(i => i.GetType())).FirstOrDefault(t => !tableOrder.Contains(t)) is { } stray)
            throw new InvalidOperationException($"The batch writer was given a {stray.Name} but has no place for it in its table order.");
        var statements = new Dictionary<string, Statement>(StringComparer.Ordinal);
        try
        {
            foreach (var type in tableOrder)
            {
                var entries = pending.Where(e => e.Metadata.ClrType == type).ToList();
                foreach (var entry in entries.Where(e => e.State == EntityState.Modified))
                    Update(entry, connection, statements);
                foreach (var entry in entries.Where(e => e.State == EntityState.Added))
                    Insert(entry.Metadata, entry.Entity, connection, statements);
                var untracked = inserts.Where(i => i.GetType() == type).ToList();
                if (untracked.Count > 0)
                {
                    var entityType = db.Model.FindEntityType(type)!;
                    foreach (var entity in untracked)
                        Insert(entityType, entity, connection, statements);
                }
            }
        }
        catch (DbException e)
        {
            throw new DbUpdateException($"Saving a batch failed: {e.Message}", e);
        }
        finally
        {
            foreach (var statement in statements.Values)
                statement.Dispose();
        }
        db.ChangeTracker.AcceptAllChanges();
        return Task.CompletedTask;
    }

    private static void Insert(IEntityType type, object entity, SqliteConnection connection, Dictionary<string, Statement> statements)
    {
        var table = Table.Of(type);
        var statement = Prepare(statements, "insert:" + table.Name, connection, () =>
            $"INSERT INTO {table.Name} ({string.Join(", ", table.Columns.Select(c => c.Name))}) VALUES ({string.Join(", ", table.Columns.Select((_, i) => "?" + (i + 1)))})");
        for (var i = 0; i < table.Columns.Count; i++)
            statement.Bind(i + 1, table.Columns[i].ToProvider(table.Columns[i].Get(entity)));
        statement.Execute();
    }

    private static void Update(EntityEntry entry, SqliteConnection connection, Dictionary<string, Statement> statements)
    {
        var table = Table.Of(entry.Metadata);
        // Only the columns that changed: SQLite rewrites an index only when a column it covers is assigned.
        var changed = table.Settable.Where(c => entry.Property(c.Property).IsModified).ToList();
        if (changed.Count == 0)
            return;
        var shape = "update:" + table.Name + ":" + string.Join(",", changed.Select(c => c.Name));
        var statement = Prepare(statements, shape, connection, () =>
        {
            var set = string.Join(", ", changed.Select((c, i) => $"{c.Name} = ?{i + 1}"));
            var where = string.Join(" AND ", table.Keys.Concat(table.Tokens).Select((c, i) => $"{c.Name} = ?{changed.Count + i + 1}"));
            return $"UPDATE {table.Name} SET {set} WHERE {where}";
        });
        var entity = entry.Entity;
        var at = 1;
        foreach (var column in changed)
            statement.Bind(at++, column.ToProvider(column.Get(entity)));
        foreach (var column in table.Keys.Concat(table.Tokens))
            statement.Bind(at++, column.ToProvider(entry.OriginalValues[column.Property]));
        if (statement.Execute() != 1)
        {
            throw new DbUpdateConcurrencyException(
                $"The {entry.Metadata.ClrType.Name} {entry.OriginalValues[table.Keys[0].Property]} was changed or deleted by someone else since it was read.");
        }
    }

    private static Statement Prepare(Dictionary<string, Statement> statements, string shape, SqliteConnection connection, Func<string> sql)
    {
        if (!statements.TryGetValue(shape, out var statement))
            statements[shape] = statement = new Statement(connection.Handle!, sql());
        return statement;
    }

    /// <summary>
    /// A statement prepared on the connection's own SQLite handle, in its current transaction, bound by
    /// position: values as Microsoft.Data.Sqlite binds them (GUIDs as upper-case text, booleans as 0/1).
    /// </summary>
    private sealed class Statement : IDisposable
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _statement;
        private byte[] _utf8 = new byte[1024];

        public Statement(sqlite3 db, string sql)
        {
            _db = db;
            Check(raw.sqlite3_prepare_v2(db, sql, out _statement));
        }

        public void Bind(int index, object? value)
        {
            var rc = value switch
            {
                null or DBNull => raw.sqlite3_bind_null(_statement, index),
                string text => BindText(index, text),
                Guid guid => BindGuid(index, guid),
                long number => raw.sqlite3_bind_int64(_statement, index, number),
                int number => raw.sqlite3_bind_int64(_statement, index, number),
                short number => raw.sqlite3_bind_int64(_statement, index, number),
                byte number => raw.sqlite3_bind_int64(_statement, index, number),
                bool flag => raw.sqlite3_bind_int64(_statement, index, flag ? 1 : 0),
                double real => raw.sqlite3_bind_double(_statement, index, real),
                float real => raw.sqlite3_bind_double(_statement, index, real),
                byte[] blob => raw.sqlite3_bind_blob(_statement, index, blob),
                _ => throw new InvalidOperationException($"The batch writer cannot bind a {value.GetType().Name}."),
            };
            Check(rc);
        }

        /// <summary>Text as UTF-8 through one reused buffer (SQLite copies it), instead of a new array per value.</summary>
        private int BindText(int index, string text)
        {
            var length = System.Text.Encoding.UTF8.GetMaxByteCount(text.Length);
            if (_utf8.Length < length)
                _utf8 = new byte[Math.Max(length, _utf8.Length * 2)];
            var written = System.Text.Encoding.UTF8.GetBytes(text, _utf8);
            return raw.sqlite3_bind_text(_statement, index, _utf8.AsSpan(0, written));
        }

        /// <summary>A GUID as Microsoft.Data.Sqlite stores it: upper-case text, 36 characters.</summary>
        private int BindGuid(int index, Guid guid)
        {
            Span<byte> text = stackalloc byte[36];
            guid.TryFormat(text, out _, "D");
            for (var i = 0; i < text.Length; i++)
            {
                if (text[i] is >= (byte)'a' and <= (byte)'f')
                    text[i] -= 'a' - 'A';
            }
            return raw.sqlite3_bind_text(_statement, index, text);
        }

        /// <summary>Runs it; returns the rows it changed.</summary>
        public int Execute()
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc != raw.SQLITE_DONE)
            {
                var error = Error(rc);
                raw.sqlite3_reset(_statement);
                throw error;
            }
            var changes = raw.sqlite3_changes(_db);
            raw.sqlite3_reset(_statement);
            return changes;
        }

        public void Dispose() => _statement.Dispose();

        private void Check(int rc)
        {
            if (rc != raw.SQLITE_OK)
                throw Error(rc);
        }

        private SqliteException Error(int rc) =>
            new(string.Format(CultureInfo.InvariantCulture, "SQLite Error {0}: '{1}'.", rc, raw.sqlite3_errmsg(_db).utf8_to_string()), rc, raw.sqlite3_extended_errcode(_db));
    }

    /// <summary>One mapped column: how to read it from the entity and convert it to what the database stores.</summary>
    private sealed class Column(IProperty property)
    {
        private readonly IClrPropertyGetter _getter = property.GetGetter();
        private readonly Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter? _converter = property.GetRelationalTypeMapping().Converter;
        private static readonly HashSet<Type> BindableTypes =
            [typeof(string), typeof(Guid), typeof(long), typeof(int), typeof(short), typeof(byte), typeof(bool), typeof(double), typeof(float), typeof(byte[])];

        public IProperty Property => property;

        public string Name { get; } = "\"" + property.GetColumnName() + "\"";

        public object? Get(object entity) => _getter.GetClrValueUsingContainingEntity(entity);

        public object ToProvider(object? value) => (value is null ? null : _converter is null ? value : _converter.ConvertToProvider(value)) ?? DBNull.Value;

        /// <summary>Whether <see cref="Statement"/> binds what this column stores the way Microsoft.Data.Sqlite would.</summary>
        public bool Bindable { get; } = BindableTypes.Contains(Nullable.GetUnderlyingType(property.GetRelationalTypeMapping().Converter?.ProviderClrType ?? property.ClrType)
            ?? property.GetRelationalTypeMapping().Converter?.ProviderClrType ?? property.ClrType);
    }

    /// <summary>A table's columns, worked out once per entity type from the model.</summary>
    private sealed class Table
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<IEntityType, Table> Tables = new();

        public required string Name { get; init; }

        public required IReadOnlyList<Column> Columns { get; init; }

        public required IReadOnlyList<Column> Keys { get; init; }

        public required IReadOnlyList<Column> Tokens { get; init; }

        public required IReadOnlyList<Column> Settable { get; init; }

        /// <summary>Every column is of a type <see cref="Statement"/> binds; otherwise the table goes through SaveChanges.</summary>
        public bool Bindable => Columns.All(c => c.Bindable);

        public static Table Of(IEntityType type) => Tables.GetOrAdd(type, static t =>
        {
            var columns = t.GetProperties().Select(p => new Column(p)).ToList();
            var keys = t.FindPrimaryKey()!.Properties;
            return new Table
            {
                Name = "\"" + t.GetTableName() + "\"",
                Columns = columns,
                Keys = columns.Where(c => keys.Contains(c.Property)).ToList(),
                Tokens = columns.Where(c => c.Property.IsConcurrencyToken && !keys.Contains(c.Property)).ToList(),
                Settable = columns.Where(c => !keys.Contains(c.Property)).ToList(),
            };
        });
    }
}
