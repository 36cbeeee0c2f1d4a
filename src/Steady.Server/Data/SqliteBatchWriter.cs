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
    /// <summary>Whether the pending changes are all of a kind this writer handles (inserts and updates of unaudited rows).</summary>
    public static bool CanWrite(IEnumerable<EntityEntry> pending) =>
        pending.All(e => e.State is EntityState.Added or EntityState.Modified && e.Entity is not IAudited && !e.Metadata.IsOwned());

    /// <summary>
    /// Writes the pending inserts and updates in the current transaction, in the order of <paramref name="tableOrder"/>;
    /// per table, updates go before inserts, so a resolved occurrence leaves the "one open per key" index before
    /// the next occurrence enters it.
    /// </summary>
    public static async Task WriteAsync(DbContext db, IReadOnlyList<EntityEntry> pending, IReadOnlyList<Type> tableOrder, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("The batch writer runs inside a transaction.");
        var commands = new Dictionary<string, DbCommand>(StringComparer.Ordinal);
        try
        {
            foreach (var type in tableOrder)
            {
                var entries = pending.Where(e => e.Metadata.ClrType == type).ToList();
                foreach (var entry in entries.Where(e => e.State == EntityState.Modified))
                    await UpdateAsync(entry, connection, transaction, commands, cancellationToken);
                foreach (var entry in entries.Where(e => e.State == EntityState.Added))
                    await InsertAsync(entry, connection, transaction, commands, cancellationToken);
            }
            if (pending.FirstOrDefault(e => !tableOrder.Contains(e.Metadata.ClrType)) is { } stray)
                throw new InvalidOperationException($"The batch writer was given a {stray.Metadata.ClrType.Name} but has no place for it in its table order.");
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

    private static async Task InsertAsync(EntityEntry entry, DbConnection connection, DbTransaction transaction, Dictionary<string, DbCommand> commands, CancellationToken cancellationToken)
    {
        var table = entry.Metadata.GetTableName()!;
        var properties = entry.Metadata.GetProperties().ToList();
        var key = "insert:" + table;
        var command = Command(commands, key, connection, transaction, () =>
            $"INSERT INTO {table} ({string.Join(", ", properties.Select(Column))}) VALUES ({string.Join(", ", properties.Select((_, i) => "@p" + i))})");
        command.Parameters.Clear();
        for (var i = 0; i < properties.Count; i++)
            command.Parameters.Add(Parameter(command, "@p" + i, properties[i], entry.Property(properties[i].Name).CurrentValue));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task UpdateAsync(EntityEntry entry, DbConnection connection, DbTransaction transaction, Dictionary<string, DbCommand> commands, CancellationToken cancellationToken)
    {
        var table = entry.Metadata.GetTableName()!;
        var keys = entry.Metadata.FindPrimaryKey()!.Properties;
        var tokens = entry.Metadata.GetProperties().Where(p => p.IsConcurrencyToken && !keys.Contains(p)).ToList();
        // Only the columns that changed: SQLite rewrites an index only when a column it covers is assigned.
        var changed = entry.Properties.Where(p => p.IsModified && !keys.Contains(p.Metadata)).Select(p => p.Metadata).ToList();
        if (changed.Count == 0)
            return;
        var shape = "update:" + table + ":" + string.Join(",", changed.Select(p => p.Name));
        var command = Command(commands, shape, connection, transaction, () =>
        {
            var set = string.Join(", ", changed.Select((p, i) => $"{Column(p)} = @s{i}"));
            var where = string.Join(" AND ", keys.Select((p, i) => $"{Column(p)} = @k{i}").Concat(tokens.Select((p, i) => $"{Column(p)} = @t{i}")));
            return $"UPDATE {table} SET {set} WHERE {where}";
        });
        command.Parameters.Clear();
        for (var i = 0; i < changed.Count; i++)
            command.Parameters.Add(Parameter(command, "@s" + i, changed[i], entry.Property(changed[i].Name).CurrentValue));
        for (var i = 0; i < keys.Count; i++)
            command.Parameters.Add(Parameter(command, "@k" + i, keys[i], entry.Property(keys[i].Name).OriginalValue));
        for (var i = 0; i < tokens.Count; i++)
            command.Parameters.Add(Parameter(command, "@t" + i, tokens[i], entry.Property(tokens[i].Name).OriginalValue));
        if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
        {
            throw new DbUpdateConcurrencyException(
                $"The {entry.Metadata.ClrType.Name} {entry.Property(keys[0].Name).OriginalValue} was changed or deleted by someone else since it was read.");
        }
    }

    private static DbCommand Command(Dictionary<string, DbCommand> commands, string shape, DbConnection connection, DbTransaction transaction, Func<string> sql)
    {
        if (commands.TryGetValue(shape, out var command))
            return command;
        command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql();
        return commands[shape] = command;
    }

    private static DbParameter Parameter(DbCommand command, string name, IProperty property, object? value) =>
        property.GetRelationalTypeMapping().CreateParameter(command, name, value, property.IsNullable);

    private static string Column(IProperty property) => "\"" + property.GetColumnName() + "\"";
}
