using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Alerts;
using Steady.Server.Data;
using Steady.Server.Features.Accounts;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Alerts;

public sealed record ResolveInput(string? Note = null);

public static class AlertsApi
{
    public static RouteGroupBuilder MapAlertsApi(this RouteGroupBuilder api)
    {
        var alerts = api.MapGroup("/alerts").WithTags("Alerts");
        alerts.MapGet("/", List).WithSummary("Alerts, newest first; filter by service, status, label (name=value, repeatable), group and time");
        alerts.MapGet("/{id:guid}", Get).WithSummary("An alert with its group, occurrences, history, and the incident it is in (alert.incident)");
        alerts.MapPost("/{id:guid}/ack", Acknowledge).WithSummary("Acknowledge (responders of the service's team)");
        alerts.MapPost("/{id:guid}/resolve", Resolve).WithSummary("Resolve (responders of the service's team)");
        return api;
    }

    public sealed record Filter(string? Service, string? Status, string[]? Label, Guid? Group, DateTimeOffset? Since, DateTimeOffset? Until);

    private static async Task<Results<Ok<Page<AlertDto>>, ProblemHttpResult>> List(
        SteadyDb db, string? service, string? status, string[]? label, Guid? group, DateTimeOffset? since, DateTimeOffset? until, int? limit, Guid? cursor, CancellationToken cancellationToken)
    {
        var query = await QueryAsync(db, new Filter(service, status, label, group, since, until), cancellationToken);
        if (!query.Succeeded)
            return query.Failure!.ToProblem();
        var take = Pagination.Limit(limit);
        var q = query.Value!;
        if (cursor is { } before)
            q = q.Where(a => a.Id.CompareTo(before) < 0);
        var rows = await q.OrderByDescending(a => a.Id).Take(take + 1).ToListAsync(cancellationToken);
        var names = await ServiceNamesAsync(db, rows, cancellationToken);
        var incidents = await Incidents.IncidentGroups.ForAlertsAsync(db, rows, cancellationToken);
        return TypedResults.Ok(Pagination.Of(rows.Select(a => AlertDto.From(a, names[a.ServiceId], incidents.GetValueOrDefault(a.Id))).ToList(), take, a => a.Id));
    }

    /// <summary>The filtered alerts query, shared with the console's alert list.</summary>
    public static async Task<Steady.Core.Outcome<IQueryable<Alert>>> QueryAsync(SteadyDb db, Filter filter, CancellationToken cancellationToken)
    {
        var query = db.Alerts.AsNoTracking();
        if (!string.IsNullOrEmpty(filter.Service))
        {
            var found = await db.ServiceAsync(filter.Service, cancellationToken);
            if (found is null)
                return Steady.Core.Failure.NotFound($"Service '{filter.Service}'");
            query = query.Where(a => a.ServiceId == found.Id);
        }
        switch (filter.Status?.ToLowerInvariant())
        {
            case null or "" or "all":
                break;
            case "open":
                query = query.Where(a => a.Status != AlertStatus.Resolved);
                break;
            case "triggered" or "acknowledged" or "resolved":
                var status = Enum.Parse<AlertStatus>(filter.Status, ignoreCase: true);
                query = query.Where(a => a.Status == status);
                break;
            default:
                return Steady.Core.Failure.Invalid("status", $"'status' must be open, triggered, acknowledged, resolved or all; got '{filter.Status}'.");
        }
        foreach (var selector in filter.Label ?? [])
        {
            var equals = selector.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
                return Steady.Core.Failure.Invalid("label", $"'label' must be name=value; got '{selector}'.");
            var path = db.LabelPath(selector[..equals]);
            var value = selector[(equals + 1)..];
            query = query.Where(a => SteadyDb.LabelValue(a.Labels, path) == value);
        }
        if (filter.Group is { } groupId)
            query = query.Where(a => a.GroupId == groupId);
        if (filter.Since is { } since)
            query = query.Where(a => a.LastSeenAt >= since.ToUniversalTime());
        if (filter.Until is { } until)
            query = query.Where(a => a.FirstSeenAt < until.ToUniversalTime());
        return Steady.Core.Outcome<IQueryable<Alert>>.From(query);
    }

