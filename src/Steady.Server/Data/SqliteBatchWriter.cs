using System.Data.Common;
using System.Globalization;
using System.Linq.Expressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
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
            table.Columns[i].BindFrom(entity, statement, i + 1);
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
            column.BindFrom(entity, statement, at++);
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
    internal sealed class Statement : IDisposable
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _statement;
        private byte[] _utf8 = new byte[1024];

        public Statement(sqlite3 db, string sql)
        {
            _db = db;
            Check(raw.sqlite3_prepare_v2(db, sql, out _statement));
        }

        /// <summary>A value already converted to what the column stores (original values of an update's key and version).</summary>
        public void Bind(int index, object? value)
        {
            switch (value)
            {
                case null or DBNull: BindNull(index); break;
                case string text: BindText(index, text); break;
                case Guid guid: BindGuid(index, guid); break;
                case long number: BindInt64(index, number); break;
                case int number: BindInt64(index, number); break;
                case short number: BindInt64(index, number); break;
                case byte number: BindInt64(index, number); break;
                case bool flag: BindInt64(index, flag ? 1 : 0); break;
                case double real: BindDouble(index, real); break;
                case float real: BindDouble(index, real); break;
                case byte[] blob: BindBlob(index, blob); break;
                default: throw new InvalidOperationException($"The batch writer cannot bind a {value.GetType().Name}.");
            }
        }

        public void BindNull(int index) => Check(raw.sqlite3_bind_null(_statement, index));

        public void BindInt64(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

        public void BindDouble(int index, double value) => Check(raw.sqlite3_bind_double(_statement, index, value));

        public void BindBlob(int index, byte[] value) => Check(raw.sqlite3_bind_blob(_statement, index, value));

        /// <summary>Text as UTF-8 through one reused buffer (SQLite copies it), instead of a new array per value.</summary>
        public void BindText(int index, string text)
        {
            var length = System.Text.Encoding.UTF8.GetMaxByteCount(text.Length);
            if (_utf8.Length < length)
                _utf8 = new byte[Math.Max(length, _utf8.Length * 2)];
            var written = System.Text.Encoding.UTF8.GetBytes(text, _utf8);
            Check(raw.sqlite3_bind_text(_statement, index, _utf8.AsSpan(0, written)));
        }

        /// <summary>A GUID as Microsoft.Data.Sqlite stores it: upper-case text, 36 characters.</summary>
        public void BindGuid(int index, Guid guid)
        {
            Span<byte> text = stackalloc byte[36];
            guid.TryFormat(text, out _, "D");
            for (var i = 0; i < text.Length; i++)
            {
                if (text[i] is >= (byte)'a' and <= (byte)'f')
                    text[i] -= 'a' - 'A';
            }
            Check(raw.sqlite3_bind_text(_statement, index, text));
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

    /// <summary>One mapped column: how to read it from the entity, convert it to what the database stores, and bind it.</summary>
    private sealed class Column
    {
        private static readonly HashSet<Type> BindableTypes =
            [typeof(string), typeof(Guid), typeof(long), typeof(int), typeof(short), typeof(byte), typeof(bool), typeof(double), typeof(float), typeof(byte[])];

        private readonly IClrPropertyGetter _getter;
        private readonly ValueConverter? _converter;

        public Column(IProperty property)
        {
            Property = property;
            Name = "\"" + property.GetColumnName() + "\"";
            _getter = property.GetGetter();
            _converter = property.GetRelationalTypeMapping().Converter;
            var stored = _converter?.ProviderClrType ?? property.ClrType;
            Bindable = BindableTypes.Contains(Nullable.GetUnderlyingType(stored) ?? stored);
            BindFrom = Bindable && property.GetMemberInfo(forMaterialization: false, forSet: false) is { } member && property.DeclaringType.ClrType is { } owner
                ? CompileBinder(owner, member, _converter)
                : (entity, statement, index) => statement.Bind(index, ToProvider(Get(entity)));
        }

        public IProperty Property { get; }

        public string Name { get; }

        /// <summary>Whether <see cref="Statement"/> binds what this column stores the way Microsoft.Data.Sqlite would.</summary>
        public bool Bindable { get; }

        /// <summary>Binds the entity's current value: read, converted and bound without boxing (a delegate compiled once per column).</summary>
        public Action<object, Statement, int> BindFrom { get; }

        public object? Get(object entity) => _getter.GetClrValueUsingContainingEntity(entity);

        public object ToProvider(object? value) => (value is null ? null : _converter is null ? value : _converter.ConvertToProvider(value)) ?? DBNull.Value;

        /// <summary>(entity, statement, index) => statement.BindX(index, convert(((TEntity)entity).Member)), with nulls bound as NULL.</summary>
        private static Action<object, Statement, int> CompileBinder(Type owner, System.Reflection.MemberInfo member, ValueConverter? converter)
        {
            var entity = Expression.Parameter(typeof(object), "entity");
            var statement = Expression.Parameter(typeof(Statement), "statement");
            var index = Expression.Parameter(typeof(int), "index");
            Expression value = Expression.MakeMemberAccess(Expression.Convert(entity, owner), member);
            var bindNull = Expression.Call(statement, nameof(Statement.BindNull), null, index);

            Expression Stored(Expression modelValue)
            {
                if (converter is null)
                    return modelValue;
                var convert = converter.ConvertToProviderExpression;
                var argument = modelValue.Type == convert.Parameters[0].Type ? modelValue : Expression.Convert(modelValue, convert.Parameters[0].Type);
                return new ParameterReplacer(convert.Parameters[0], argument).Visit(convert.Body);
            }

            Expression BindStored(Expression stored)
            {
                var type = Nullable.GetUnderlyingType(stored.Type);
                if (type is not null)
                    return Expression.Condition(Expression.Property(stored, "HasValue"), BindStored(Expression.Property(stored, "Value")), bindNull, typeof(void));
                if (!stored.Type.IsValueType)
                {
                    var local = Expression.Variable(stored.Type, "stored");
                    return Expression.Block([local], Expression.Assign(local, stored),
                        Expression.Condition(Expression.Equal(local, Expression.Constant(null, stored.Type)), bindNull, Call(local), typeof(void)));
                }
                return Call(stored);
            }

            Expression Call(Expression stored) => stored.Type switch
            {
                var t when t == typeof(string) => Expression.Call(statement, nameof(Statement.BindText), null, index, stored),
                var t when t == typeof(Guid) => Expression.Call(statement, nameof(Statement.BindGuid), null, index, stored),
                var t when t == typeof(bool) => Expression.Call(statement, nameof(Statement.BindInt64), null, index,
                    Expression.Condition(stored, Expression.Constant(1L), Expression.Constant(0L))),
                var t when t == typeof(long) || t == typeof(int) || t == typeof(short) || t == typeof(byte) =>
                    Expression.Call(statement, nameof(Statement.BindInt64), null, index, Expression.Convert(stored, typeof(long))),
                var t when t == typeof(double) || t == typeof(float) =>
                    Expression.Call(statement, nameof(Statement.BindDouble), null, index, Expression.Convert(stored, typeof(double))),
                var t when t == typeof(byte[]) => Expression.Call(statement, nameof(Statement.BindBlob), null, index, stored),
                var t => throw new InvalidOperationException($"The batch writer cannot bind a {t.Name}."),
            };

            Expression body;
            if (converter is not null && Nullable.GetUnderlyingType(value.Type) is not null)
            {
                // Converters see the value, never null: a null stays NULL.
                body = Expression.Condition(Expression.Property(value, "HasValue"), BindStored(Stored(Expression.Property(value, "Value"))), bindNull, typeof(void));
            }
            else if (converter is not null && !value.Type.IsValueType)
            {
                var local = Expression.Variable(value.Type, "value");
                body = Expression.Block([local], Expression.Assign(local, value),
                    Expression.Condition(Expression.Equal(local, Expression.Constant(null, value.Type)), bindNull, BindStored(Stored(local)), typeof(void)));
            }
            else
            {
                body = BindStored(Stored(value));
            }
            return Expression.Lambda<Action<object, Statement, int>>(body, entity, statement, index).Compile();
        }

        private sealed class ParameterReplacer(ParameterExpression parameter, Expression replacement) : ExpressionVisitor
        {
            protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? replacement : base.VisitParameter(node);
        }
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
