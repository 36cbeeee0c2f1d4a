using Steady.Core.Accounts;

namespace Steady.Core.Tests.Accounts;

public sealed class PermissionsTests
{
    private static readonly Guid TeamA = Guid.NewGuid();
    private static readonly Guid TeamB = Guid.NewGuid();

    private static Actor Member(TeamRole role) => new(Guid.NewGuid(), "m", false, new Dictionary<Guid, TeamRole> { [TeamA] = role });

    [Fact]
    public void AnOrganizationAdministratorIsAdminOfEveryTeam()
    {
        var admin = new Actor(Guid.NewGuid(), "a", true, new Dictionary<Guid, TeamRole>());
        Assert.True(Permissions.CanManageTeam(admin, TeamB));
        Assert.Equal(TeamRole.Admin, admin.RoleIn(TeamB));
    }

    [Theory]
    [InlineData(TeamRole.Viewer, false, false)]
    [InlineData(TeamRole.Responder, true, false)]
    [InlineData(TeamRole.Admin, true, true)]
    public void IntegrationKeysAreSeenByRespondersAndManagedByAdmins(TeamRole role, bool see, bool manage)
    {
        var actor = Member(role);
        Assert.Equal(see, Permissions.CanSeeIntegrationKeysOf(actor, TeamA));
        Assert.Equal(manage, Permissions.CanManageIntegrationKeysOf(actor, TeamA));
    }

    [Fact]
    public void ARoleInOneTeamGivesNothingInAnother()
    {
        var admin = Member(TeamRole.Admin);
        Assert.False(Permissions.CanManageServicesOf(admin, TeamB));
        Assert.Null(admin.RoleIn(TeamB));
    }

    [Fact]
    public void PeopleMayEditThemselvesAndRevokeTheirOwnTokensOnly()
    {
        var actor = Member(TeamRole.Responder);
        Assert.True(Permissions.CanEditUser(actor, actor.UserId));
        Assert.False(Permissions.CanEditUser(actor, Guid.NewGuid()));
        Assert.True(Permissions.CanRevokeToken(actor, actor.UserId));
        Assert.False(Permissions.CanRevokeToken(actor, Guid.NewGuid()));
        Assert.False(Permissions.CanReadAudit(actor));
    }

    [Theory]
    [InlineData("viewer", true)]
    [InlineData("Responder", true)]
    [InlineData("ADMIN", true)]
    [InlineData("owner", false)]
    [InlineData("3", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void RolesParseByNameOnly(string? value, bool parses) => Assert.Equal(parses, TeamRoles.TryParse(value, out _));
}
