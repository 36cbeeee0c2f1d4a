using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Accounts;
using Steady.Core.StatusPage;
using Steady.Server.Data;

namespace Steady.Server.Features.StatusPage.Console;

/// <summary>One row of the console's list of status pages.</summary>
public sealed record PageRow(PublicStatusPage Page, int Components, int Affected, int OpenIncidents, int Maintenance, int Subscribers);

/// <summary>The console's status pages: each page with what is on it, and (administrators) a form to make one. Through <see cref="StatusPageCommands"/> like the API.</summary>
public sealed class IndexModel(SteadyDb db, StatusPageCommands commands) : ConsolePage
{
    public IReadOnlyList<PageRow> Pages { get; private set; } = [];

    public bool CanAdminister => Permissions.CanAdministerOrganization(Actor);

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync(string? name, string? slug, string? timeZone)
    {
        var outcome = await commands.CreatePageAsync(Actor, new PageInput(name, slug, TimeZone: string.IsNullOrWhiteSpace(timeZone) ? null : timeZone), RequestAborted);
        if (!outcome.Succeeded)
        {
            if (outcome.Failure!.Kind == Steady.Core.FailureKind.Forbidden)
                return StatusCode(StatusCodes.Status403Forbidden);
            ShowFailure(outcome.Failure);
            await LoadAsync();
            return Page();
        }
        Notice($"Status page {outcome.Value!.Name} made, at {StatusPagePaths.Of(outcome.Value)}. Add its components below.");
        return Redirect($"/status-pages/{outcome.Value.Slug}");
    }

    private async Task LoadAsync()
    {
        var pages = await db.Set<PublicStatusPage>().AsNoTracking().OrderByDescending(p => p.IsDefault).ThenBy(p => p.Slug).ToListAsync(RequestAborted);
        var components = await db.Set<StatusComponent>().AsNoTracking().GroupBy(c => c.PageId)
            .Select(g => new { g.Key, Count = g.Count(), Affected = g.Count(c => c.State != ComponentState.Operational) }).ToDictionaryAsync(x => x.Key, RequestAborted);
        var incidents = await db.Set<PublicIncident>().AsNoTracking().Where(i => i.ResolvedAt == null).GroupBy(i => i.PageId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, RequestAborted);
        var maintenance = await db.Set<StatusMaintenance>().AsNoTracking().Where(m => m.Status != MaintenanceStatus.Completed).GroupBy(m => m.PageId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, RequestAborted);
        var subscribers = await db.Set<StatusSubscriber>().AsNoTracking().Where(s => s.State == SubscriberState.Active).GroupBy(s => s.PageId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, RequestAborted);
        Pages = pages.Select(p => new PageRow(p, components.GetValueOrDefault(p.Id)?.Count ?? 0, components.GetValueOrDefault(p.Id)?.Affected ?? 0,
            incidents.GetValueOrDefault(p.Id), maintenance.GetValueOrDefault(p.Id), subscribers.GetValueOrDefault(p.Id))).ToList();
    }
}
