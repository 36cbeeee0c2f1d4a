namespace Steady.Core.StatusPage;

/// <summary>The five states a component shows, in Statuspage's order of gravity.</summary>
public enum ComponentState
{
    Operational,
    DegradedPerformance,
    PartialOutage,
    MajorOutage,
    UnderMaintenance,
}

/// <summary>Where a public incident stands, as its updates say.</summary>
public enum PublicIncidentStatus
{
    Investigating,
    Identified,
    Monitoring,
    Resolved,
}

/// <summary>The wire names (Statuspage's: <c>partial_outage</c>) and the words people read.</summary>
public static class StatusNames
{
    public static string Wire(ComponentState state) => state switch
    {
        ComponentState.Operational => "operational",
        ComponentState.DegradedPerformance => "degraded_performance",
        ComponentState.PartialOutage => "partial_outage",
        ComponentState.MajorOutage => "major_outage",
        _ => "under_maintenance",
    };

    public static string Words(ComponentState state) => state switch
    {
        ComponentState.Operational => "Operational",
        ComponentState.DegradedPerformance => "Degraded performance",
        ComponentState.PartialOutage => "Partial outage",
        ComponentState.MajorOutage => "Major outage",
        _ => "Under maintenance",
    };

    public static string Wire(PublicIncidentStatus status) => status.ToString().ToLowerInvariant();

    public static ComponentState? ParseState(string? value) =>
        Enum.GetValues<ComponentState>().Cast<ComponentState?>().FirstOrDefault(s => string.Equals(Wire(s!.Value), value?.Trim(), StringComparison.OrdinalIgnoreCase));

    public static PublicIncidentStatus? ParseStatus(string? value) =>
        Enum.GetValues<PublicIncidentStatus>().Cast<PublicIncidentStatus?>().FirstOrDefault(s => string.Equals(Wire(s!.Value), value?.Trim(), StringComparison.OrdinalIgnoreCase));

    public const string StateChoices = "operational, degraded_performance, partial_outage, major_outage or under_maintenance";

    public const string StatusChoices = "investigating, identified, monitoring or resolved";
}
