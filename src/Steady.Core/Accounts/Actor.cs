namespace Steady.Core.Accounts;

/// <summary>Who is asking, with what they may do: the user, whether they administer the organization, and their team roles.</summary>
public sealed record Actor(Guid UserId, string Name, bool IsAdmin, IReadOnlyDictionary<Guid, TeamRole> Teams)
{
    public TeamRole? RoleIn(Guid teamId) => IsAdmin ? TeamRole.Admin : Teams.TryGetValue(teamId, out var role) ? role : null;

    public bool HasRole(Guid teamId, TeamRole atLeast) => RoleIn(teamId) is { } role && role >= atLeast;
}
