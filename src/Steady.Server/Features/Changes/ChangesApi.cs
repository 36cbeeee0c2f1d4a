using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Incidents;
using Steady.Core.Services;
using Steady.Server.Data;
using Steady.Server.Features.Accounts;
using Steady.Server.Infrastructure;
using Steady.Server.Features.Incidents;

namespace Steady.Server.Features.Changes;

public sealed record ChangeInput(string? Service = null, string? Summary = null, string? Kind = null, DateTimeOffset? At = null, string? Who = null, string? Link = null);

public sealed record FreezeInput(string? Service = null, string? Reason = null, DateTimeOffset? Until = null);

public sealed record FreezeDto(string Service, bool Frozen, string Reason, int? Incident, Guid? ManualFreezeId);

public sealed record ServiceFreezeDto(Guid Id, Guid ServiceId, string Reason, string SetBy, DateTimeOffset SetAt, DateTimeOffset? Until, DateTimeOffset? LiftedAt);

/// <summary>Changes (deploys, config) recorded for "what changed before this started", and the automation freeze pipelines read.</summary>
public static class ChangesApi
{
    public static RouteGroupBuilder MapChangesApi(this RouteGroupBuilder api)
    {
        var changes = api.MapGroup("/changes").WithTags("Changes");
        changes.MapGet("/", List).WithSummary("Changes, newest first; ?service=, since, until");
        changes.MapPost("/", Record).WithSummary("Record a deploy, config change or other change on a service (responders of its team)");
        var freeze = api.MapGroup("/freeze").WithTags("Changes");
        freeze.MapGet("/", Check).WithSummary("Whether automation should hold on ?service=S: frozen while a SEV1/SEV2 is open on it or a manual freeze is set");
        freeze.MapPost("/", SetFreeze).WithSummary("Set a manual freeze on a service (responders of its team)");
        freeze.MapDelete("/{id:guid}", Lift).WithSummary("Lift a manual freeze");
        return api;
    }

