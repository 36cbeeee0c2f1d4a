using Microsoft.EntityFrameworkCore;
using NodaTime;
using NodaTime.Text;
using Steady.Core.Alerts;
using Steady.Core.Paging;
using Steady.Core.Reports;
using Steady.Server.Data;

namespace Steady.Server.Features.Reports;

/// <summary>Count, mean, median and 90th percentile of a time, in seconds (null when nothing had it).</summary>
public sealed record StatsDto(int Count, double? Mean, double? P50, double? P90)
{
    public static StatsDto From(DurationStats s) => new(s.Count, s.Mean?.TotalSeconds, s.P50?.TotalSeconds, s.P90?.TotalSeconds);
}

public sealed record IncidentRowDto(string Key, string Name, int Count, StatsDto ToAcknowledge, StatsDto ToMitigate, StatsDto ToResolve);

public sealed record GroupRowDto(string Key, string Name, int Count, StatsDto ToAcknowledge, StatsDto ToResolve);

public sealed record IncidentResponseDto(IncidentRowDto Total, IReadOnlyList<IncidentRowDto> ByService, IReadOnlyList<IncidentRowDto> ByTeam, IReadOnlyList<IncidentRowDto> BySeverity);

public sealed record GroupResponseDto(GroupRowDto Total, IReadOnlyList<GroupRowDto> ByService, IReadOnlyList<GroupRowDto> ByTeam, IReadOnlyList<GroupRowDto> BySeverity);

/// <summary>One local week (its Monday, in the reader's zone): counts and mean times in seconds.</summary>
public sealed record ResponseWeekDto(string Week, int Incidents, double? IncidentMtta, double? IncidentMttm, double? IncidentMttr, int AlertGroups, double? GroupMtta, double? GroupMttr);

/// <summary>Response times over a period: incidents declared in it and alert groups that opened in it and paged someone, with the weekly trend.</summary>
public sealed record ResponseReportDto(DateTimeOffset From, DateTimeOffset To, string Zone, IncidentResponseDto Incidents, GroupResponseDto AlertGroups, IReadOnlyList<ResponseWeekDto> Weeks);

/// <summary>
/// The response report: reads incidents (declared in the period) and the alert groups that opened in it and
/// paged (a sent delivery), with each group's first acknowledgement from the alerts' history; Core's
/// <see cref="Response"/> computes the figures. An incident with several services counts once under each;
/// "(none)" holds incidents declared without a service.
/// </summary>
public sealed class ResponseReport(SteadyDb db, IServiceScopeFactory scopes)
{
    /// <summary>
    /// The report of <paramref name="scope"/>. Computed in the report worker process (<see cref="ReportWorkerProcess"/>), on
    /// its runner's thread (<see cref="ReportRunner"/>); the server asks for it through <see cref="ReportWorker"/>.
    /// </summary>
    public async Task<ResponseReportDto> ComputeAsync(ReportScope scope, CancellationToken cancellationToken)
    {
        var (incidents, groups) = await LoadAsync(scope, cancellationToken);
        var services = await db.Services.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        string TeamName(Guid id) => scope.AllTeams.TryGetValue(id, out var t) ? t.Name : id.ToString();
        string ServiceName(Guid id) => services.TryGetValue(id, out var n) ? n : id.ToString();

        IncidentRowDto IncidentRow(string key, string name, IEnumerable<IncidentTimes> rows)
        {
            var f = Response.Incidents(rows);
            return new(key, name, f.Count, StatsDto.From(f.ToAcknowledge), StatsDto.From(f.ToMitigate), StatsDto.From(f.ToResolve));
        }
        GroupRowDto GroupRow(string key, string name, IEnumerable<GroupTimes> rows)
        {
            var f = Response.Groups(rows);
            return new(key, name, f.Count, StatsDto.From(f.ToAcknowledge), StatsDto.From(f.ToResolve));
        }

        var byIncidentService = incidents.SelectMany(i => i.Services.Count == 0 ? [(Key: (Guid?)null, Incident: i)] : i.Services.Select(s => (Key: (Guid?)s, Incident: i)))
            .GroupBy(x => x.Key)
            .Select(g => IncidentRow(g.Key?.ToString() ?? "", g.Key is { } id ? ServiceName(id) : "(none)", g.Select(x => x.Incident)))
            .OrderByDescending(r => r.Count).ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ToList();
        var incidentDto = new IncidentResponseDto(
            IncidentRow("", "all", incidents),
            byIncidentService,
            incidents.GroupBy(i => i.TeamId).Select(g => IncidentRow(g.Key.ToString(), TeamName(g.Key), g)).OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ToList(),
            incidents.GroupBy(i => i.Severity).Select(g => IncidentRow(g.Key, g.Key, g)).OrderBy(r => r.Name, StringComparer.Ordinal).ToList());
        var groupDto = new GroupResponseDto(
            GroupRow("", "all", groups),
            groups.GroupBy(g => g.ServiceId).Select(g => GroupRow(g.Key.ToString(), ServiceName(g.Key), g)).OrderByDescending(r => r.Count).ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ToList(),
            groups.GroupBy(g => g.TeamId).Select(g => GroupRow(g.Key.ToString(), TeamName(g.Key), g)).OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ToList(),
            groups.GroupBy(g => g.Severity).Select(g => GroupRow(g.Key, g.Key, g)).OrderBy(r => SeverityOrder(r.Key)).ToList());
        var weeks = Response.Weeks(incidents, groups, scope.Period, scope.Zone)
            .Select(w => new ResponseWeekDto(LocalDatePattern.Iso.Format(w.Monday), w.Incidents.Count, w.Incidents.ToAcknowledge.Mean?.TotalSeconds, w.Incidents.ToMitigate.Mean?.TotalSeconds,
                w.Incidents.ToResolve.Mean?.TotalSeconds, w.Groups.Count, w.Groups.ToAcknowledge.Mean?.TotalSeconds, w.Groups.ToResolve.Mean?.TotalSeconds))
            .ToList();
        return new ResponseReportDto(scope.Period.Start.ToDateTimeOffset(), scope.Period.End.ToDateTimeOffset(), scope.Zone.Id, incidentDto, groupDto, weeks);
    }

