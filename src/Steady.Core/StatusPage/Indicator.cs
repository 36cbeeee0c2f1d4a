namespace Steady.Core.StatusPage;

/// <summary>A page's rollup as Statuspage's status.json gives it: an indicator and its words.</summary>
public sealed record PageIndicator(string Indicator, string Description)
{
    private static readonly string[] Order = ["none", "maintenance", "minor", "major", "critical"];

    /// <summary>
    /// The worse of what the components' states say (degraded: minor, partial outage: major, major
    /// outage: critical, maintenance: maintenance) and the impact of the unresolved incidents.
    /// </summary>
    public static PageIndicator Of(IEnumerable<ComponentState> states, IEnumerable<string> unresolvedImpacts)
    {
        var all = states.ToList();
        var fromComponents = all.Contains(ComponentState.MajorOutage) ? "critical"
            : all.Contains(ComponentState.PartialOutage) ? "major"
            : all.Contains(ComponentState.DegradedPerformance) ? "minor"
            : all.Contains(ComponentState.UnderMaintenance) ? "maintenance"
            : "none";
        var worst = unresolvedImpacts.Append(fromComponents).MaxBy(i => Array.IndexOf(Order, i)) ?? "none";
        return new PageIndicator(worst, worst switch
        {
            "critical" => "Major System Outage",
            "major" => "Partial System Outage",
            "minor" => all.Contains(ComponentState.DegradedPerformance) && fromComponents == "minor" ? "Partially Degraded Service" : "Minor Service Outage",
            "maintenance" => "Service Under Maintenance",
            _ => "All Systems Operational",
        });
    }
}
