using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Steady.Core.Audit;

namespace Steady.Server.Data;

/// <summary>
/// Writes what the change tracker holds to SQLite with one prepared statement per table and shape,
/// executed once per row — instead of EF's SaveChanges, which builds, prepares and runs a fresh
/// command for every row. The intake writer's hot path: a batch of a thousand alerts costs a
/// handful of prepares instead of thousands. Values go through the model's own type mappings and
/// converters, so rows are byte-for-byte what SaveChanges would write; optimistic concurrency is
/// checked the same way (the original version in the WHERE clause) and failures surface as the
/// same <see cref="DbUpdateException"/>s.
/// </summary>
internal static class SqliteBatchWriter
{
    /// <summary>
    /// Whether the pending changes are all of a kind this writer handles: inserts and updates of unaudited rows
    /// of the tables in <paramref name="tableOrder"/>. Anything else goes through SaveChanges.
    /// </summary>
    public static bool CanWrite(IEnumerable<EntityEntry> pending, IReadOnlyList<Type> tableOrder) =>
        pending.All(e => e.State is EntityState.Added or EntityState.Modified && e.Entity is not IAudited && !e.Metadata.IsOwned() && tableOrder.Contains(e.Metadata.ClrType));

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
    public static async Task WriteAsync(DbContext db, IReadOnlyList<EntityEntry> pending, IReadOnlyList<object> inserts, IReadOnlyList<Type> tableOrder, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("The batch writer runs inside a transaction.");
        if (pending.Select(e => e.Metadata.ClrType).Concat(inserts.Select(i => i.GetType())).FirstOrDefault(t => !tableOrder.Contains(t)) is { } stray)
            throw new InvalidOperationException($"The batch writer was given a {stray.Name} but has no place for it in its table order.");
        var commands = new Dictionary<string, DbCommand>(StringComparer.Ordinal);
        try
        {
            foreach (var type in tableOrder)
            {
                var entries = pending.Where(e => e.Metadata.ClrType == type).ToList();
                foreach (var entry in entries.Where(e => e.State == EntityState.Modified))
                    await UpdateAsync(entry, connection, transaction, commands, cancellationToken);
                foreach (var entry in entries.Where(e => e.State == EntityState.Added))
                    await InsertAsync(entry.Metadata, entry.Entity, connection, transaction, commands, cancellationToken);
                var untracked = inserts.Where(i => i.GetType() == type).ToList();
                if (untracked.Count > 0)
                {
                    var entityType = db.Model.FindEntityType(type)!;
                    foreach (var entity in untracked)
                        await InsertAsync(entityType, entity, connection, transaction, commands, cancellationToken);
                }
            }
        }
        catch (DbException e)
        {
            throw new DbUpdateException($"Saving a batch failed: {e.Message}", e);
        }
        finally
        {
            foreach (var command in commands.Values)
                await command.DisposeAsync();
        }
        db.ChangeTracker.AcceptAllChanges();
    }

    private static async Task InsertAsync(IEntityType type, object entity, DbConnection connection, DbTransaction transaction, Dictionary<string, DbCommand> commands, CancellationToken cancellationToken)
    {
        var table = Table.Of(type);
        var command = Command(commands, "insert:" + table.Name, connection, transaction, table.Columns, () =>
            $"INSERT INTO {table.Name} ({string.Join(", ", table.Columns.Select(c => c.Name))}) VALUES ({string.Join(", ", table.Columns.Select((_, i) => "@p" + i))})");
        for (var i = 0; i < table.Columns.Count; i++)
            command.Parameters[i].Value = table.Columns[i].ToProvider(table.Columns[i].Get(entity));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task UpdateAsync(EntityEntry entry, DbConnection connection, DbTransaction transaction, Dictionary<string, DbCommand> commands, CancellationToken cancellationToken)
    {
        var table = Table.Of(entry.Metadata);
        // Only the columns that changed: SQLite rewrites an index only when a column it covers is assigned.
        var changed = table.Settable.Where(c => entry.Property(c.Property).IsModified).ToList();
        if (changed.Count == 0)
            return;
        var parameters = changed.Concat(table.Keys).Concat(table.Tokens).ToList();
        var shape = "update:" + table.Name + ":" + string.Join(",", changed.Select(c => c.Name));
        var command = Command(commands, shape, connection, transaction, parameters, () =>
        {
            var set = string.Join(", ", changed.Select((c, i) => $"{c.Name} = @p{i}"));
            var where = string.Join(" AND ", table.Keys.Concat(table.Tokens).Select((c, i) => $"{c.Name} = @p{changed.Count + i}"));
            return $"UPDATE {table.Name} SET {set} WHERE {where}";
        });
        var entity = entry.Entity;
        var at = 0;
        foreach (var column in changed)
            command.Parameters[at++].Value = column.ToProvider(column.Get(entity));
        foreach (var column in table.Keys.Concat(table.Tokens))
            command.Parameters[at++].Value = column.ToProvider(entry.OriginalValues[column.Property]);
        if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
        {
            throw new DbUpdateConcurrencyException(
                $"The {entry.Metadata.ClrType.Name} {entry.OriginalValues[table.Keys[0].Property]} was changed or deleted by someone else since it was read.");
        }
    }

    private static DbCommand Command(Dictionary<string, DbCommand> commands, string shape, DbConnection connection, DbTransaction transaction, IReadOnlyList<Column> parameters, Func<string> sql)
    {
        if (commands.TryGetValue(shape, out var command))
            return command;
        command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql();
        // Created once through the model's type mapping (how EF configures them), then only their values change per row.
        for (var i = 0; i < parameters.Count; i++)
            command.Parameters.Add(parameters[i].Mapping.CreateParameter(command, "@p" + i, null, parameters[i].Property.IsNullable));
        return commands[shape] = command;
    }

    /// <summary>One mapped column: how to read it from the entity and convert it to what the database stores.</summary>
    private sealed class Column(IProperty property)
    {
        private readonly IClrPropertyGetter _getter = property.GetGetter();
        private readonly Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter? _converter = property.GetRelationalTypeMapping().Converter;

        public IProperty Property => property;

        public RelationalTypeMapping Mapping { get; } = property.GetRelationalTypeMapping();

        public string Name { get; } = "\"" + property.GetColumnName() + "\"";

        public object? Get(object entity) => _getter.GetClrValueUsingContainingEntity(entity);

        public object ToProvider(object? value) => (value is null ? null : _converter is null ? value : _converter.ConvertToProvider(value)) ?? DBNull.Value;
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
