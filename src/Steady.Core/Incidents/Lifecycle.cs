namespace Steady.Core.Incidents;

/// <summary>triage → mitigating → mitigated (stable) → resolved → closed.</summary>
public enum IncidentStatus
{
    Triage,
    Mitigating,
    Mitigated,
    Resolved,
    Closed,
}

/// <summary>
/// Which status changes are allowed. Forward moves are free (a false alarm may go from triage
/// straight to resolved); going back (a relapse, a reopened incident) needs a reason, so the
/// timeline says why. Resolving and closing have their own gates (<see cref="Resolution"/>, <see cref="ClosingRecord"/>).
/// </summary>
public static class Lifecycle
{
    public static bool IsOpen(IncidentStatus status) => status < IncidentStatus.Resolved;

    public static Failure? Check(IncidentStatus from, IncidentStatus to, string? reason)
    {
        if (!Enum.IsDefined(to))
            return Failure.Invalid("status", "'status' must be one of triage, mitigating, mitigated, resolved, closed.");
        if (from == to)
            return Failure.Conflict($"The incident is already {Name(to)}.");
        if (to < from && string.IsNullOrWhiteSpace(reason))
            return Failure.Invalid("reason", $"Going back from {Name(from)} to {Name(to)} needs a reason, so the timeline says why.");
        return null;
    }

    public static string Name(IncidentStatus status) => status.ToString().ToLowerInvariant();

    public static IncidentStatus? Parse(string? text) =>
        Enum.TryParse<IncidentStatus>(text?.Trim(), ignoreCase: true, out var status) && Enum.IsDefined(status) && !int.TryParse(text, out _) ? status : null;
}
