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

    private static async Task<Results<Created<SilenceDto>, ProblemHttpResult>> Create(SilenceInput input, ActorAccessor actors, SuppressionCommands commands, TimeProvider time, CancellationToken cancellationToken)
    {
        var outcome = await commands.CreateSilenceAsync(await actors.RequireAsync(cancellationToken), input, cancellationToken);
        return outcome.Succeeded
            ? TypedResults.Created($"/api/v1/silences/{outcome.Value!.Id}", SilenceDto.From(outcome.Value, time.GetUtcNow()))
            : outcome.Failure!.ToProblem();
    }

    /// <summary>Ends it now (one not started yet is called off); its alerts lose the mark, and those still triggered page. Expiring one that is over is a conflict.</summary>
    private static async Task<Results<Ok<SilenceDto>, ProblemHttpResult>> Expire(Guid id, ActorAccessor actors, SuppressionCommands commands, TimeProvider time, CancellationToken cancellationToken)
    {
        var outcome = await commands.ExpireSilenceAsync(await actors.RequireAsync(cancellationToken), id, cancellationToken);
        return outcome.Succeeded ? TypedResults.Ok(SilenceDto.From(outcome.Value!, time.GetUtcNow())) : outcome.Failure!.ToProblem();
    }
}
