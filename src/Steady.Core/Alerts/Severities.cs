namespace Steady.Core.Alerts;

public static class Severities
{
    /// <summary>Maps the words monitoring tools use onto the four PagerDuty severities; null when unknown.</summary>
    public static Severity? Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "critical" or "crit" or "page" or "fatal" or "emergency" or "alert" or "p1" or "sev1" => Severity.Critical,
        "error" or "err" or "major" or "high" or "p2" or "sev2" => Severity.Error,
        "warning" or "warn" or "minor" or "medium" or "p3" or "sev3" => Severity.Warning,
        "info" or "informational" or "notice" or "low" or "none" or "debug" or "p4" or "p5" => Severity.Info,
        _ => null,
    };

    public static string ToWire(this Severity severity) => severity.ToString().ToLowerInvariant();

    public static string ToWire(this AlertStatus status) => status.ToString().ToLowerInvariant();
}
