using System.Collections.Concurrent;
using System.Data.Common;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata;
using Steady.Core.Accounts;
using Steady.Core.Audit;

namespace Steady.Server.Data;

/// <summary>
/// The properties marked <see cref="SecretAttribute"/>: sealed as <see cref="SteadyDb"/> saves them, opened as EF
/// reads an entity (<see cref="SecretMaterializer"/>), and sealed again all at once at start and on rotation
/// (<see cref="ResealAsync"/>). In memory an entity holds the plaintext; in the database there is none.
/// What this cannot do: a query comparing a secret column with a value (find a record by its secret's hash
/// instead, <see cref="SecretAttribute.HashedIn"/>), or projecting a secret column alone (read the entity).
/// </summary>
internal static class SecretColumns
{
    internal sealed record Column(PropertyInfo Property, string? HashedIn);

    internal sealed record SealedValue(EntityEntry Entry, string Property, string Plaintext);

    private static readonly ConcurrentDictionary<Type, Column[]> ByType = new();

    public static Column[] Of(Type type) => ByType.GetOrAdd(type, t => t.GetProperties()
        .Select(p => (Property: p, Secret: p.GetCustomAttribute<SecretAttribute>()))
        .Where(x => x.Secret is not null)
        .Select(x => new Column(x.Property, x.Secret!.HashedIn))
        .ToArray());

    /// <summary>Before a save: each secret being written becomes its sealed form (and its hash is written beside it).</summary>
    public static List<SealedValue> Seal(ChangeTracker tracker, SecretKeyring keyring)
    {
        var sealedValues = new List<SealedValue>();
        var detect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false; // the audit writer has just detected them: no second pass over every entity
        try
        {
            foreach (var entry in tracker.Entries())
                Seal(entry, keyring, sealedValues);
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detect;
        }
        return sealedValues;
    }

    private static void Seal(EntityEntry entry, SecretKeyring keyring, List<SealedValue> sealedValues)
    {
        if (entry.State is not (EntityState.Added or EntityState.Modified))
            return;
        foreach (var column in Of(entry.Metadata.ClrType))
        {
            var property = entry.Property(column.Property.Name);
            if ((entry.State == EntityState.Modified && !property.IsModified) || property.CurrentValue is not string plain)
                continue;
            if (column.HashedIn is { } hash)
                entry.Property(hash).CurrentValue = Secrets.Hash(plain);
            property.CurrentValue = keyring.Seal(plain);
            sealedValues.Add(new SealedValue(entry, column.Property.Name, plain));
        }
    }

    /// <summary>After a save, or a failed one: the entities hold their plaintext again — once saved, unchanged as far as EF knows.</summary>
    public static void Restore(List<SealedValue> sealedValues)
    {
        foreach (var (entry, name, plain) in sealedValues)
        {
            var property = entry.Property(name);
            if (entry.State == EntityState.Unchanged)
            {
                property.OriginalValue = plain;
                property.CurrentValue = plain;
                property.IsModified = false;
            }
            else
            {
                property.CurrentValue = plain;
            }
        }
    }

