using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Server.Features.Accounts;
using Steady.Server.Infrastructure;
using Steady.Core.Paging;

namespace Steady.Server.Features.Paging;

/// <summary>Where the escalation of an alert's group stands: next step (1-based), pass, when it escalates next, why it waits or stopped.</summary>
public sealed record EscalationDto(string State, string Urgency, string Policy, int NextStep, int Pass, DateTimeOffset? NextEscalationAt, DateTimeOffset StartedAt, DateTimeOffset? LastStepAt, string? Note);

/// <summary>
/// One delivery of the outbox: to whom, how, its state and attempts (never the address: contact details are private).
/// <c>Kind</c>: page (a step of an escalation) or new-alert-in-acknowledged-group (the person who acknowledged the
/// group, told about the new alert <c>AlertId</c>). <c>Repeats</c>: how many times its message went again under the same
/// key because an earlier attempt's outcome was lost (its node died or stalled while sending it): the receiver may have it twice.
/// </summary>
public sealed record DeliveryDto(
    Guid Id, Guid? GroupId, Guid? ServiceId, Guid UserId, string UserName, string? Channel, string Target, int Step, int Pass, string Urgency,
    string State, int Attempts, DateTimeOffset DueAt, DateTimeOffset CreatedAt, DateTimeOffset? LastAttemptAt, DateTimeOffset? SentAt,
    string? Error, string IdempotencyKey, Guid? SentAs, string? Reason, Guid? IncidentId = null, string Kind = DeliveryKinds.Page, Guid? AlertId = null, int Repeats = 0);

/// <summary>Every notification for an alert's group, and its escalation; <c>Paging</c> says in words when nobody is paged.</summary>
public sealed record AlertNotificationsDto(Guid AlertId, Guid GroupId, EscalationDto? Escalation, string? Paging, IReadOnlyList<DeliveryDto> Deliveries);

public static class PagingApi
{
    public static RouteGroupBuilder MapPagingApi(this RouteGroupBuilder api)
    {
        api.MapGet("/alerts/{id:guid}/notifications", Notifications).WithTags("Alerts")
            .WithSummary("Every notification for the alert's group (to whom, channel, state, attempts, times, error) and its escalation");
        api.MapGet("/deliveries", Deliveries).WithTags("Paging")
            .WithSummary("The delivery outbox, newest first; state=failed for those that failed (organization admins)");
        api.MapPost("/deliveries/{id:guid}/retry", Retry).WithTags("Paging")
            .WithSummary("Send a failed page again now, with the message it was part of (organization admins)");
        return api;
    }

    private static async Task<Results<Ok<AlertNotificationsDto>, ProblemHttpResult>> Notifications(Guid id, SteadyDb db, CancellationToken cancellationToken)
    {
        var view = await ForAlertAsync(db, id, cancellationToken);
        return view is null ? Problems.NotFound("The alert") : TypedResults.Ok(view);
    }

    public static async Task<AlertNotificationsDto?> ForAlertAsync(SteadyDb db, Guid alertId, CancellationToken cancellationToken)
    {
        var alert = await db.Alerts.AsNoTracking().Where(a => a.Id == alertId).Select(a => new { a.GroupId, a.ServiceId }).FirstOrDefaultAsync(cancellationToken);
        if (alert is null)
            return null;
        var run = await db.EscalationRuns.AsNoTracking().FirstOrDefaultAsync(r => r.GroupId == alert.GroupId, cancellationToken);
        EscalationDto? escalation = null;
        string? paging = null;
        if (run is not null)
        {
            var policy = await db.EscalationPolicies.AsNoTracking().Where(p => p.Id == run.PolicyId).Select(p => p.Name).FirstOrDefaultAsync(cancellationToken) ?? "(deleted policy)";
            escalation = new EscalationDto(run.State.ToWire(), run.Urgency.ToWire(), policy, run.Step + 1, run.Pass, run.State == RunState.Active ? run.NextDueAt : null,
                run.StartedAt, run.LastStepAt, run.Note);
        }
        else
        {
            var hasPolicy = await db.Services.AsNoTracking().AnyAsync(s => s.Id == alert.ServiceId && s.EscalationPolicyId != null, cancellationToken);
            paging = hasPolicy ? "Nobody was paged for this group (its alerts were silenced, in maintenance, or acknowledged at once)." : "Nobody is paged: the service has no escalation policy.";
        }
        var rows = await db.Deliveries.AsNoTracking().Where(d => d.GroupId == alert.GroupId).OrderBy(d => d.Id).ToListAsync(cancellationToken);
        return new AlertNotificationsDto(alertId, alert.GroupId, escalation, paging, await DtosAsync(db, rows, cancellationToken));
    }