    private static async Task<Results<Ok<IReadOnlyList<ChangeDto>>, ProblemHttpResult>> List(string? service, DateTimeOffset? since, DateTimeOffset? until, int? limit, SteadyDb db, CancellationToken cancellationToken)
    {
        var query = db.Changes.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(service))
        {
            var found = await db.ServiceAsync(service, cancellationToken);
            if (found is null)
                return Problems.NotFound($"Service '{service}'");
            query = query.Where(c => c.ServiceId == found.Id);
        }
        if (since is { } from)
            query = query.Where(c => c.At >= from);
        if (until is { } to)
            query = query.Where(c => c.At <= to);
        var rows = await query.OrderByDescending(c => c.At).Take(Pagination.Limit(limit))
            .Join(db.Services, c => c.ServiceId, s => s.Id, (c, s) => new ChangeDto(c.Id, c.ServiceId, s.Name, c.Summary, c.Kind, c.At, c.Who, c.Link, c.RecordedBy))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<ChangeDto>>(rows.OrderByDescending(c => c.At).ToList());
    }

    private static async Task<Results<Created<ChangeDto>, ProblemHttpResult>> Record(ChangeInput input, SteadyDb db, ActorAccessor actors, TimeProvider time, CancellationToken cancellationToken)
    {
        var actor = await actors.RequireAsync(cancellationToken);
        var now = time.GetUtcNow();
        var validation = new Validation().Name("summary", input.Summary, 500).Text("who", input.Who, 200).Url("link", input.Link);
        if (string.IsNullOrWhiteSpace(input.Service))
            validation.Add("service", "'service' is required: the service that changed.");
        var kind = string.IsNullOrWhiteSpace(input.Kind) ? "deploy" : input.Kind.Trim().ToLowerInvariant();
        if (!ChangeKinds.All.Contains(kind))
            validation.Add("kind", $"'kind' must be one of {string.Join(", ", ChangeKinds.All)}.");
        if (input.At is { } at && at > now + TimeSpan.FromMinutes(5))
            validation.Add("at", "'at' cannot be in the future: record a change when it happens.");
        if (validation.ToFailure() is { } invalid)
            return invalid.ToProblem();
        var service = await db.ServiceAsync(input.Service!, cancellationToken);
        if (service is null)
            return Failure.Invalid("service", $"There is no service '{input.Service}'.").ToProblem();
        if (!Permissions.CanRespondFor(actor, service.TeamId))
            return Problems.Forbidden("Only responders of the service's team can record changes on it.");
        var change = new ChangeEvent
        {
            Id = Ids.New(time),
            ServiceId = service.Id,
            Summary = input.Summary!.Trim(),
            Kind = kind,
            At = (input.At ?? now).ToUniversalTime(),
            Who = string.IsNullOrWhiteSpace(input.Who) ? actor.Name : input.Who.Trim(),
            Link = string.IsNullOrWhiteSpace(input.Link) ? null : input.Link.Trim(),
            RecordedAt = now,
            RecordedBy = actor.Name,
        };
        db.Changes.Add(change);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/changes/{change.Id}", new ChangeDto(change.Id, service.Id, service.Name, change.Summary, change.Kind, change.At, change.Who, change.Link, change.RecordedBy));
    }

    /// <summary>The freeze verdict for a service, shared with the console.</summary>
    public static async Task<FreezeDto> VerdictAsync(SteadyDb db, Service service, IncidentSeverities severities, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var open = await db.IncidentServices.AsNoTracking().Where(l => l.ServiceId == service.Id)
            .Join(db.Incidents, l => l.IncidentId, i => i.Id, (l, i) => i)
            .Where(i => i.Status != IncidentStatus.Resolved && i.Status != IncidentStatus.Closed)
            .Select(i => new OpenIncidentOnService(i.Number, i.Title, i.Severity, i.Status))
            .ToListAsync(cancellationToken);
        var manual = await db.ServiceFreezes.AsNoTracking()
            .Where(f => f.ServiceId == service.Id && f.LiftedAt == null && (f.Until == null || f.Until > now))
            .OrderBy(f => f.SetAt).FirstOrDefaultAsync(cancellationToken);
        var verdict = Freezes.Decide(open, severities.Table, manual is null ? null : new ManualFreeze(manual.Reason, manual.SetBy, manual.Until));
        return new FreezeDto(service.Name, verdict.Frozen, verdict.Reason, verdict.Incident, manual?.Id);
    }

    private static async Task<Results<Ok<FreezeDto>, ProblemHttpResult>> Check(string? service, SteadyDb db, IncidentSeverities severities, TimeProvider time, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(service))
            return Failure.Invalid("service", "'service' is required: GET /api/v1/freeze?service=NAME.").ToProblem();
        var found = await db.ServiceAsync(service, cancellationToken);
        if (found is null)
            return Problems.NotFound($"Service '{service}'");
        return TypedResults.Ok(await VerdictAsync(db, found, severities, time.GetUtcNow(), cancellationToken));
    }

    private static async Task<Results<Created<ServiceFreezeDto>, ProblemHttpResult>> SetFreeze(FreezeInput input, SteadyDb db, ActorAccessor actors, TimeProvider time, CancellationToken cancellationToken)
    {
        var actor = await actors.RequireAsync(cancellationToken);
        var now = time.GetUtcNow();
        var validation = new Validation().Name("reason", input.Reason, 500);
        if (string.IsNullOrWhiteSpace(input.Service))
            validation.Add("service", "'service' is required.");
        if (input.Until is { } until && until <= now)
            validation.Add("until", "'until' must be in the future.");
        if (validation.ToFailure() is { } invalid)
            return invalid.ToProblem();
        var service = await db.ServiceAsync(input.Service!, cancellationToken);
        if (service is null)
            return Failure.Invalid("service", $"There is no service '{input.Service}'.").ToProblem();
        if (!Permissions.CanRespondFor(actor, service.TeamId))
            return Problems.Forbidden("Only responders of the service's team can freeze it.");
        var freeze = new ServiceFreeze { Id = Ids.New(time), ServiceId = service.Id, Reason = input.Reason!.Trim(), SetBy = actor.Name, SetAt = now, Until = input.Until?.ToUniversalTime() };
        db.ServiceFreezes.Add(freeze);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/freeze/{freeze.Id}", Dto(freeze));
    }

    private static async Task<Results<Ok<ServiceFreezeDto>, ProblemHttpResult>> Lift(Guid id, SteadyDb db, ActorAccessor actors, TimeProvider time, CancellationToken cancellationToken)
    {
        var actor = await actors.RequireAsync(cancellationToken);
        var freeze = await db.ServiceFreezes.FirstOrDefaultAsync(f => f.Id == id, cancellationToken);
        if (freeze is null)
            return Problems.NotFound("The freeze");
        var teamId = await db.Services.Where(s => s.Id == freeze.ServiceId).Select(s => s.TeamId).FirstAsync(cancellationToken);
        if (!Permissions.CanRespondFor(actor, teamId))
            return Problems.Forbidden("Only responders of the service's team can lift its freeze.");
        if (freeze.LiftedAt is null)
        {
            freeze.LiftedAt = time.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
        }
        return TypedResults.Ok(Dto(freeze));
    }

    private static ServiceFreezeDto Dto(ServiceFreeze f) => new(f.Id, f.ServiceId, f.Reason, f.SetBy, f.SetAt, f.Until, f.LiftedAt);
}
