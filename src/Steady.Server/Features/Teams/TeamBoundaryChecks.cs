using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.OnCall;
using Steady.Server.Data;

namespace Steady.Server.Features.Teams;

/// <summary>
/// <see cref="TeamBoundaries"/> checked against the database, for the commands that make one team's
/// policies, schedules, overrides and services name something (<c>steady apply</c> checks the same rule on
/// what it holds in memory). Each answers the refusal (403, naming what crosses into which team) before
/// anything is changed, or null.
/// </summary>
public static class TeamBoundaryChecks
{
    /// <summary>People named by <paramref name="what"/>, a thing of team <paramref name="owner"/>.</summary>
    public static async Task<Failure?> PeopleAsync(SteadyDb db, Actor actor, Guid owner, ConfigThing what, IEnumerable<Guid> people, CancellationToken cancellationToken)
    {
        var ids = people.Distinct().ToList();
        if (ids.Count == 0 || actor.IsAdmin)
            return null;
        var memberships = await db.Memberships.AsNoTracking().Where(m => ids.Contains(m.UserId)).Select(m => new { m.UserId, m.TeamId }).ToListAsync(cancellationToken);
        var crossing = ids.Where(id => !TeamBoundaries.MayNamePerson(actor, owner, memberships.Where(m => m.UserId == id).Select(m => m.TeamId).ToList())).ToList();
        if (crossing.Count == 0)
            return null;
        var names = await db.Users.AsNoTracking().Where(u => crossing.Contains(u.Id)).Select(u => u.Name).ToListAsync(cancellationToken);
        return await RefusalAsync(db, owner, what, $"{string.Join(", ", names.Order(StringComparer.Ordinal))}, who {(names.Count == 1 ? "is" : "are")} not in the team", cancellationToken);
    }

    /// <summary>Escalation targets added to a policy of team <paramref name="owner"/>: schedules, team round-robins and people.</summary>
    public static async Task<Failure?> TargetsAsync(SteadyDb db, Actor actor, Guid owner, ConfigThing what, IEnumerable<EscalationTarget> added, CancellationToken cancellationToken)
    {
        var targets = added.Distinct().ToList();
        if (targets.Count == 0 || actor.IsAdmin)
            return null;
        var scheduleIds = targets.Where(t => t.Kind == TargetKind.Schedule).Select(t => t.Id).ToList();
        foreach (var schedule in await db.Schedules.AsNoTracking().Where(s => scheduleIds.Contains(s.Id)).Select(s => new { s.Name, s.TeamId }).ToListAsync(cancellationToken))
        {
            if (!TeamBoundaries.MayName(actor, owner, schedule.TeamId))
                return await RefusalAsync(db, owner, what, $"{await TeamNameAsync(db, schedule.TeamId, cancellationToken)}'s schedule '{schedule.Name}'", cancellationToken);
        }
        foreach (var team in targets.Where(t => t.Kind == TargetKind.TeamRoundRobin).Select(t => t.Id))
        {
            if (!TeamBoundaries.MayName(actor, owner, team))
                return await RefusalAsync(db, owner, what, $"the members of {await TeamNameAsync(db, team, cancellationToken)}", cancellationToken);
        }
        return await PeopleAsync(db, actor, owner, what, targets.Where(t => t.Kind == TargetKind.User).Select(t => t.Id), cancellationToken);
    }

    /// <summary>A service of team <paramref name="owner"/> paged through <paramref name="policy"/>.</summary>
    public static async Task<Failure?> PolicyAsync(SteadyDb db, Actor actor, Guid owner, ConfigThing what, EscalationPolicyRecord policy, CancellationToken cancellationToken) =>
        TeamBoundaries.MayName(actor, owner, policy.TeamId)
            ? null
            : await RefusalAsync(db, owner, what, $"{await TeamNameAsync(db, policy.TeamId, cancellationToken)}'s escalation policy '{policy.Name}'", cancellationToken);

    /// <summary>
    /// 403: "Team A's escalation policy 'x' cannot name Team B's schedule 'y'", and who can. One message for the
    /// commands and for steady apply.
    /// </summary>
    public static string Refusal(string ownerTeam, ConfigThing what, string other) =>
        $"{ownerTeam}'s {what.Kind} '{what.Name}' cannot name {other}: only someone who administers both teams (or the organization) can make one team's configuration name another team's policies, schedules or people.";

    private static async Task<Failure> RefusalAsync(SteadyDb db, Guid owner, ConfigThing what, string other, CancellationToken cancellationToken) =>
        Failure.Forbidden(Refusal(await TeamNameAsync(db, owner, cancellationToken), what, other));

    private static async Task<string> TeamNameAsync(SteadyDb db, Guid team, CancellationToken cancellationToken) =>
        await db.Teams.AsNoTracking().Where(t => t.Id == team).Select(t => t.Name).FirstOrDefaultAsync(cancellationToken) ?? "another team";
}

/// <summary>The thing whose change would cross a team boundary, as a refusal names it: its kind ("schedule") and name.</summary>
public sealed record ConfigThing(string Kind, string Name);
