using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Alerts;
using Steady.Server.Data;
using Steady.Server.Features.Accounts;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Alerts;

public sealed record MaintenanceInput(string Reason, DateTimeOffset? StartsAt = null, DateTimeOffset? EndsAt = null, int? DurationMinutes = null);

public sealed record MaintenanceDto(Guid Id, Guid ServiceId, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Reason, string CreatedBy, bool Active)
{
    public static MaintenanceDto From(MaintenanceWindow m, DateTimeOffset now) => new(m.Id, m.ServiceId, m.StartsAt, m.EndsAt, m.Reason, m.CreatedBy, m.IsActiveAt(now));
}

public sealed record HeartbeatDto(Guid Id, string Name, int IntervalSeconds, int GraceSeconds, DateTimeOffset LastPingAt, DateTimeOffset DueAt, bool Down);

/// <summary>Maintenance windows and heartbeats of a service.</summary>
public static class MaintenanceApi
{
    public static RouteGroupBuilder MapMaintenanceApi(this RouteGroupBuilder api)
    {
        var services = api.MapGroup("/services/{service}").WithTags("Services");
        services.MapGet("/maintenance", List).WithSummary("A service's maintenance windows, newest first");
        services.MapPost("/maintenance", Create).WithSummary("Plan a maintenance window (responders of the owning team)");
        services.MapDelete("/maintenance/{id:guid}", End).WithSummary("End a maintenance window now (responders of the owning team)");
        services.MapGet("/heartbeats", Heartbeats).WithSummary("A service's heartbeat monitors and whether each is down");
        return api;
    }

    private static async Task<Results<Ok<IReadOnlyList<MaintenanceDto>>, ProblemHttpResult>> List(string service, SteadyDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        var found = await db.ServiceAsync(service, cancellationToken);
        if (found is null)
            return Problems.NotFound($"Service '{service}'");
        var now = time.GetUtcNow();
        var rows = await db.MaintenanceWindows.AsNoTracking().Where(m => m.ServiceId == found.Id).OrderByDescending(m => m.Id).Take(200).ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<MaintenanceDto>>(rows.Select(m => MaintenanceDto.From(m, now)).ToList());
    }

    private static async Task<Results<Created<MaintenanceDto>, ProblemHttpResult>> Create(string service, MaintenanceInput input, SteadyDb db, ActorAccessor actors, SuppressionCommands commands, TimeProvider time, CancellationToken cancellationToken)
    {
        var found = await db.ServiceAsync(service, cancellationToken);
        if (found is null)
            return Problems.NotFound($"Service '{service}'");
        var outcome = await commands.PlanMaintenanceAsync(await actors.RequireAsync(cancellationToken), found.Id, input, cancellationToken);
        return outcome.Succeeded
            ? TypedResults.Created($"/api/v1/services/{found.Id}/maintenance/{outcome.Value!.Id}", MaintenanceDto.From(outcome.Value, time.GetUtcNow()))
            : outcome.Failure!.ToProblem();
    }

    /// <summary>Ends it now (one not started yet is called off); its alerts lose the mark, and those still triggered page. Ending one that is over is a conflict.</summary>
    private static async Task<Results<Ok<MaintenanceDto>, ProblemHttpResult>> End(string service, Guid id, SteadyDb db, ActorAccessor actors, SuppressionCommands commands, TimeProvider time, CancellationToken cancellationToken)
    {
        var found = await db.ServiceAsync(service, cancellationToken);
        if (found is null)
            return Problems.NotFound($"Service '{service}'");
        var outcome = await commands.EndMaintenanceAsync(await actors.RequireAsync(cancellationToken), found.Id, id, cancellationToken);
        return outcome.Succeeded ? TypedResults.Ok(MaintenanceDto.From(outcome.Value!, time.GetUtcNow())) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<IReadOnlyList<HeartbeatDto>>, ProblemHttpResult>> Heartbeats(string service, SteadyDb db, CancellationToken cancellationToken)
    {
        var found = await db.ServiceAsync(service, cancellationToken);
        if (found is null)
            return Problems.NotFound($"Service '{service}'");
        var rows = await db.Heartbeats.AsNoTracking().Where(h => h.ServiceId == found.Id).OrderBy(h => h.Name).ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<HeartbeatDto>>(rows.Select(h => new HeartbeatDto(h.Id, h.Name, h.IntervalSeconds, h.GraceSeconds, h.LastPingAt, h.DueAt, h.IsDown)).ToList());
    }
}
