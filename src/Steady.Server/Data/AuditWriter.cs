using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Steady.Core;
using Steady.Core.Audit;

namespace Steady.Server.Data;

/// <summary>
/// Every change to an audited entity becomes an audit entry in the same transaction as the change:
/// <see cref="SteadyDb"/> calls <see cref="Write"/> as it saves.
/// </summary>
internal static class AuditWriter
{
    /// <summary>What the log shows for a secret that was set or removed: that there was one, never its value.</summary>
    public const string SecretMarker = "(secret)";

    /// <summary>What the log shows for a secret (or a password) that changed.</summary>
    public const string ChangedMarker = "(changed)";

    public static void Write(SteadyDb db, AuditContext audit, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var entries = db.ChangeTracker.Entries()
            .Where(e => e.Entity is IAudited && e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            .ToList();
        foreach (var entry in entries)
        {
            var changes = DescribeChanges(entry);
            if (entry.State == EntityState.Modified && changes.Count == 0)
                continue;
            db.AuditEntries.Add(new AuditEntry
            {
                Id = Ids.New(time),
                At = now,
                ActorId = audit.ActorId,
                ActorName = audit.ActorName,
                Action = entry.State switch
                {
                    EntityState.Added => "created",
                    EntityState.Deleted => "deleted",
                    _ => "updated",
                },
                EntityType = SteadyDb.SnakeCase(entry.Metadata.ClrType.Name),
                EntityId = string.Join("/", entry.Metadata.FindPrimaryKey()!.Properties.Select(p => entry.Property(p.Name).CurrentValue?.ToString())),
                Changes = JsonSerializer.Serialize(changes),
            });
        }
    }

    /// <summary>
    /// An event that is no record's change (a sign-in, a failed one, a lockout, a sign-out): one audit entry with its
    /// details, saved with the next SaveChanges.
    /// </summary>
    public static void Event(SteadyDb db, TimeProvider time, string action, string entityType, string entityId, Guid? actorId, string actorName, IReadOnlyDictionary<string, string?> details) =>
        db.AuditEntries.Add(new AuditEntry
        {
            Id = Ids.New(time),
            At = time.GetUtcNow(),
            ActorId = actorId,
            ActorName = actorName,
            Action = action,
            EntityType = entityType,
            EntityId = entityId,
            Changes = JsonSerializer.Serialize(details),
        });

    private static Dictionary<string, object?[]> DescribeChanges(EntityEntry entry)
    {
        var changes = new Dictionary<string, object?[]>(StringComparer.Ordinal);
        foreach (var property in entry.Properties)
        {
            var member = property.Metadata.PropertyInfo;
            if (member?.GetCustomAttribute<AuditIgnoreAttribute>() is not null || property.Metadata.Name == "PasswordHash")
            {
                if (entry.State == EntityState.Modified && property.IsModified && property.Metadata.Name == "PasswordHash")
                    changes["password"] = [ChangedMarker];
                continue;
            }
            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Metadata.Name);
            if (member?.GetCustomAttribute<SecretAttribute>() is not null)
            {
                // That a secret was set, changed or removed; never its value, old or new.
                var (before, after) = (entry.State == EntityState.Added ? null : property.OriginalValue, entry.State == EntityState.Deleted ? null : property.CurrentValue);
                if (entry.State == EntityState.Modified && (!property.IsModified || Equals(before, after)))
                    continue;
                changes[name] = entry.State == EntityState.Modified && before is not null && after is not null
                    ? [ChangedMarker]
                    : [before is null ? null : SecretMarker, after is null ? null : SecretMarker];
                continue;
            }
            switch (entry.State)
            {
                case EntityState.Added:
                    changes[name] = [null, AsWritten(property.CurrentValue)];
                    break;
                case EntityState.Deleted:
                    changes[name] = [AsWritten(property.OriginalValue), null];
                    break;
                case EntityState.Modified when property.IsModified && !Equals(property.OriginalValue, property.CurrentValue):
                    changes[name] = [AsWritten(property.OriginalValue), AsWritten(property.CurrentValue)];
                    break;
            }
        }
        return changes;
    }

    /// <summary>Enum values are written by their wire names ("acknowledged", "communications-lead"), as the API shows them, never as numbers.</summary>
    private static object? AsWritten(object? value) => value is Enum e ? WireNames.Of(e) : value;

    /// <summary>
    /// An entry's changes as people and programs read them: enum values by their wire names. Entries written
    /// before enums were written by name hold numbers ({"status": [0, 1]}); those of a field the model says
    /// is an enum are read as the value's name ("triage", "mitigating"). Anything else is returned as stored.
    /// </summary>
    public static string Readable(IModel model, string entityType, string changes)
    {
        var fields = EnumFields(model);
        if (!fields.Keys.Any(k => k.Entity == entityType) || !changes.Contains('{', StringComparison.Ordinal))
            return changes;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(changes);
        }
        catch (JsonException)
        {
            return changes;
        }
        if (root is not JsonObject entry)
            return changes;
        var changed = false;
        foreach (var (field, value) in entry.ToList())
        {
            if (!fields.TryGetValue((entityType, field), out var type))
                continue;
            if (value is JsonArray values)
            {
                for (var i = 0; i < values.Count; i++)
                {
                    if (Named(values[i], type) is { } name)
                    {
                        values[i] = name;
                        changed = true;
                    }
                }
            }
            else if (Named(value, type) is { } name)
            {
                entry[field] = name;
                changed = true;
            }
        }
        return changed ? entry.ToJsonString() : changes;
    }

    private static string? Named(JsonNode? value, Type type) =>
        value is JsonValue number && number.GetValueKind() == JsonValueKind.Number && number.TryGetValue<long>(out var n) && Enum.IsDefined(type, Enum.ToObject(type, n))
            ? WireNames.Of((Enum)Enum.ToObject(type, n))
            : null;

    private static readonly ConditionalWeakTable<IModel, Dictionary<(string Entity, string Field), Type>> EnumFieldsOf = new();

    /// <summary>The audited entities' enum fields, as the audit log names them: (entity type, field) → the enum.</summary>
    private static Dictionary<(string Entity, string Field), Type> EnumFields(IModel model) =>
        EnumFieldsOf.GetValue(model, m => m.GetEntityTypes()
            .Where(t => typeof(IAudited).IsAssignableFrom(t.ClrType))
            .SelectMany(t => t.GetProperties().Select(p => (Entity: SteadyDb.SnakeCase(t.ClrType.Name), Property: p)))
            .Select(x => (x.Entity, Field: JsonNamingPolicy.CamelCase.ConvertName(x.Property.Name), Type: Nullable.GetUnderlyingType(x.Property.ClrType) ?? x.Property.ClrType))
            .Where(x => x.Type.IsEnum)
            .DistinctBy(x => (x.Entity, x.Field))
            .ToDictionary(x => (x.Entity, x.Field), x => x.Type));
}

/// <summary>Who the audit log names for changes saved in this scope: the signed-in user, or the system.</summary>
public sealed class AuditContext
{
    public Guid? ActorId { get; private set; }

    public string ActorName { get; private set; } = "system";

    public void Set(Guid? actorId, string actorName)
    {
        ActorId = actorId;
        ActorName = actorName;
    }
}
