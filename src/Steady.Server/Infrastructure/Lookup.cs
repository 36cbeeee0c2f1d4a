using Microsoft.EntityFrameworkCore;
using Steady.Core.Accounts;
using Steady.Core.Services;
using Steady.Server.Data;

namespace Steady.Server.Infrastructure;

/// <summary>Routes accept an id or a name (teams, services) or an id or an email (users), so scripts can say what people say.</summary>
public static class Lookup
{
    public static Task<Team?> TeamAsync(this SteadyDb db, string idOrName, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(idOrName, out var id))
            return db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        var lower = idOrName.Trim().ToLowerInvariant();
        return db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Name.ToLower() == lower, cancellationToken);
    }

    public static Task<Service?> ServiceAsync(this SteadyDb db, string idOrName, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(idOrName, out var id))
            return db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        var lower = idOrName.Trim().ToLowerInvariant();
        return db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Name.ToLower() == lower, cancellationToken);
    }

    public static Task<User?> UserAsync(this SteadyDb db, string idOrEmail, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(idOrEmail, out var id))
            return db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        var email = User.NormalizeEmail(idOrEmail);
        return db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Email == email, cancellationToken);
    }
}
