namespace Steady.Core.Audit;

/// <summary>Marks an entity whose every change is written to the audit log in the same transaction.</summary>
public interface IAudited;

/// <summary>A property whose value never goes into the audit log (secrets and noisy bookkeeping).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AuditIgnoreAttribute : Attribute;

/// <summary>
/// A recoverable secret (a webhook URL with its token, a check's credentials, a line's key): stored
/// encrypted, read back decrypted, and in the audit log only as the fact that it was set or changed.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SecretAttribute : Attribute
{
    /// <summary>The string property that keeps the secret's SHA-256 (<c>Secrets.Hash</c>), for finding a record by its secret.</summary>
    public string? HashedIn { get; init; }
}

/// <summary>One change: who did what to which record, and when.</summary>
public sealed class AuditEntry
{
    public Guid Id { get; set; }

    public DateTimeOffset At { get; set; }

    public Guid? ActorId { get; set; }

    public required string ActorName { get; set; }

    /// <summary>created, updated or deleted.</summary>
    public required string Action { get; set; }

    public required string EntityType { get; set; }

    public required string EntityId { get; set; }

    /// <summary>JSON object of the changed properties: {"name": ["old", "new"]}.</summary>
    public required string Changes { get; set; }
}
