using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Accounts;
using Steady.Core.Services;
using Steady.Server.Data;
using Steady.Server.Features.Accounts;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Services;

public sealed record ServiceDto(Guid Id, string Name, Guid TeamId, string TeamName, string? Description, string? RunbookUrl, DateTimeOffset CreatedAt, AlertSettingsDto? Alerts = null, Guid? EscalationPolicyId = null, IReadOnlyList<string>? StabilizationChecklist = null, PagingSettingsDto? Paging = null);

/// <summary>How a service pages: urgency (severity, high, low), business hours for low urgency, and the acknowledgement timeout.</summary>
public sealed record PagingSettingsDto(string Urgency, Steady.Core.OnCall.BusinessHoursDefinition? BusinessHours, int? AckTimeoutSeconds)
{
    public static PagingSettingsDto From(Service s) => new(
        s.Urgency,
        s.BusinessHours is null ? null : System.Text.Json.JsonSerializer.Deserialize<Steady.Core.OnCall.BusinessHoursDefinition>(s.BusinessHours, Steady.Core.OnCall.Layers.Json),
        s.AckTimeoutSeconds);
}

/// <summary>
/// How a service groups its alerts and when they count as flapping. <c>GroupBy</c> null: not set, alerts
/// follow the sender's own grouping; [] every alert in one group. <c>Grouping</c> says which, in words.
/// </summary>
public sealed record AlertSettingsDto(IReadOnlyList<string>? GroupBy, int GroupWindowSeconds, int FlapThreshold, int FlapWindowSeconds, string Grouping)
{
    public static AlertSettingsDto From(Service s)
    {
        var groupBy = s.GroupByLabels();
        return new(groupBy, s.GroupWindowSeconds, s.FlapThreshold, s.FlapWindowSeconds, Describe(groupBy));
    }

    public static string Describe(IReadOnlyList<string>? groupBy) => groupBy switch
    {
        null => "as the sender groups them: one group per Alertmanager group (Alertmanager, Grafana), each dedup key on its own (PagerDuty events, generic, heartbeats, checks)",
        [] => "every alert of the service in one group",
        _ => "by the values of " + string.Join(", ", groupBy),
    };
}

public sealed record IntegrationKeyDto(Guid Id, Guid ServiceId, string Name, string Key, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static IntegrationKeyDto From(IntegrationKey key) => new(key.Id, key.ServiceId, key.Name, key.Key, key.CreatedAt, key.RevokedAt);
}

public static class ServicesApi
{
    public static RouteGroupBuilder MapServicesApi(this RouteGroupBuilder api)
    {
        var services = api.MapGroup("/services").WithTags("Services");
        services.MapGet("/", List).WithSummary("List services, optionally of one team");
        services.MapPost("/", Create).WithSummary("Create a service (admins of the owning team)");
        services.MapGet("/{service}", Get).WithSummary("A service, by id or name");
        services.MapPatch("/{service}", Update).WithSummary("Change a service (admins of the owning team; another team's escalation policy only for admins of both)");
        services.MapDelete("/{service}", Delete).WithSummary("Delete a service (admins of the owning team)");
        services.MapGet("/{service}/integration-keys", ListKeys).WithSummary("A service's integration keys (responders of the owning team)");
        services.MapPost("/{service}/integration-keys", CreateKey).WithSummary("Create an integration key (admins of the owning team)");
        services.MapDelete("/{service}/integration-keys/{keyId:guid}", RevokeKey).WithSummary("Revoke an integration key (admins of the owning team)");
        return api;
    }

    private static async Task<Results<Ok<Page<ServiceDto>>, ProblemHttpResult>> List(SteadyDb db, string? team, int? limit, Guid? cursor, CancellationToken cancellationToken)
    {
        var take = Pagination.Limit(limit);
        var query = db.Services.AsNoTracking();
        if (!string.IsNullOrEmpty(team))
        {
            var found = await db.TeamAsync(team, cancellationToken);
            if (found is null)
                return Problems.NotFound($"Team '{team}'");
            query = query.Where(s => s.TeamId == found.Id);
        }
        if (cursor is { } after)
            query = query.Where(s => s.Id.CompareTo(after) > 0);
        var rows = await query.OrderBy(s => s.Id).Take(take + 1)
            .Join(db.Teams, s => s.TeamId, t => t.Id, (s, t) => new { Service = s, TeamName = t.Name })
            .ToListAsync(cancellationToken);
        var dtos = rows.Select(r => Dto(r.Service, r.TeamName)).OrderBy(s => s.Id).ToList();
        return TypedResults.Ok(Pagination.Of(dtos, take, s => s.Id));
    }

