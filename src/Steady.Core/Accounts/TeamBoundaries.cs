namespace Steady.Core.Accounts;

/// <summary>
/// What one team's configuration may name of another team's. A team's escalation policies, services and
/// schedules may name another team's policy, schedule or people only when the person making the change
/// administers both teams, or the organization: a team admin cannot page people who are not theirs, nor
/// hand their service's alerts to a policy that is not theirs. Only what a change adds is checked, so
/// a crossing an organization admin set up does not stop the team from editing the rest.
/// </summary>
public static class TeamBoundaries
{
    /// <summary>Whether something of team <paramref name="owner"/> may name something of team <paramref name="other"/>.</summary>
    public static bool MayName(Actor actor, Guid owner, Guid other) =>
        owner == other || actor.IsAdmin || (actor.HasRole(owner, TeamRole.Admin) && actor.HasRole(other, TeamRole.Admin));

    /// <summary>
    /// Whether something of team <paramref name="owner"/> may name a person who is a member of
    /// <paramref name="theirTeams"/>: one of the owner's own members, or a person of a team the actor also
    /// administers. A person in no team is no other team's, and may be named.
    /// </summary>
    public static bool MayNamePerson(Actor actor, Guid owner, IReadOnlyCollection<Guid> theirTeams) =>
        theirTeams.Count == 0 || theirTeams.Contains(owner) || theirTeams.Any(team => MayName(actor, owner, team));
}
