using Microsoft.AspNetCore.Mvc;

namespace Steady.Server.Features.StatusPage;

/// <summary>One public incident with all its updates, newest first.</summary>
[Microsoft.AspNetCore.Authorization.AllowAnonymous]
public sealed class PublicIncidentModel(StatusPageCache cache) : PublicPage(cache)
{
    public IncidentView Incident { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string? slug, Guid id)
    {
        if (await ReadAsync(slug) is { } early)
            return early;
        var found = Snapshot.Incidents.FirstOrDefault(i => i.Incident.Id == id);
        if (found is null)
            return NotFound();
        Incident = found;
        return Page();
    }
}
