namespace Steady.Core.Incidents;

/// <summary>An open incident on the service, as the freeze sees it.</summary>
public sealed record OpenIncidentOnService(int Number, string Title, string Severity, IncidentStatus Status);

/// <summary>A manual freeze someone set on the service, until it is lifted or ends.</summary>
public sealed record ManualFreeze(string Reason, string SetBy, DateTimeOffset? Until);

public sealed record FreezeVerdict(bool Frozen, string Reason, int? Incident);

/// <summary>
/// Whether automation and deploy pipelines should hold on a service: while an incident of a
/// severity that freezes (SEV1/SEV2 by default) is open on it, or a manual freeze is set.
/// </summary>
public static class Freezes
{
    public static FreezeVerdict Decide(IReadOnlyList<OpenIncidentOnService> incidents, SeverityTable table, ManualFreeze? manual)
    {
        var freezing = incidents
            .Where(i => Lifecycle.IsOpen(i.Status) && table.Find(i.Severity) is { Freezes: true })
            .OrderBy(i => table.Rank(i.Severity))
            .ThenBy(i => i.Number)
            .FirstOrDefault();
        if (freezing is not null)
            return new FreezeVerdict(true, $"{freezing.Severity} incident #{freezing.Number} is open: {freezing.Title}", freezing.Number);
        if (manual is not null)
            return new FreezeVerdict(true, $"Manual freeze by {manual.SetBy}: {manual.Reason}", null);
        return new FreezeVerdict(false, "No freeze: no SEV1/SEV2 incident is open on this service and no manual freeze is set.", null);
    }
}
