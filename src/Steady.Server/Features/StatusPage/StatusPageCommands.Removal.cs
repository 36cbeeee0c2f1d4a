using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.StatusPage;

namespace Steady.Server.Features.StatusPage;

/// <summary>A page's secret link, and deleting pages, groups and components (administrators), each in one transaction.</summary>
public sealed partial class StatusPageCommands
{
    /// <summary>Makes the page's secret link (replacing any earlier one); returns its key, which is not kept and shown only now.</summary>
    public async Task<Outcome<(PublicStatusPage Page, string Key)>> CreateAccessLinkAsync(Actor actor, string slug, CancellationToken cancellationToken)
    {
        if (!Permissions.CanAdministerOrganization(actor))
            return Failure.Forbidden("Only organization administrators make a page's secret link.");
        var page = await PageAsync(slug, cancellationToken);
        if (page is null)
            return Failure.NotFound($"The status page '{slug}'");
        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        page.AccessKeyHash = Secrets.Hash(key);
        page.ChangedAt = time.GetUtcNow();
        db.AuditEvent("access_link_created", "public_status_page", page.Id.ToString(), actor.UserId, actor.Name, new Dictionary<string, string?> { ["slug"] = page.Slug });
        await SaveAsync(cancellationToken);
        return (page, key);
    }

