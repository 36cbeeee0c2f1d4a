using Steady.Core.Audit;

namespace Steady.Core.Services;

/// <summary>Something a team runs and answers for: alerts arrive for it, incidents affect it.</summary>
public sealed class Service : IAudited
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public Guid TeamId { get; set; }

    public string? Description { get; set; }

    public string? RunbookUrl { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// JSON array of the label names whose values group this service's alerts; "[]": every alert in one
    /// group; null (not set): the sender's own grouping (Alertmanager's group, else each dedup key alone).
    /// </summary>
    public string? GroupBy { get; set; }

    public int GroupWindowSeconds { get; set; } = 300;

    /// <summary>State changes of one alert within the flap window that make it flapping (0: never).</summary>
    public int FlapThreshold { get; set; } = 6;

    public int FlapWindowSeconds { get; set; } = 900;

    /// <summary>Who gets paged when this service's alerts trigger.</summary>
    public Guid? EscalationPolicyId { get; set; }

    /// <summary>
    /// JSON array of strings: the first steps to stabilize this service (isolate the component, pause
    /// automation, reduce load, revert the recent change). The incident page leads with it during triage.
    /// </summary>
    public string StabilizationChecklist { get; set; } = "[]";

    public IReadOnlyList<string> Checklist() =>
        System.Text.Json.JsonSerializer.Deserialize<List<string>>(StabilizationChecklist) ?? [];

    /// <summary>How its pages' urgency is decided: severity (critical and error high, warning and info low), high, or low.</summary>
    public string Urgency { get; set; } = "severity";

    /// <summary>JSON <see cref="OnCall.BusinessHoursDefinition"/>: when low-urgency pages go out; null: at any hour.</summary>
    public string? BusinessHours { get; set; }

    /// <summary>An acknowledged alert group nobody resolves within this re-triggers and pages again; null: never.</summary>
    public int? AckTimeoutSeconds { get; set; }

    public OnCall.BusinessHours? ReadBusinessHours() => BusinessHours is null
        ? null
        : OnCall.BusinessHours.Parse(System.Text.Json.JsonSerializer.Deserialize<OnCall.BusinessHoursDefinition>(BusinessHours, OnCall.Layers.Json), []);

    /// <summary>The grouping labels as a list; null when not set (the sender's grouping).</summary>
    public IReadOnlyList<string>? GroupByLabels() => GroupBy is null ? null : System.Text.Json.JsonSerializer.Deserialize<List<string>>(GroupBy) ?? [];

    public Alerts.AlertSettings AlertSettings() => new(
        GroupByLabels(),
        TimeSpan.FromSeconds(GroupWindowSeconds),
        FlapThreshold,
        TimeSpan.FromSeconds(FlapWindowSeconds));
}

/// <summary>The secret in an intake URL that says which service an alert is for. Revoked keys stop working at once.</summary>
public sealed class IntegrationKey : IAudited
{
    public Guid Id { get; set; }

    public Guid ServiceId { get; set; }

    public required string Name { get; set; }

    /// <summary>The key monitoring tools send with (stored encrypted; found by <see cref="KeyHash"/>).</summary>
    [Secret(HashedIn = nameof(KeyHash))]
    public required string Key { get; set; }

    /// <summary>The key's SHA-256, written as the key is saved: what intake looks a key up by.</summary>
    [AuditIgnore]
    public string? KeyHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public Guid? CreatedBy { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