    private async Task<(List<IncidentTimes> Incidents, List<GroupTimes> Groups)> LoadAsync(ReportScope scope, CancellationToken cancellationToken)
    {
        var (from, to) = (scope.Period.Start.ToDateTimeOffset(), scope.Period.End.ToDateTimeOffset());
        var teamIds = scope.TeamIds.ToList();
        var incidentRows = await db.Incidents.AsNoTracking()
            .Where(i => i.DeclaredAt >= from && i.DeclaredAt < to && teamIds.Contains(i.TeamId))
            .Select(i => new { i.Id, i.TeamId, i.Severity, i.StartedAt, i.DeclaredAt, i.AcknowledgedAt, i.MitigatedAt, i.ResolvedAt })
            .ToListAsync(cancellationToken);
        var incidentIds = incidentRows.Select(i => i.Id).ToList();
        var links = incidentIds.Count == 0 ? [] : await db.IncidentServices.AsNoTracking().Where(s => incidentIds.Contains(s.IncidentId)).ToListAsync(cancellationToken);
        var servicesOf = links.ToLookup(l => l.IncidentId, l => l.ServiceId);
        var incidents = incidentRows
            .Select(i => new IncidentTimes(i.Id, i.TeamId, i.Severity, servicesOf[i.Id].ToList(), I(i.StartedAt), I(i.DeclaredAt), I(i.AcknowledgedAt), I(i.MitigatedAt), I(i.ResolvedAt)))
            .Where(i => scope.Service is null || i.Services.Contains(scope.Service.Id))
            .ToList();

        // Groups that paged (a sent delivery for them), each with its first acknowledgement (by anyone, of any of its alerts
        // of the period) from the alerts' history, folded by the database: only the paging groups come back. In SQL of its
        // own, read in parts at once (ReportRows.ReadInPartsAsync): a year's 50,000 paging groups are each looked up with
        // their alerts' acknowledgements, split over two connections (warm 1.2 s -> 0.9-1.1 s; docs/benchmarks.md).
        var serviceTeams = await db.Services.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.TeamId, cancellationToken);
        var serviceIds = serviceTeams.Where(s => scope.TeamIds.Contains(s.Value) && (scope.Service is null || s.Key == scope.Service.Id)).Select(s => s.Key).ToHashSet();
        var parts = Enumerable.Range(0, ReportRows.Parts).Select(_ => new List<GroupTimes>()).ToList();
        Action<ReportRow> Part(List<GroupTimes> groups) => row =>
        {
            var serviceId = row.Guid(1);
            if (serviceIds.Contains(serviceId))
                groups.Add(new GroupTimes(row.Guid(0), serviceTeams[serviceId], serviceId, SeverityName(row.Text(2)), row.At(3), row.AtOrNull(5), row.AtOrNull(4)));
        };
        await ReportRows.ReadInPartsAsync(db, scopes, "alert_groups", "g", part => $"""
            SELECT g.id, g.service_id, g.severity, g.opened_at, g.resolved_at,
                   (SELECT MIN(e.at) FROM alerts AS a JOIN alert_events AS e ON e.alert_id = a.id
                    WHERE a.group_id = g.id AND a.last_seen_at >= @p0 AND a.first_seen_at < @p1 AND e.kind = '{AlertEventKinds.Acknowledged}')
            FROM alert_groups AS g
            WHERE g.opened_at >= @p0 AND g.opened_at < @p1 AND {part}
              AND g.id IN (SELECT d.group_id FROM deliveries AS d WHERE d.group_id IS NOT NULL AND d.state = '{DeliveryState.Sent.ToWire()}' AND d.created_at >= @p0)
            """, [db.Param(from), db.Param(to)], parts.Select(Part).ToList(), cancellationToken);
        var groups = parts.SelectMany(p => p).ToList();
        return (incidents, groups);
    }

    /// <summary>A group's severity as the report names it (its wire name; stored as the name of the <see cref="Severity"/>).</summary>
    private static string SeverityName(string stored) => Enum.TryParse<Severity>(stored, out var severity) ? severity.ToWire() : stored.ToLowerInvariant();

    private static int SeverityOrder(string severity) => severity switch { "critical" => 0, "error" => 1, "warning" => 2, _ => 3 };

    private static Instant I(DateTimeOffset at) => Instant.FromDateTimeOffset(at);

    private static Instant? I(DateTimeOffset? at) => at is { } value ? Instant.FromDateTimeOffset(value) : null;
}
