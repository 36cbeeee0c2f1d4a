namespace Steady.Core.Accounts;

/// <summary>
/// Who may do what. Everyone signed in may read the organization's teams, users and services
/// (responders need to see beyond their team during an incident); changes need a role in the
/// owning team; the organization is administered by admins.
/// </summary>
public static class Permissions
{
    public static bool CanAdministerOrganization(Actor actor) => actor.IsAdmin;

    public static bool CanManageTeam(Actor actor, Guid teamId) => actor.HasRole(teamId, TeamRole.Admin);

    public static bool CanManageServicesOf(Actor actor, Guid teamId) => actor.HasRole(teamId, TeamRole.Admin);

    /// <summary>Integration keys are credentials: only people who respond for the team see them.</summary>
    public static bool CanSeeIntegrationKeysOf(Actor actor, Guid teamId) => actor.HasRole(teamId, TeamRole.Responder);

    public static bool CanManageIntegrationKeysOf(Actor actor, Guid teamId) => actor.HasRole(teamId, TeamRole.Admin);

    /// <summary>Acknowledge, resolve, silence and put into maintenance: the team's responders.</summary>
    public static bool CanRespondFor(Actor actor, Guid teamId) => actor.HasRole(teamId, TeamRole.Responder);

    public static bool CanEditUser(Actor actor, Guid userId) => actor.IsAdmin || actor.UserId == userId;

    public static bool CanRevokeToken(Actor actor, Guid ownerId) => actor.IsAdmin || actor.UserId == ownerId;

    public static bool CanReadAudit(Actor actor) => actor.IsAdmin;
}
