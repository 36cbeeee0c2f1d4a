using System.Text.Json;
using Steady.Core.StatusPage;

namespace Steady.Server.Features.StatusPage;

/// <summary>
/// A page in the shapes of Atlassian Statuspage's public API v2 (<c>/api/v2/summary.json</c> …): the same
/// paths and snake_case field names, so existing readers (Grafana's data source, aggregators, client
/// libraries) work unchanged. Groups are components with <c>group: true</c> and their members' ids,
/// as Statuspage lists them. Rendered once per reading of the page by <see cref="StatusPageCache"/>.
/// </summary>
public static class StatuspageV2
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static byte[] Summary(StatusPageSnapshot s, string baseUrl) => Write(new
    {
        Page = Page(s, baseUrl),
        Components = Components(s),
        Incidents = s.Active.Select(i => Incident(s, i, baseUrl)).ToList(),
        ScheduledMaintenances = Array.Empty<object>(),
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

    /// <summary>Scheduled maintenance is not built yet: the lists are there, empty, so readers find the shape they expect.</summary>
    public static byte[] ScheduledMaintenances(StatusPageSnapshot s, string baseUrl) => Write(new { Page = Page(s, baseUrl), ScheduledMaintenances = Array.Empty<object>() });

    private static byte[] Write<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Json);

    private static object Page(StatusPageSnapshot s, string baseUrl) => new
    {
        Id = s.Page.Id.ToString("N"),
        Name = s.Page.Name,
        Url = baseUrl + StatusPagePaths.Of(s.Page),
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
            foreach (var c in group.Components.Select(v => v.Component))
            {
                list.Add(new
                {
                    Id = c.Id.ToString("N"), c.Name, Status = StatusNames.Wire(c.State), c.CreatedAt, c.UpdatedAt, c.Position, c.Description,
                    Showcase = true, StartDate = c.CreatedAt.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    GroupId = c.GroupId?.ToString("N"), PageId = s.Page.Id.ToString("N"), Group = false, OnlyShowIfDegraded = false,
                });
            }
        }
        return list;
    }

    private static object Incident(StatusPageSnapshot s, IncidentView v, string baseUrl)
    {
        var i = v.Incident;
        var monitoringAt = v.Updates.Where(u => u.Update.Status == PublicIncidentStatus.Monitoring).Select(u => (DateTimeOffset?)u.Update.At).LastOrDefault();
        var names = s.Components.ToDictionary(c => c.Component.Id, c => c.Component);
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
            Shortlink = $"{baseUrl}{StatusPagePaths.Of(s.Page)}/incidents/{i.Id}",
            StartedAt = i.CreatedAt,
            PageId = s.Page.Id.ToString("N"),
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
            Components = v.ComponentIds.Where(names.ContainsKey).Select(id => names[id]).Select(c => new
            {
                Id = c.Id.ToString("N"), c.Name, Status = StatusNames.Wire(c.State), c.CreatedAt, c.UpdatedAt, c.Position, c.Description,
                Showcase = true, StartDate = c.CreatedAt.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                GroupId = c.GroupId?.ToString("N"), PageId = s.Page.Id.ToString("N"), Group = false, OnlyShowIfDegraded = false,
            }).ToList(),
        };
    }
}