    private static async Task<Results<Ok<AlertDetailDto>, ProblemHttpResult>> Get(Guid id, SteadyDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        var detail = await DetailAsync(db, id, time.GetUtcNow(), cancellationToken);
        return detail is null ? Problems.NotFound("The alert") : TypedResults.Ok(detail);
    }

    public static async Task<AlertDetailDto?> DetailAsync(SteadyDb db, Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var alert = await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (alert is null)
            return null;
        var serviceName = await db.Services.Where(s => s.Id == alert.ServiceId).Select(s => s.Name).FirstAsync(cancellationToken);
        var group = await db.AlertGroups.AsNoTracking().FirstAsync(g => g.Id == alert.GroupId, cancellationToken);
        var occurrences = await db.Alerts.AsNoTracking()
            .Where(a => a.ServiceId == alert.ServiceId && a.DedupKey == alert.DedupKey)
            .OrderByDescending(a => a.Occurrence).Take(50)
            .Select(a => new OccurrenceDto(a.Id, a.Occurrence, a.Status.ToString().ToLower(), a.FirstSeenAt, a.ResolvedAt, a.EventCount))
            .ToListAsync(cancellationToken);
        var history = await db.AlertEvents.AsNoTracking().Where(e => e.AlertId == id).OrderBy(e => e.Id)
            .Select(e => new AlertEventDto(e.At, e.Kind, e.ActorName, e.Note)).ToListAsync(cancellationToken);
        var incidents = await Incidents.IncidentGroups.ForAlertsAsync(db, [alert], cancellationToken);
        return new AlertDetailDto(
            AlertDto.From(alert, serviceName, incidents.GetValueOrDefault(alert.Id)),
            new AlertGroupDto(group.Id, group.Title, group.IsOpen, group.AlertCount, group.OpenCount, group.Severity.ToWire(), group.OpenedAt, group.LastAlertAt, group.IsFlappingAt(now)),
            occurrences,
            history,
            history.LastOrDefault(e => e.Kind == AlertEventKinds.JoinedAcknowledgedGroup) is { } joined ? $"New alert in an acknowledged group: it {joined.Note}." : null);
    }

    private static async Task<Results<Ok<AlertDto>, ProblemHttpResult>> Acknowledge(Guid id, SteadyDb db, ActorAccessor actors, AlertActions actions, CancellationToken cancellationToken)
    {
        var outcome = await actions.AcknowledgeAsync(await actors.RequireAsync(cancellationToken), id, cancellationToken);
        return outcome.Succeeded ? TypedResults.Ok(await DtoAsync(db, outcome.Value!, cancellationToken)) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<AlertDto>, ProblemHttpResult>> Resolve(Guid id, ResolveInput? input, SteadyDb db, ActorAccessor actors, AlertActions actions, CancellationToken cancellationToken)
    {
        var outcome = await actions.ResolveAsync(await actors.RequireAsync(cancellationToken), id, input?.Note, cancellationToken);
        return outcome.Succeeded ? TypedResults.Ok(await DtoAsync(db, outcome.Value!, cancellationToken)) : outcome.Failure!.ToProblem();
    }

    private static async Task<AlertDto> DtoAsync(SteadyDb db, Alert alert, CancellationToken cancellationToken) =>
        AlertDto.From(alert, await db.Services.Where(s => s.Id == alert.ServiceId).Select(s => s.Name).FirstAsync(cancellationToken),
            (await Incidents.IncidentGroups.ForAlertsAsync(db, [alert], cancellationToken)).GetValueOrDefault(alert.Id));

    internal static async Task<Dictionary<Guid, string>> ServiceNamesAsync(SteadyDb db, IEnumerable<Alert> alerts, CancellationToken cancellationToken)
    {
        var ids = alerts.Select(a => a.ServiceId).Distinct().ToList();
        return await db.Services.AsNoTracking().Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
    }
}
