using System.Globalization;
using System.Text.Json;
using Steady.Core.StatusPage;

namespace Steady.Server.Features.StatusPage;

/// <summary>
/// A page in the shapes of Atlassian Statuspage's public API v2 (<c>/api/v2/summary.json</c> …): the same
/// paths and snake_case field names, so existing readers (Grafana's data source, aggregators, client
/// libraries) work unchanged. Groups are components with <c>group: true</c> and their members' ids,
/// as Statuspage lists them. Rendered once per reading of the page by <see cref="StatusPageCache"/>;
/// the incident and maintenance objects are also the webhook subscribers' (<see cref="StatusBroadcasts"/>).
/// </summary>
public static class StatuspageV2
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static byte[] Summary(StatusPageSnapshot s, string baseUrl) => Write(new
    {
        Page = Page(s, baseUrl),
        Components = Components(s),
        Incidents = s.Active.Select(i => Incident(s, i, baseUrl)).ToList(),
        ScheduledMaintenances = s.ActiveMaintenances.Concat(s.UpcomingMaintenances).Select(m => Maintenance(s, m, baseUrl)).ToList(),
        Status = Status(s),
    });

    public static byte[] StatusOnly(StatusPageSnapshot s, string baseUrl) => Write(new { Page = Page(s, baseUrl), Status = Status(s) });

    public static byte[] ComponentsOnly(StatusPageSnapshot s, string baseUrl) => Write(new { Page = Page(s, baseUrl), Components = Components(s) });

    /// <summary>The last 50 incidents, newest first, as Statuspage's incidents.json; <paramref name="unresolved"/> for incidents/unresolved.json.</summary>
    public static byte[] Incidents(StatusPageSnapshot s, string baseUrl, bool unresolved) => Write(new
    {
        Page = Page(s, baseUrl),
        Incidents = (unresolved ? s.Active : s.Incidents).Take(50).Select(i => Incident(s, i, baseUrl)).ToList(),
    });

    /// <summary>scheduled-maintenances.json (the last 50, newest first), …/upcoming.json (scheduled) and …/active.json (in progress or verifying).</summary>
    public static byte[] ScheduledMaintenances(StatusPageSnapshot s, string baseUrl, string which) => Write(new
    {
        Page = Page(s, baseUrl),
        ScheduledMaintenances = (which switch
        {
            "upcoming" => s.UpcomingMaintenances,
            "active" => s.ActiveMaintenances,
            _ => s.Maintenances.OrderByDescending(m => m.Maintenance.StartsAt).Take(50),
        }).Select(m => Maintenance(s, m, baseUrl)).ToList(),
    });

    private static byte[] Write<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Json);

    private static object Page(StatusPageSnapshot s, string baseUrl) => new
    {
        Id = s.Page.Id.ToString("N"),
        Name = s.Page.Name,
        Url = StatusPagePaths.Url(s.Page, baseUrl),
        TimeZone = s.Page.TimeZone,
        UpdatedAt = s.Page.ChangedAt,
    };

    private static object Status(StatusPageSnapshot s)
    {
        var indicator = PageIndicator.Of(s.Components.Select(c => c.Component.State), s.Active.Select(i => i.Incident.Impact));
        return new { indicator.Indicator, indicator.Description };
    }

    private static List<object> Components(StatusPageSnapshot s)
    {
        var list = new List<object>();
        foreach (var group in s.Groups)
        {
            if (group.Group is { } g)
            {
                var worst = group.Components.Count == 0 ? ComponentState.Operational : group.Components.Select(c => c.Component.State).Max();
                list.Add(new
                {
                    Id = g.Id.ToString("N"), Name = g.Name, Status = StatusNames.Wire(worst), CreatedAt = g.CreatedAt,
                    UpdatedAt = group.Components.Count == 0 ? g.CreatedAt : group.Components.Max(c => c.Component.UpdatedAt),
                    g.Position, Description = (string?)null, Showcase = false, StartDate = (string?)null, GroupId = (string?)null,
                    PageId = s.Page.Id.ToString("N"), Group = true, OnlyShowIfDegraded = false,
                    Components = group.Components.Select(c => c.Component.Id.ToString("N")).ToList(),
                });
            }
            list.AddRange(group.Components.Select(v => Component(s.Page, v.Component)));
        }
        return list;
    }

    private static object Component(PublicStatusPage page, StatusComponent c) => new
    {
        Id = c.Id.ToString("N"), c.Name, Status = StatusNames.Wire(c.State), c.CreatedAt, c.UpdatedAt, c.Position, c.Description,
        Showcase = true, StartDate = c.CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        GroupId = c.GroupId?.ToString("N"), PageId = page.Id.ToString("N"), Group = false, OnlyShowIfDegraded = false,
    };

    private static object Incident(StatusPageSnapshot s, IncidentView v, string baseUrl) =>
        Incident(s.Page, s.ComponentsById, v, StatusPagePaths.Url(s.Page, baseUrl));

    private static object Maintenance(StatusPageSnapshot s, MaintenanceView v, string baseUrl) =>
        Maintenance(s.Page, s.ComponentsById, v, StatusPagePaths.Url(s.Page, baseUrl));

    /// <summary>An incident as Statuspage writes it, its updates newest first.</summary>
    public static object Incident(PublicStatusPage page, IReadOnlyDictionary<Guid, StatusComponent> components, IncidentView v, string pageUrl)
    {
        var i = v.Incident;
        var monitoringAt = v.Updates.Where(u => u.Update.Status == PublicIncidentStatus.Monitoring).Select(u => (DateTimeOffset?)u.Update.At).LastOrDefault();
        return new
        {
            Id = i.Id.ToString("N"),
            Name = i.Title,
            Status = StatusNames.Wire(i.Status),
            i.CreatedAt,
            i.UpdatedAt,
            MonitoringAt = monitoringAt,
            i.ResolvedAt,
            i.Impact,
            Shortlink = $"{pageUrl}/incidents/{i.Id}",
            StartedAt = i.CreatedAt,
            PageId = page.Id.ToString("N"),
            IncidentUpdates = v.Updates.Select(u => new
            {
                Id = u.Update.Id.ToString("N"),
                Status = StatusNames.Wire(u.Update.Status),
                u.Update.Body,
                IncidentId = i.Id.ToString("N"),
                CreatedAt = u.Update.At,
                UpdatedAt = u.Update.At,
                DisplayAt = u.Update.At,
                AffectedComponents = u.Affected.Select(a => new { Code = a.ComponentId.ToString("N"), a.Name, OldStatus = StatusNames.Wire(a.OldState), NewStatus = StatusNames.Wire(a.NewState) }).ToList(),
                DeliverNotifications = true,
                CustomTweet = (string?)null,
                TweetId = (string?)null,
            }).ToList(),
            Components = v.ComponentIds.Where(components.ContainsKey).Select(id => Component(page, components[id])).ToList(),
        };
    }

    /// <summary>A scheduled maintenance as Statuspage writes it: an incident with impact "maintenance" and its window.</summary>
    public static object Maintenance(PublicStatusPage page, IReadOnlyDictionary<Guid, StatusComponent> components, MaintenanceView v, string pageUrl)
    {
        var m = v.Maintenance;
        return new
        {
            Id = m.Id.ToString("N"),
            Name = m.Title,
            Status = MaintenanceClock.Wire(m.Status),
            m.CreatedAt,
            m.UpdatedAt,
            MonitoringAt = (DateTimeOffset?)null,
            ResolvedAt = m.CompletedAt,
            Impact = "maintenance",
            Shortlink = $"{pageUrl}/incidents/{m.Id}",
            StartedAt = m.StartedAt ?? m.StartsAt,
            PageId = page.Id.ToString("N"),
            IncidentUpdates = v.Updates.Select(u => new
            {
                Id = u.Id.ToString("N"),
                Status = MaintenanceClock.Wire(u.Status),
                u.Body,
                IncidentId = m.Id.ToString("N"),
                CreatedAt = u.At,
                UpdatedAt = u.At,
                DisplayAt = u.At,
                AffectedComponents = v.ComponentIds.Where(components.ContainsKey).Select(id => new { Code = id.ToString("N"), components[id].Name, OldStatus = "operational", NewStatus = "under_maintenance" }).ToList(),
                DeliverNotifications = true,
                CustomTweet = (string?)null,
                TweetId = (string?)null,
            }).ToList(),
            Components = v.ComponentIds.Where(components.ContainsKey).Select(id => Component(page, components[id])).ToList(),
            ScheduledFor = m.StartsAt,
            ScheduledUntil = m.EndsAt,
        };
    }
}