    /// <summary>Deletes a page and everything on it: components and their history, incidents, maintenance, subscribers and their messages.</summary>
    public async Task<Outcome<PublicStatusPage>> DeletePageAsync(Actor actor, string slug, CancellationToken cancellationToken)
    {
        if (!Permissions.CanAdministerOrganization(actor))
            return Failure.Forbidden("Only organization administrators delete status pages.");
        var page = await PageAsync(slug, cancellationToken);
        if (page is null)
            return Failure.NotFound($"The status page '{slug}'");
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var subscribers = db.Set<StatusSubscriber>().Where(s => s.PageId == page.Id).Select(s => s.Id);
        await db.Set<StatusNotice>().Where(n => subscribers.Contains(n.SubscriberId)).ExecuteDeleteAsync(cancellationToken);
        await db.Set<StatusBroadcast>().Where(b => b.PageId == page.Id).ExecuteDeleteAsync(cancellationToken);
        await db.Set<StatusSubscriber>().Where(s => s.PageId == page.Id).ExecuteDeleteAsync(cancellationToken);
        var maintenances = await db.Set<StatusMaintenance>().Where(m => m.PageId == page.Id).ToListAsync(cancellationToken);
        foreach (var maintenance in maintenances)
            await RemoveMaintenanceRowsAsync(maintenance, cancellationToken);
        db.RemoveRange(maintenances);
        var incidents = await db.Set<PublicIncident>().Where(i => i.PageId == page.Id).ToListAsync(cancellationToken);
        var incidentIds = incidents.Select(i => i.Id).ToList();
        var updates = await db.Set<PublicIncidentUpdate>().Where(u => incidentIds.Contains(u.PublicIncidentId)).ToListAsync(cancellationToken);
        var updateIds = updates.Select(u => u.Id).ToList();
        await db.Set<PublicUpdateComponent>().Where(a => updateIds.Contains(a.UpdateId)).ExecuteDeleteAsync(cancellationToken);
        db.RemoveRange(updates);
        db.RemoveRange(incidents);
        var components = await db.Set<StatusComponent>().Where(c => c.PageId == page.Id).ToListAsync(cancellationToken);
        var componentIds = components.Select(c => c.Id).ToList();
        await db.Set<ComponentStateInterval>().Where(i => componentIds.Contains(i.ComponentId)).ExecuteDeleteAsync(cancellationToken);
        db.RemoveRange(components);
        db.RemoveRange(await db.Set<StatusComponentGroup>().Where(g => g.PageId == page.Id).ToListAsync(cancellationToken));
        db.Remove(page);
        await db.SaveChangesAsync(cancellationToken);
        if (page.IsDefault && await db.Set<PublicStatusPage>().OrderBy(p => p.CreatedAt).FirstOrDefaultAsync(cancellationToken) is { } next)
        {
            next.IsDefault = true;
            next.ChangedAt = time.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        cache.Invalidate();
        return page;
    }

    /// <summary>A maintenance's own rows (its updates, components, the links to its alert windows); alert windows still to come or running are called off.</summary>
    internal async Task RemoveMaintenanceRowsAsync(StatusMaintenance maintenance, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var windowIds = await db.Set<StatusMaintenanceWindow>().Where(w => w.MaintenanceId == maintenance.Id).Select(w => w.WindowId).ToListAsync(cancellationToken);
        foreach (var window in await db.MaintenanceWindows.Where(w => windowIds.Contains(w.Id)).ToListAsync(cancellationToken))
            window.EndAt(now, Steady.Core.Alerts.MaintenanceWindow.Kind);
        await db.Set<StatusMaintenanceWindow>().Where(w => w.MaintenanceId == maintenance.Id).ExecuteDeleteAsync(cancellationToken);
        await db.Set<StatusMaintenanceComponent>().Where(c => c.MaintenanceId == maintenance.Id).ExecuteDeleteAsync(cancellationToken);
        await db.Set<StatusMaintenanceUpdate>().Where(u => u.MaintenanceId == maintenance.Id).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Deletes a group; its components stay on the page, in no group.</summary>
    public async Task<Outcome<StatusComponentGroup>> DeleteGroupAsync(Actor actor, string slug, string groupRef, CancellationToken cancellationToken)
    {
        if (!Permissions.CanAdministerOrganization(actor))
            return Failure.Forbidden("Only organization administrators change status pages.");
        var page = await PageAsync(slug, cancellationToken);
        if (page is null)
            return Failure.NotFound($"The status page '{slug}'");
        var name = groupRef.Trim();
        var group = Guid.TryParse(name, out var id)
            ? await db.Set<StatusComponentGroup>().FirstOrDefaultAsync(g => g.PageId == page.Id && g.Id == id, cancellationToken)
            : await db.Set<StatusComponentGroup>().FirstOrDefaultAsync(g => g.PageId == page.Id && g.Name == name, cancellationToken);
        if (group is null)
            return Failure.NotFound($"The group '{groupRef}'");
        foreach (var component in await db.Set<StatusComponent>().Where(c => c.GroupId == group.Id).ToListAsync(cancellationToken))
            component.GroupId = null;
        db.Remove(group);
        page.ChangedAt = time.GetUtcNow();
        await SaveAsync(cancellationToken);
        return group;
    }

    /// <summary>Deletes a component and its history; the incidents and maintenance that named it stay, without it.</summary>
    public async Task<Outcome<StatusComponent>> DeleteComponentAsync(Actor actor, string slug, string componentRef, CancellationToken cancellationToken)
    {
        if (!Permissions.CanAdministerOrganization(actor))
            return Failure.Forbidden("Only organization administrators change status pages.");
        var page = await PageAsync(slug, cancellationToken);
        if (page is null)
            return Failure.NotFound($"The status page '{slug}'");
        var component = await ComponentAsync(page.Id, componentRef, cancellationToken);
        if (component is null)
            return Failure.NotFound($"The component '{componentRef}'");
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Set<ComponentStateInterval>().Where(i => i.ComponentId == component.Id).ExecuteDeleteAsync(cancellationToken);
        await db.Set<PublicUpdateComponent>().Where(a => a.ComponentId == component.Id).ExecuteDeleteAsync(cancellationToken);
        await db.Set<StatusMaintenanceComponent>().Where(a => a.ComponentId == component.Id).ExecuteDeleteAsync(cancellationToken);
        db.Remove(component);
        page.ChangedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        cache.Invalidate();
        return component;
    }
}
