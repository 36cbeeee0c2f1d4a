using Microsoft.EntityFrameworkCore;
using NodaTime;
using Steady.Core.StatusPage;
using Steady.Server.Data;

namespace Steady.Server.Features.StatusPage;

/// <summary>One component as the page shows it: its state, its 90 days and its uptime.</summary>
public sealed record ComponentView(StatusComponent Component, string? Group, UptimeBars Uptime, IReadOnlyList<IReadOnlyList<string>> DayIncidents);

public sealed record AffectedView(Guid ComponentId, string Name, ComponentState OldState, ComponentState NewState);

public sealed record UpdateView(PublicIncidentUpdate Update, IReadOnlyList<AffectedView> Affected);

public sealed record IncidentView(PublicIncident Incident, IReadOnlyList<UpdateView> Updates, IReadOnlyList<Guid> ComponentIds);

public sealed record MaintenanceView(StatusMaintenance Maintenance, IReadOnlyList<StatusMaintenanceUpdate> Updates, IReadOnlyList<Guid> ComponentIds);

public sealed record GroupView(StatusComponentGroup? Group, IReadOnlyList<ComponentView> Components);

/// <summary>
/// Everything a status page shows, read once from the database: the page renders it, the v2 JSON and
/// the feeds serialize it. Built by <see cref="StatusPageCache"/> once per change, never per request.
/// </summary>
public sealed record StatusPageSnapshot(
    PublicStatusPage Page,
    DateTimeZone Zone,
    DateTimeOffset BuiltAt,
    IReadOnlyList<GroupView> Groups,
    IReadOnlyList<ComponentView> Components,
    IReadOnlyList<IncidentView> Incidents,
    IReadOnlyList<MaintenanceView> Maintenances)
{
    public const int Days = 90;

    public IReadOnlyDictionary<Guid, StatusComponent> ComponentsById { get; } = Components.ToDictionary(c => c.Component.Id, c => c.Component);

    /// <summary>Maintenance running now (in progress or verifying).</summary>
    public IEnumerable<MaintenanceView> ActiveMaintenances => Maintenances.Where(m => m.Maintenance.IsActive).OrderBy(m => m.Maintenance.StartsAt);

    /// <summary>Maintenance scheduled and not started, soonest first.</summary>
    public IEnumerable<MaintenanceView> UpcomingMaintenances => Maintenances.Where(m => m.Maintenance.Status == MaintenanceStatus.Scheduled).OrderBy(m => m.Maintenance.StartsAt);

    public IEnumerable<MaintenanceView> CompletedMaintenances => Maintenances.Where(m => m.Maintenance.Status == MaintenanceStatus.Completed).OrderByDescending(m => m.Maintenance.StartsAt);

    public IEnumerable<IncidentView> Active => Incidents.Where(i => i.Incident.Status != PublicIncidentStatus.Resolved);

    public IEnumerable<IncidentView> Resolved => Incidents.Where(i => i.Incident.Status == PublicIncidentStatus.Resolved);

    /// <summary>The worst current state of any component (operational when there are none).</summary>
    public ComponentState Worst => Components.Count == 0 ? ComponentState.Operational
        : Components.Select(c => c.Component.State).Where(s => s != ComponentState.Operational && s != ComponentState.UnderMaintenance).DefaultIfEmpty(
            Components.Any(c => c.Component.State == ComponentState.UnderMaintenance) ? ComponentState.UnderMaintenance : ComponentState.Operational).Max();

    public string LocalTime(DateTimeOffset at) => LocalTime(Zone, at);

    /// <summary>"3 Dec 2026, 14:05 CET": an instant as a page in <paramref name="zone"/> writes it.</summary>
    public static string LocalTime(DateTimeZone zone, DateTimeOffset at) => Instant.FromDateTimeOffset(at).InZone(zone).ToString("d MMM yyyy, HH:mm", System.Globalization.CultureInfo.InvariantCulture)
        + " " + zone.GetZoneInterval(Instant.FromDateTimeOffset(at)).Name;

    public static async Task<StatusPageSnapshot> BuildAsync(SteadyDb db, PublicStatusPage page, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(page.TimeZone) ?? DateTimeZone.Utc;
        var since = now.AddDays(-(Days + 2));
        var groups = await db.Set<StatusComponentGroup>().AsNoTracking().Where(g => g.PageId == page.Id).OrderBy(g => g.Position).ThenBy(g => g.Name).ToListAsync(cancellationToken);
        var components = await db.Set<StatusComponent>().AsNoTracking().Where(c => c.PageId == page.Id).OrderBy(c => c.Position).ThenBy(c => c.Name).ToListAsync(cancellationToken);
        var ids = components.Select(c => c.Id).ToList();
        var intervals = (await db.Set<ComponentStateInterval>().AsNoTracking()
            .Where(i => ids.Contains(i.ComponentId) && (i.EndedAt == null || i.EndedAt > since)).ToListAsync(cancellationToken))
            .ToLookup(i => i.ComponentId);
        var firstStart = (await db.Set<ComponentStateInterval>().AsNoTracking().Where(i => ids.Contains(i.ComponentId))
            .GroupBy(i => i.ComponentId).Select(g => new { g.Key, First = g.Min(i => i.StartedAt) }).ToListAsync(cancellationToken)).ToDictionary(x => x.Key, x => x.First);

        var incidents = await db.Set<PublicIncident>().AsNoTracking().Where(i => i.PageId == page.Id && (i.ResolvedAt == null || i.ResolvedAt > now.AddDays(-366)))
            .OrderByDescending(i => i.CreatedAt).ToListAsync(cancellationToken);
        var incidentIds = incidents.Select(i => i.Id).ToList();
        var updates = await db.Set<PublicIncidentUpdate>().AsNoTracking().Where(u => incidentIds.Contains(u.PublicIncidentId)).OrderByDescending(u => u.At).ThenByDescending(u => u.Id).ToListAsync(cancellationToken);
        var updateIds = updates.Select(u => u.Id).ToList();
        var affected = (await db.Set<PublicUpdateComponent>().AsNoTracking().Where(a => updateIds.Contains(a.UpdateId)).ToListAsync(cancellationToken)).ToLookup(a => a.UpdateId);
        var names = components.ToDictionary(c => c.Id, c => c.Name);
        var incidentViews = incidents.Select(i =>
        {
            var own = updates.Where(u => u.PublicIncidentId == i.Id).ToList();
            var views = own.Select(u => new UpdateView(u, affected[u.Id].Select(a => new AffectedView(a.ComponentId, names.GetValueOrDefault(a.ComponentId, "?"), a.OldState, a.NewState)).ToList())).ToList();
            return new IncidentView(i, views, own.SelectMany(u => affected[u.Id].Select(a => a.ComponentId)).Distinct().ToList());
        }).ToList();

        var groupNames = groups.ToDictionary(g => g.Id, g => g.Name);
        var instantNow = Instant.FromDateTimeOffset(now);
        var componentViews = components.Select(c =>
        {
            var history = intervals[c.Id].ToList();
            // Intervals that ended before the window are not read; the first start still says since when the component is known.
            if (firstStart.TryGetValue(c.Id, out var first) && history.All(h => h.StartedAt > first))
                history.Add(new ComponentStateInterval { ComponentId = c.Id, State = ComponentState.Operational, StartedAt = first, EndedAt = first });
            var bars = Uptime.Compute(history, zone, instantNow, Days);
            var touching = incidentViews.Where(v => v.ComponentIds.Contains(c.Id)).ToList();
            var perDay = bars.Days.Select(d => (IReadOnlyList<string>)touching
                .Where(v => v.Incident.CreatedAt < d.End.ToDateTimeOffset() && (v.Incident.ResolvedAt ?? now) >= d.Start.ToDateTimeOffset())
                .Select(v => v.Incident.Title).ToList()).ToList();
            return new ComponentView(c, c.GroupId is { } g ? groupNames.GetValueOrDefault(g) : null, bars, perDay);
        }).ToList();

        var groupViews = new List<GroupView>();
        var ungrouped = componentViews.Where(c => c.Component.GroupId is null).ToList();
        if (ungrouped.Count > 0)
            groupViews.Add(new GroupView(null, ungrouped));
        groupViews.AddRange(groups.Select(g => new GroupView(g, componentViews.Where(c => c.Component.GroupId == g.Id).ToList())));
        var maintenances = await db.Set<StatusMaintenance>().AsNoTracking().Where(m => m.PageId == page.Id && (m.CompletedAt == null || m.CompletedAt > now.AddDays(-366)))
            .OrderByDescending(m => m.StartsAt).ToListAsync(cancellationToken);
        var maintenanceIds = maintenances.Select(m => m.Id).ToList();
        var maintenanceUpdates = (await db.Set<StatusMaintenanceUpdate>().AsNoTracking().Where(u => maintenanceIds.Contains(u.MaintenanceId)).ToListAsync(cancellationToken))
            .OrderByDescending(u => u.At).ThenByDescending(u => u.Id).ToLookup(u => u.MaintenanceId);
        var maintenanceComponents = (await db.Set<StatusMaintenanceComponent>().AsNoTracking().Where(x => maintenanceIds.Contains(x.MaintenanceId)).ToListAsync(cancellationToken))
            .ToLookup(x => x.MaintenanceId, x => x.ComponentId);
        var order = components.Select((c, i) => (c.Id, i)).ToDictionary(x => x.Id, x => x.i);
        var maintenanceViews = maintenances.Select(m => new MaintenanceView(m, maintenanceUpdates[m.Id].ToList(),
            maintenanceComponents[m.Id].OrderBy(c => order.GetValueOrDefault(c, int.MaxValue)).ToList())).ToList();
        return new StatusPageSnapshot(page, zone, now, groupViews, componentViews, incidentViews, maintenanceViews);
    }
}
