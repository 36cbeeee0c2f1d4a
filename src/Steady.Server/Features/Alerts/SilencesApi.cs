using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Alerts;
using Steady.Server.Data;
using Steady.Server.Features.Accounts;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Alerts;

public sealed record SilenceInput(IReadOnlyList<Matcher> Matchers, string Reason, string? Service = null, DateTimeOffset? StartsAt = null, DateTimeOffset? EndsAt = null, int? DurationMinutes = null);

public sealed record SilenceDto(Guid Id, Guid? ServiceId, IReadOnlyList<Matcher> Matchers, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Reason, string CreatedBy, DateTimeOffset CreatedAt, bool Active)
{
    public static SilenceDto From(Silence s, DateTimeOffset now) =>
        new(s.Id, s.ServiceId, s.ParsedMatchers(), s.StartsAt, s.EndsAt, s.Reason, s.CreatedBy, s.CreatedAt, s.IsActiveAt(now));
}

/// <summary>
/// Silences by label matchers, with creator, reason and expiry. Expiring ends one now; the record
/// stays. <see cref="Suppressions"/> marks the alerts a silence covers, and unmarks them when it ends.
/// </summary>
public static class SilencesApi
{
    public static RouteGroupBuilder MapSilencesApi(this RouteGroupBuilder api)
    {
        var silences = api.MapGroup("/silences").WithTags("Silences");
        silences.MapGet("/", List).WithSummary("Silences; ?active=true for those in force now");
        silences.MapPost("/", Create).WithSummary("Silence alerts matching every matcher (responders of the service's team; organization admins for all services)");
        silences.MapDelete("/{id:guid}", Expire).WithSummary("Expire a silence now");
        return api;
    }

    private static async Task<Ok<IReadOnlyList<SilenceDto>>> List(bool? active, SteadyDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var query = db.Silences.AsNoTracking();
        if (active == true)
            query = query.Where(s => s.StartsAt <= now && s.EndsAt > now);
        var rows = await query.OrderByDescending(s => s.Id).Take(500).ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<SilenceDto>>(rows.Select(s => SilenceDto.From(s, now)).ToList());
    }

    private static async Task<Results<Created<SilenceDto>, ProblemHttpResult>> Create(SilenceInput input, SteadyDb db, ActorAccessor actors, Suppressions suppressions, TimeProvider time, CancellationToken cancellationToken)
    {
        var actor = await actors.RequireAsync(cancellationToken);
        var now = time.GetUtcNow();
        var validation = new Validation().Name("reason", input.Reason, 500);
        if (input.Matchers is null || input.Matchers.Count == 0)
            validation.Add("matchers", "'matchers' needs at least one matcher, e.g. {\"name\": \"alertname\", \"value\": \"DiskFull\"}.");
        else if (input.Matchers.Count > 20)
            validation.Add("matchers", "'matchers' may have at most 20 matchers.");
        foreach (var problem in (input.Matchers ?? []).Select(m => m is null ? "a matcher is null." : m.Problem()).OfType<string>())
            validation.Add("matchers", problem);
        var (startsAt, endsAt) = SuppressionWindow.Plan(Silence.Kind, input.StartsAt, input.EndsAt, input.DurationMinutes, now, validation);
        if (validation.ToFailure() is { } invalid)
            return invalid.ToProblem();

        Guid? serviceId = null;
        if (!string.IsNullOrEmpty(input.Service))
        {
            var service = await db.ServiceAsync(input.Service, cancellationToken);
            if (service is null)
                return Failure.Invalid("service", $"There is no service '{input.Service}'.").ToProblem();
            if (!Permissions.CanRespondFor(actor, service.TeamId))
                return Problems.Forbidden("Only responders of the service's team can silence its alerts.");
            serviceId = service.Id;
        }
        else if (!actor.IsAdmin)
        {
            return Problems.Forbidden("A silence across all services needs an organization administrator; name a service to silence only its alerts.");
        }
        var silence = new Silence
        {
            Id = Ids.New(time),
            ServiceId = serviceId,
            Matchers = Silence.Serialize(input.Matchers!),
            StartsAt = startsAt,
            EndsAt = endsAt,
            Reason = input.Reason.Trim(),
            CreatedById = actor.UserId,
            CreatedBy = actor.Name,
            CreatedAt = now,
        };
        db.Silences.Add(silence);
        await db.SaveChangesAsync(cancellationToken);
        await suppressions.StartedAsync(silence, cancellationToken);
        return TypedResults.Created($"/api/v1/silences/{silence.Id}", SilenceDto.From(silence, now));
    }

    /// <summary>Ends it now (one not started yet is called off); its alerts lose the mark, and those still triggered page. Expiring one that is over is a conflict.</summary>
    private static async Task<Results<Ok<SilenceDto>, ProblemHttpResult>> Expire(Guid id, SteadyDb db, ActorAccessor actors, Suppressions suppressions, TimeProvider time, CancellationToken cancellationToken)
    {
        var actor = await actors.RequireAsync(cancellationToken);
        var silence = await db.Silences.FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (silence is null)
            return Problems.NotFound("The silence");
        if (silence.ServiceId is { } serviceId)
        {
            var teamId = await db.Services.Where(s => s.Id == serviceId).Select(s => s.TeamId).FirstAsync(cancellationToken);
            if (!Permissions.CanRespondFor(actor, teamId))
                return Problems.Forbidden("Only responders of the service's team can expire its silences.");
        }
        else if (!actor.IsAdmin)
        {
            return Problems.Forbidden("Only organization administrators can expire a silence across all services.");
        }
        var now = time.GetUtcNow();
        if (silence.EndAt(now, Silence.Kind) is { } over)
            return Failure.Conflict(over).ToProblem();
        await db.SaveChangesAsync(cancellationToken);
        await suppressions.EndedAsync(silence, cancellationToken);
        return TypedResults.Ok(SilenceDto.From(silence, now));
    }
}
