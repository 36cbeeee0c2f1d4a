using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Server.Data;

namespace Steady.Server.Features.Tokens;

public sealed record TokenInput(string Name, DateTimeOffset? ExpiresAt = null);

/// <summary>A token just created: the only time its secret exists outside the caller's hands.</summary>
public sealed record CreatedToken(ApiToken Token, string Secret);

public sealed class TokenCommands(SteadyDb db, TimeProvider time)
{
    public async Task<Outcome<CreatedToken>> CreateAsync(Actor actor, TokenInput input, CancellationToken cancellationToken)
    {
        var validation = new Validation().Name("name", input.Name);
        if (input.ExpiresAt is { } expires && expires <= time.GetUtcNow())
            validation.Add("expiresAt", "'expiresAt' must be in the future.");
        if (validation.ToFailure() is { } invalid)
            return invalid;
        var secret = Secrets.NewToken();
        var token = Issue(actor.UserId, input.Name.Trim(), secret, input.ExpiresAt?.ToUniversalTime());
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedToken(token, secret);
    }

    /// <summary>Adds a token with a given secret to the context (the bootstrap token comes from configuration).</summary>
    public ApiToken Issue(Guid userId, string name, string secret, DateTimeOffset? expiresAt = null)
    {
        var token = new ApiToken
        {
            Id = Ids.New(time),
            UserId = userId,
            Name = name,
            Prefix = Secrets.DisplayPrefix(secret),
            Hash = Secrets.Hash(secret),
            CreatedAt = time.GetUtcNow(),
            ExpiresAt = expiresAt,
        };
        db.ApiTokens.Add(token);
        return token;
    }

    public async Task<Outcome<ApiToken>> RevokeAsync(Actor actor, Guid tokenId, CancellationToken cancellationToken)
    {
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == tokenId, cancellationToken);
        if (token is null || !Permissions.CanRevokeToken(actor, token.UserId))
            return Failure.NotFound("The token");
        token.RevokedAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return token;
    }
}
