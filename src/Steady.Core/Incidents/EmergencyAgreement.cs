using Steady.Core.Audit;

namespace Steady.Core.Incidents;

/// <summary>
/// A retainer client's emergency line, written down in advance (seed: "Scope and limits"): which
/// severities it covers, when, what it is for and what it is not, which service an incident affects
/// and which policy is paged. Its intake is reached by a secret key. Misuse can suspend it until an
/// admin reinstates it.
/// </summary>
public sealed class EmergencyAgreement : IAudited
{
    public Guid Id { get; set; }

    public required string Client { get; set; }

    /// <summary>JSON array of severity names the line covers, e.g. ["SEV1"].</summary>
    public required string CoveredSeverities { get; set; }

    /// <summary>When the line is staffed, as agreed: "24/7", "Mon–Fri 08:00–18:00 Europe/Berlin".</summary>
    public required string Hours { get; set; }

    /// <summary>What the line is for.</summary>
    public required string Purpose { get; set; }

    /// <summary>What it is not: no continuous availability, no guaranteed response time, no priority for non-critical work.</summary>
    public required string Boundaries { get; set; }

    public Guid ServiceId { get; set; }

    public Guid EscalationPolicyId { get; set; }

    /// <summary>The intake's secret key (stored encrypted; found by <see cref="KeyHash"/>).</summary>
    [Secret(HashedIn = nameof(KeyHash))]
    public required string Key { get; set; }

    /// <summary>The key's SHA-256, written as the key is saved: what a request's key is looked up by.</summary>
    [AuditIgnore]
    public string? KeyHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public Guid CreatedById { get; set; }

    /// <summary>Who commands the incidents its submissions open; null: the admin who wrote the agreement down.</summary>
    public Guid? CommanderId { get; set; }

    public DateTimeOffset? SuspendedAt { get; set; }

    public string? SuspendedReason { get; set; }

    public DateTimeOffset? ReinstatedAt { get; set; }

    public bool IsSuspended => SuspendedAt is not null;

    public IReadOnlyList<string> Severities() => System.Text.Json.JsonSerializer.Deserialize<List<string>>(CoveredSeverities) ?? [];
}

/// <summary>One call on the emergency line: who, what, and the triage incident it opened; triage may mark it misuse.</summary>
public sealed class EmergencySubmission : IAudited
{
    public Guid Id { get; set; }

    public Guid AgreementId { get; set; }

    public DateTimeOffset SubmittedAt { get; set; }

    public required string ContactName { get; set; }

    public required string Contact { get; set; }

    public required string Description { get; set; }

    public Guid IncidentId { get; set; }

    public DateTimeOffset? MisuseAt { get; set; }

    public string? MisuseBy { get; set; }

    public string? MisuseReason { get; set; }
}