    /// <summary>
    /// Every stored secret of the model, row by row, in the caller's transaction: <paramref name="reseal"/> says what each
    /// stored value becomes and what its plaintext is (for the hash beside it). Rows are written only where something
    /// changes; returns how many values were written anew.
    /// </summary>
    public static async Task<int> ResealAsync(DbConnection connection, DbTransaction transaction, IModel model, Func<string, (string Stored, string Plaintext)> reseal, CancellationToken cancellationToken)
    {
        var written = 0;
        foreach (var entity in model.GetEntityTypes())
        {
            var columns = Of(entity.ClrType);
            if (columns.Length == 0)
                continue;
            var table = entity.GetTableName()!;
            var keys = entity.FindPrimaryKey()!.Properties.Select(p => p.GetColumnName()).ToList();
            var secrets = columns.Select(c => entity.FindProperty(c.Property.Name)!.GetColumnName()).ToList();
            var hashes = columns.Select(c => c.HashedIn is { } h ? entity.FindProperty(h)!.GetColumnName() : null).ToList();
            var read = keys.Concat(secrets).Concat(hashes.Select((h, i) => h ?? secrets[i])).ToList();

            var rows = new List<object?[]>();
            await using (var select = connection.CreateCommand())
            {
                select.Transaction = transaction;
                select.CommandText = $"SELECT {string.Join(", ", read.Select(Quote))} FROM {Quote(table)}";
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var row = new object?[read.Count];
                    for (var i = 0; i < read.Count; i++)
                        row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                    rows.Add(row);
                }
            }

            foreach (var row in rows)
            {
                var sets = new List<(string Column, string Value)>();
                for (var i = 0; i < secrets.Count; i++)
                {
                    if (row[keys.Count + i] is not string stored)
                        continue;
                    var (now, plaintext) = reseal(stored);
                    if (!string.Equals(now, stored, StringComparison.Ordinal))
                    {
                        sets.Add((secrets[i], now));
                        written++;
                    }
                    if (hashes[i] is { } hashColumn && Secrets.Hash(plaintext) is var hash && !string.Equals(hash, row[keys.Count + secrets.Count + i] as string, StringComparison.Ordinal))
                        sets.Add((hashColumn, hash));
                }
                if (sets.Count == 0)
                    continue;
                await using var update = connection.CreateCommand();
                update.Transaction = transaction;
                var assignments = sets.Select((s, i) => $"{Quote(s.Column)} = {Parameter(update, "v" + i, s.Value)}");
                var where = keys.Select((k, i) => $"{Quote(k)} = {Parameter(update, "k" + i, row[i])}");
                update.CommandText = $"UPDATE {Quote(table)} SET {string.Join(", ", assignments)} WHERE {string.Join(" AND ", where)}";
                await update.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        return written;
    }

    /// <summary>
    /// Migration 20's code step: the audit log kept the values of secrets (a contact method's address, a check's target
    /// with its credentials), also of deleted and replaced ones; each such value becomes "(secret)", keeping that it changed.
    /// </summary>
    public static async Task ScrubAuditAsync(DbConnection connection, DbTransaction transaction, bool sqlite, CancellationToken cancellationToken)
    {
        var fields = typeof(IAudited).Assembly.GetTypes()
            .Where(t => typeof(IAudited).IsAssignableFrom(t) && Of(t).Length > 0)
            .ToDictionary(t => SteadyDb.SnakeCase(t.Name), t => Of(t).Select(c => JsonNamingPolicy.CamelCase.ConvertName(c.Property.Name)).ToList());
        var found = new List<(object Id, string Changes)>();
        await using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = $"SELECT id, entity_type, changes FROM audit_log WHERE entity_type IN ({string.Join(", ", fields.Keys.Select((t, i) => Parameter(select, "t" + i, t)))})";
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var changes = Scrub(reader.GetString(2), fields[reader.GetString(1)]);
                if (changes is not null)
                    found.Add((reader.GetValue(0), changes));
            }
        }
        foreach (var (id, changes) in found)
        {
            await using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = $"UPDATE audit_log SET changes = {Parameter(update, "c", changes)} WHERE id = {Parameter(update, "id", id)}";
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>The changes with every value of the named fields replaced by "(secret)"; null when there was none.</summary>
    internal static string? Scrub(string changes, IReadOnlyList<string> fields)
    {
        JsonObject? root;
        try
        {
            root = JsonNode.Parse(changes) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
        if (root is null)
            return null;
        var scrubbed = false;
        foreach (var field in fields)
        {
            if (root[field] is not JsonArray values)
                continue;
            for (var i = 0; i < values.Count; i++)
            {
                if (values[i] is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is not (AuditWriter.SecretMarker or AuditWriter.ChangedMarker))
                {
                    values[i] = AuditWriter.SecretMarker;
                    scrubbed = true;
                }
            }
        }
        return scrubbed ? root.ToJsonString() : null;
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Parameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return "@" + name;
    }
}

/// <summary>
/// Opens the secrets of every entity EF reads. EF builds each entity type's materializer once; for the types that hold
/// secrets this gives it a factory that receives the stored (sealed) values with the context and sets the plaintext, and
/// leaves every other type as it is. (A materialization interceptor would do the same per row for <em>every</em> type,
/// at about 75 µs per entity read: it made reading 1,000 open alerts in an intake batch take 4x longer.)
/// One instance for the process; the keyring is the context's.
/// </summary>
internal sealed class SecretMaterializer : IInstantiationBindingInterceptor
{
    public static readonly SecretMaterializer Instance = new();

    public InstantiationBinding ModifyBinding(InstantiationBindingInterceptionData interceptionData, InstantiationBinding binding)
    {
        var type = interceptionData.TypeBase;
        var columns = SecretColumns.Of(type.ClrType);
        if (columns.Length == 0)
            return binding;
        if (binding is not ConstructorBinding { ParameterBindings.Count: 0 })
            throw new InvalidOperationException($"{type.ClrType.Name} has secret properties and a constructor with parameters: give it a parameterless constructor so its secrets can be opened as it is read.");
        var secrets = columns.Select(c => (ParameterBinding)new PropertyParameterBinding((IProperty)type.FindProperty(c.Property.Name)!)).ToList();
        var factory = new Factory(type.ClrType, columns);
        return new FactoryMethodBinding(
            factory,
            typeof(Factory).GetMethod(nameof(Factory.Create))!,
            [new ContextParameterBinding(typeof(DbContext)), new ObjectArrayParameterBinding(secrets)],
            type.ClrType);
    }

    /// <summary>Makes one entity of a type with secrets: the other properties EF sets afterwards as usual.</summary>
    internal sealed class Factory(Type type, SecretColumns.Column[] columns)
    {
        private readonly Func<object> _construct = System.Linq.Expressions.Expression.Lambda<Func<object>>(System.Linq.Expressions.Expression.New(type)).Compile();

        public object Create(DbContext context, object?[] stored)
        {
            var entity = _construct();
            var keyring = ((SteadyDb)context).Keyring;
            for (var i = 0; i < columns.Length; i++)
                columns[i].Property.SetValue(entity, stored[i] is string value ? keyring.Open(value) : stored[i]);
            return entity;
        }
    }
}