    /// <summary>Every page of an incident, in the order they were made: its own, and those for its alert groups (<c>groupId</c> set), before and after it was declared.</summary>
    public static async Task<List<DeliveryDto>> ForIncidentAsync(SteadyDb db, Guid incidentId, CancellationToken cancellationToken)
    {
        var groups = Incidents.IncidentGroups.Of(db, incidentId);
        var rows = await db.Deliveries.AsNoTracking().Where(d => d.IncidentId == incidentId || (d.GroupId != null && groups.Contains(d.GroupId.Value)))
            .OrderBy(d => d.Id).ToListAsync(cancellationToken);
        return await DtosAsync(db, rows, cancellationToken);
    }

    private static async Task<Results<Ok<Page<DeliveryDto>>, ProblemHttpResult>> Deliveries(
        SteadyDb db, ActorAccessor actors, string? state, string? service, int? limit, Guid? cursor, CancellationToken cancellationToken)
    {
        if (!(await actors.RequireAsync(cancellationToken)).IsAdmin)
            return Problems.Forbidden("The delivery outbox is for organization admins; each alert shows its own notifications.");
        var query = db.Deliveries.AsNoTracking();
        switch (state)
        {
            case null or "" or "all":
                break;
            case "failed":
                query = query.Where(d => d.State == DeliveryState.FailedPermanent || d.State == DeliveryState.FailedTemporary);
                break;
            case var s when DeliveryStates.TryParse(s, out var one):
                query = query.Where(d => d.State == one);
                break;
            default:
                return Steady.Core.Failure.Invalid("state", $"'state' must be failed, all, or one of {string.Join(", ", DeliveryStates.All.Select(s => s.ToWire()))}; got '{state}'.").ToProblem();
        }
        if (!string.IsNullOrEmpty(service))
        {
            var found = await db.ServiceAsync(service, cancellationToken);
            if (found is null)
                return Problems.NotFound($"Service '{service}'");
            query = query.Where(d => d.ServiceId == found.Id);
        }
        if (cursor is { } before)
            query = query.Where(d => d.Id.CompareTo(before) < 0);
        var take = Pagination.Limit(limit);
        var rows = await query.OrderByDescending(d => d.Id).Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(Pagination.Of((await DtosAsync(db, rows, cancellationToken)).ToList(), take, d => d.Id));
    }

    private static async Task<Results<Ok<IReadOnlyList<DeliveryDto>>, ProblemHttpResult>> Retry(Guid id, SteadyDb db, ActorAccessor actors, DeliveryRetries retries, CancellationToken cancellationToken)
    {
        var outcome = await retries.RetryAsync(await actors.RequireAsync(cancellationToken), id, cancellationToken);
        if (!outcome.Succeeded)
            return outcome.Failure!.ToProblem();
        var ids = outcome.Value!.Select(d => d.Id).ToList();
        var rows = await db.Deliveries.AsNoTracking().Where(d => ids.Contains(d.Id)).OrderBy(d => d.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<DeliveryDto>>(await DtosAsync(db, rows, cancellationToken));
    }

    internal static async Task<List<DeliveryDto>> DtosAsync(SteadyDb db, List<Delivery> rows, CancellationToken cancellationToken)
    {
        var userIds = rows.Select(r => r.UserId).Distinct().ToList();
        var names = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Name, cancellationToken);
        return rows.Select(d => new DeliveryDto(d.Id, d.GroupId, d.ServiceId, d.UserId, names.GetValueOrDefault(d.UserId, "(deleted user)"), d.Channel, d.Target,
            d.Step + 1, d.Pass, d.Urgency.ToWire(), d.State.ToWire(), d.Attempts, d.DueAt, d.CreatedAt, d.LastAttemptAt, d.SentAt, d.Error, d.IdempotencyKey, d.SentAs, d.Reason, d.IncidentId,
            d.Kind, d.AlertId, d.Repeats)).ToList();
    }
}
