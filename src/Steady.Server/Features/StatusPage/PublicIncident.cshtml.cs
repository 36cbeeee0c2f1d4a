using Microsoft.AspNetCore.Mvc;

namespace Steady.Server.Features.StatusPage;

/// <summary>One public incident (or scheduled maintenance) with all its updates, newest first.</summary>
[Microsoft.AspNetCore.Authorization.AllowAnonymous]
public sealed class PublicIncidentModel(StatusPageCache cache) : PublicPage(cache)
{
    public IncidentView? Incident { get; private set; }

    public MaintenanceView? Maintenance { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? slug, Guid id)
    {
        if (await ReadAsync(slug) is { } early)
            return early;
        Incident = Snapshot.Incidents.FirstOrDefault(i => i.Incident.Id == id);
        Maintenance = Incident is null ? Snapshot.Maintenances.FirstOrDefault(m => m.Maintenance.Id == id) : null;
        return Incident is null && Maintenance is null ? NotFound() : RenderOnce();
    }
}