    private static async Task<Results<Created<ServiceDto>, ProblemHttpResult>> Create(ServiceInput input, SteadyDb db, ActorAccessor actors, ServiceCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.CreateAsync(await actors.RequireAsync(cancellationToken), input, cancellationToken);
        if (!outcome.Succeeded)
            return outcome.Failure!.ToProblem();
        return TypedResults.Created($"/api/v1/services/{outcome.Value!.Id}", await DtoAsync(db, outcome.Value, cancellationToken));
    }

    private static async Task<Results<Ok<ServiceDto>, ProblemHttpResult>> Get(string service, SteadyDb db, CancellationToken cancellationToken)
    {
        var found = await db.ServiceAsync(service, cancellationToken);
        return found is null ? Problems.NotFound($"Service '{service}'") : TypedResults.Ok(await DtoAsync(db, found, cancellationToken));
    }

    private static async Task<Results<Ok<ServiceDto>, ProblemHttpResult>> Update(string service, ServicePatch patch, SteadyDb db, ActorAccessor actors, ServiceCommands commands, CancellationToken cancellationToken)
    {
        var found = await db.ServiceAsync(service, cancellationToken);
        if (found is null)
            return Problems.NotFound($"Service '{service}'");
        var outcome = await commands.UpdateAsync(await actors.RequireAsync(cancellationToken), found.Id, patch, cancellationToken);
        return outcome.Succeeded ? TypedResults.Ok(await DtoAsync(db, outcome.Value!, cancellationToken)) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string service, SteadyDb db, ActorAccessor actors, ServiceCommands commands, CancellationToken cancellationToken)
    {
        var found = await db.ServiceAsync(service, cancellationToken);
        if (found is null)
            return Problems.NotFound($"Service '{service}'");
        var outcome = await commands.DeleteAsync(await actors.RequireAsync(cancellationToken), found.Id, cancellationToken);
        return outcome.Succeeded ? TypedResults.NoContent() : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<IReadOnlyList<IntegrationKeyDto>>, ProblemHttpResult>> ListKeys(string service, bool? includeRevoked, SteadyDb db, ActorAccessor actors, CancellationToken cancellationToken)
    {
        var found = await db.ServiceAsync(service, cancellationToken);
        if (found is null)
            return Problems.NotFound($"Service '{service}'");
        if (!Permissions.CanSeeIntegrationKeysOf(await actors.RequireAsync(cancellationToken), found.TeamId))
            return Problems.Forbidden("Integration keys are credentials: only responders and admins of the owning team can see them.");
        var query = db.IntegrationKeys.AsNoTracking().Where(k => k.ServiceId == found.Id);
        if (includeRevoked != true)
            query = query.Where(k => k.RevokedAt == null);
        var keys = await query.OrderBy(k => k.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<IntegrationKeyDto>>(keys.Select(IntegrationKeyDto.From).ToList());
    }

    private static async Task<Results<Created<IntegrationKeyDto>, ProblemHttpResult>> CreateKey(string service, IntegrationKeyInput? input, SteadyDb db, ActorAccessor actors, ServiceCommands commands, CancellationToken cancellationToken)
    {
        var found = await db.ServiceAsync(service, cancellationToken);
        if (found is null)
            return Problems.NotFound($"Service '{service}'");
        var outcome = await commands.CreateKeyAsync(await actors.RequireAsync(cancellationToken), found.Id, input ?? new IntegrationKeyInput(null), cancellationToken);
        return outcome.Succeeded
            ? TypedResults.Created($"/api/v1/services/{found.Id}/integration-keys/{outcome.Value!.Id}", IntegrationKeyDto.From(outcome.Value))
            : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(string service, Guid keyId, SteadyDb db, ActorAccessor actors, ServiceCommands commands, CancellationToken cancellationToken)
    {
        var found = await db.ServiceAsync(service, cancellationToken);
        if (found is null)
            return Problems.NotFound($"Service '{service}'");
        var outcome = await commands.RevokeKeyAsync(await actors.RequireAsync(cancellationToken), found.Id, keyId, cancellationToken);
        return outcome.Succeeded ? TypedResults.NoContent() : outcome.Failure!.ToProblem();
    }

    private static async Task<ServiceDto> DtoAsync(SteadyDb db, Service service, CancellationToken cancellationToken)
    {
        var teamName = await db.Teams.Where(t => t.Id == service.TeamId).Select(t => t.Name).FirstAsync(cancellationToken);
        return Dto(service, teamName);
    }

    /// <summary>A service as the API shows it, in the list and alone alike.</summary>
    private static ServiceDto Dto(Service service, string teamName) =>
        new ServiceDto(service.Id, service.Name, service.TeamId, teamName, service.Description, service.RunbookUrl, service.CreatedAt, AlertSettingsDto.From(service), service.EscalationPolicyId, service.Checklist(), PagingSettingsDto.From(service));
}
