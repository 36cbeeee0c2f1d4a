using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Accounts;
using Steady.Core.Services;
using Steady.Server.Data;

namespace Steady.Server.Features.Services;

public sealed class ServiceDetailModel(SteadyDb db, ServiceCommands services) : ConsolePage
{
    public Service Service { get; private set; } = null!;

    public string TeamName { get; private set; } = "";

    public IReadOnlyList<Steady.Core.Alerts.Check> Checks { get; private set; } = [];

    /// <summary>Null when this person may not see the keys.</summary>
    public IReadOnlyList<IntegrationKey>? Keys { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        return await LoadAsync(id) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostKeyAsync(Guid id, string? keyName)
    {
        var outcome = await services.CreateKeyAsync(Actor, id, new IntegrationKeyInput(keyName), RequestAborted);
        if (!outcome.Succeeded)
        {
            ShowFailure(outcome.Failure!);
            return await LoadAsync(id) ? Page() : NotFound();
        }
        Notice($"Integration key {outcome.Value!.Name} created.");
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, Guid keyId)
    {
        var outcome = await services.RevokeKeyAsync(Actor, id, keyId, RequestAborted);
        if (!outcome.Succeeded)
        {
            ShowFailure(outcome.Failure!);
            return await LoadAsync(id) ? Page() : NotFound();
        }
        Notice($"Integration key {outcome.Value!.Name} revoked; alerts sent with it are now refused.");
        return RedirectToPage(new { id });
    }

    private async Task<bool> LoadAsync(Guid id)
    {
        var service = await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, RequestAborted);
        if (service is null)
            return false;
        Service = service;
        Checks = await db.Checks.AsNoTracking().Where(c => c.ServiceId == id).OrderBy(c => c.Name).ToListAsync(RequestAborted);
        TeamName = await db.Teams.Where(t => t.Id == service.TeamId).Select(t => t.Name).FirstAsync(RequestAborted);
        Keys = Permissions.CanSeeIntegrationKeysOf(Actor, service.TeamId)
            ? await db.IntegrationKeys.AsNoTracking().Where(k => k.ServiceId == id).OrderBy(k => k.RevokedAt != null).ThenBy(k => k.Id).ToListAsync(RequestAborted)
            : null;
        return true;
    }
}
