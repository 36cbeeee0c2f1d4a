using Microsoft.EntityFrameworkCore;
using Steady.Core.StatusPage;
using Steady.Server.Data;

namespace Steady.Server.Features.StatusPage;

/// <summary>A component in the incident's public update form, and whether the incident's services suggest it is affected.</summary>
public sealed record FormComponent(Guid Id, string Name, string? Group, ComponentState State, string? SuggestedBecause);

/// <summary>What the incident page's public update form shows: the default page, its components, and where the incident's public side stands.</summary>
public sealed record PublicUpdateForm(int Number, string IncidentTitle, PublicStatusPage? Page, PublicIncident? Published, IReadOnlyList<FormComponent> Components)
{
    public static async Task<PublicUpdateForm> LoadAsync(SteadyDb db, Guid incidentId, CancellationToken cancellationToken)
    {
        var incident = await db.Incidents.AsNoTracking().FirstAsync(i => i.Id == incidentId, cancellationToken);
        var page = await db.Set<PublicStatusPage>().AsNoTracking().FirstOrDefaultAsync(p => p.IsDefault, cancellationToken);
        if (page is null)
            return new PublicUpdateForm(incident.Number, incident.Title, null, null, []);
        var published = await db.Set<PublicIncident>().AsNoTracking().FirstOrDefaultAsync(p => p.PageId == page.Id && p.IncidentId == incidentId, cancellationToken);
        var services = await (from s in db.IncidentServices.AsNoTracking()
                              join svc in db.Services.AsNoTracking() on s.ServiceId equals svc.Id
                              where s.IncidentId == incidentId
                              select new { svc.Id, svc.Name }).ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        var groups = await db.Set<StatusComponentGroup>().AsNoTracking().Where(g => g.PageId == page.Id).ToDictionaryAsync(g => g.Id, g => g.Name, cancellationToken);
        var components = await db.Set<StatusComponent>().AsNoTracking().Where(c => c.PageId == page.Id).OrderBy(c => c.Position).ThenBy(c => c.Name).ToListAsync(cancellationToken);
        return new PublicUpdateForm(incident.Number, incident.Title, page, published, components.Select(c => new FormComponent(
            c.Id, c.Name, c.GroupId is { } g ? groups.GetValueOrDefault(g) : null, c.State,
            c.ServiceId is { } s && services.TryGetValue(s, out var service) ? $"linked to {service}, a service of this incident" : null)).ToList());
    }
}
