using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Accounts;
using Steady.Server.Data;
using Steady.Server.Features.Accounts;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Tokens;

public sealed record TokenDto(Guid Id, Guid UserId, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt)
{
    public static TokenDto From(ApiToken token) =>
        new(token.Id, token.UserId, token.Name, token.Prefix, token.CreatedAt, token.ExpiresAt, token.RevokedAt, token.LastUsedAt);
}

/// <summary>The answer to creating a token: the only response that ever contains the secret.</summary>
public sealed record CreatedTokenDto(TokenDto Token, string Secret);

public static class TokensApi
{
    public static RouteGroupBuilder MapTokensApi(this RouteGroupBuilder api)
    {
        var tokens = api.MapGroup("/tokens").WithTags("Tokens");
        tokens.MapGet("/", List).WithSummary("Your API tokens (organization admins: ?all=true for everyone's)");
        tokens.MapPost("/", Create).WithSummary("Create an API token for yourself; the secret is shown once");
        tokens.MapDelete("/{id:guid}", Revoke).WithSummary("Revoke a token (yours, or any as organization admin)");
        return api;
    }

    private static async Task<Results<Ok<IReadOnlyList<TokenDto>>, ProblemHttpResult>> List(bool? all, SteadyDb db, ActorAccessor actors, CancellationToken cancellationToken)
    {
        var actor = await actors.RequireAsync(cancellationToken);
        if (all == true && !actor.IsAdmin)
            return Problems.Forbidden("Only organization administrators can list everyone's tokens.");
        var query = db.ApiTokens.AsNoTracking();
        if (all != true)
            query = query.Where(t => t.UserId == actor.UserId);
        var tokens = await query.OrderBy(t => t.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<TokenDto>>(tokens.Select(TokenDto.From).ToList());
    }

    private static async Task<Results<Created<CreatedTokenDto>, ProblemHttpResult>> Create(TokenInput input, ActorAccessor actors, TokenCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.CreateAsync(await actors.RequireAsync(cancellationToken), input, cancellationToken);
        return outcome.Succeeded
            ? TypedResults.Created($"/api/v1/tokens/{outcome.Value!.Token.Id}", new CreatedTokenDto(TokenDto.From(outcome.Value.Token), outcome.Value.Secret))
            : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(Guid id, ActorAccessor actors, TokenCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.RevokeAsync(await actors.RequireAsync(cancellationToken), id, cancellationToken);
        return outcome.Succeeded ? TypedResults.NoContent() : outcome.Failure!.ToProblem();
    }
}
