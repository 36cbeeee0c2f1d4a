using System.Reflection;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Steady.Core;
using Steady.Core.Audit;
using Steady.Core.OnCall;

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

    /// <summary>A contact method's kind is written as its text ("email"), as it was before it became an enum.</summary>
    private static object? AsWritten(object? value) => value is ContactKind kind ? kind.ToWire() : value;
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
