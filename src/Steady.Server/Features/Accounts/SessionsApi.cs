using Microsoft.AspNetCore.Http.HttpResults;
using Steady.Server.Data;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Accounts;

/// <summary>A person's console sessions: listed and ended by the person or an organization administrator.</summary>
public static class SessionsApi
{
    public static RouteGroupBuilder MapSessionsApi(this RouteGroupBuilder api)
    {
        var sessions = api.MapGroup("/users/{user}/sessions").WithTags("Users");
        sessions.MapGet("/", List).WithSummary("A person's live console sessions (the person, or organization admins)");
        sessions.MapDelete("/", EndAll).WithSummary("End all of a person's console sessions: their cookies are refused at once (the person, or organization admins)");
        return api;
    }

    private static async Task<Results<Ok<IReadOnlyList<SessionDto>>, ProblemHttpResult>> List(string user, SteadyDb db, ActorAccessor actors, ConsoleSessions sessions, CancellationToken cancellationToken)
    {
        var found = await db.UserAsync(user, cancellationToken);
        if (found is null)
            return Problems.NotFound($"User '{user}'");
        var outcome = await sessions.ListAsync(await actors.RequireAsync(cancellationToken), found.Id, null, cancellationToken);
        return outcome.Succeeded ? TypedResults.Ok(outcome.Value!) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> EndAll(string user, SteadyDb db, ActorAccessor actors, ConsoleSessions sessions, CancellationToken cancellationToken)
    {
        var found = await db.UserAsync(user, cancellationToken);
        if (found is null)
            return Problems.NotFound($"User '{user}'");
        var outcome = await sessions.EndAsync(await actors.RequireAsync(cancellationToken), found.Id, null, null, cancellationToken);
        return outcome.Succeeded ? TypedResults.NoContent() : outcome.Failure!.ToProblem();
    }
}
