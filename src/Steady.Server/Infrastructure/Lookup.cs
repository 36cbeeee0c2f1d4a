using Microsoft.EntityFrameworkCore;
using Steady.Core.Accounts;
using Steady.Core.OnCall;
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

    /// <summary>A schedule by id or name; tracked when the caller will change it.</summary>
    public static Task<Schedule?> ScheduleAsync(this SteadyDb db, string idOrName, bool tracked, CancellationToken cancellationToken)
    {
        var query = tracked ? db.Schedules : db.Schedules.AsNoTracking();
        if (Guid.TryParse(idOrName, out var id))
            return query.FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        var lower = idOrName.Trim().ToLowerInvariant();
        return query.FirstOrDefaultAsync(s => s.Name.ToLower() == lower, cancellationToken);
    }

    /// <summary>An escalation policy by id or name; tracked when the caller will change it.</summary>
    public static Task<EscalationPolicyRecord?> EscalationPolicyAsync(this SteadyDb db, string idOrName, bool tracked, CancellationToken cancellationToken)
    {
        var query = tracked ? db.EscalationPolicies : db.EscalationPolicies.AsNoTracking();
        if (Guid.TryParse(idOrName, out var id))
            return query.FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        var lower = idOrName.Trim().ToLowerInvariant();
        return query.FirstOrDefaultAsync(p => p.Name.ToLower() == lower, cancellationToken);
    }
}
