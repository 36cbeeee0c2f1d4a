using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Accounts;
using Steady.Server.Data;

namespace Steady.Server.Infrastructure;

/// <summary>
/// The signed-in person with their current roles, read from the database once per request, so a
/// role change or a disabled account takes effect on the next request on every node.
/// </summary>
public sealed class ActorAccessor(IHttpContextAccessor http, SteadyDb db)
{
    private Actor? _actor;
    private bool _loaded;

    public async Task<Actor?> GetAsync(CancellationToken cancellationToken = default)
    {
        if (_loaded)
            return _actor;
        _loaded = true;
        var principal = http.HttpContext?.User;
        if (principal?.Identity?.IsAuthenticated != true || !Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
            return null;
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null || user.DisabledAt is not null)
            return null;
        var teams = await db.Memberships.AsNoTracking().Where(m => m.UserId == userId)
            .ToDictionaryAsync(m => m.TeamId, m => m.Role, cancellationToken);
        return _actor = new Actor(user.Id, user.Name, user.IsAdmin, teams);
    }

    /// <summary>For endpoints behind RequireAuthorization: the actor exists unless the account vanished mid-request.</summary>
    public async Task<Actor> RequireAsync(CancellationToken cancellationToken = default) =>
        await GetAsync(cancellationToken) ?? throw new AccountUnavailableException();
}

public sealed class AccountUnavailableException() : Exception("The signed-in account no longer exists or is disabled.");

/// <summary>Names the signed-in person in the audit log of everything saved during the request.</summary>
public sealed class AuditActorMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context, AuditContext audit)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true && Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id))
            audit.Set(id, user.FindFirstValue(ClaimTypes.Name) ?? id.ToString());
        return next(context);
    }
}
