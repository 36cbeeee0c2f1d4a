using Steady.Core.Audit;

namespace Steady.Core.Incidents;

/// <summary>A deploy, config change or other change on a service: "what changed before this started".</summary>
public sealed class ChangeEvent : IAudited
{
    public Guid Id { get; set; }

    public Guid ServiceId { get; set; }

    public required string Summary { get; set; }

    /// <summary>deploy, config, feature-flag, infrastructure, database, other.</summary>
    public required string Kind { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Who { get; set; }

    public string? Link { get; set; }

    public DateTimeOffset RecordedAt { get; set; }

    public required string RecordedBy { get; set; }
}

/// <summary>A freeze someone set by hand on a service (a release weekend, a risky migration).</summary>
public sealed class ServiceFreeze : IAudited
{
    public Guid Id { get; set; }

    public Guid ServiceId { get; set; }

    public required string Reason { get; set; }

    public required string SetBy { get; set; }

    public DateTimeOffset SetAt { get; set; }

    public DateTimeOffset? Until { get; set; }

    public DateTimeOffset? LiftedAt { get; set; }
}

public static class ChangeKinds
{
    public static readonly string[] All = ["deploy", "config", "feature-flag", "infrastructure", "database", "rollback", "other"];
}
