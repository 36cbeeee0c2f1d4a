using Steady.Core.Accounts;

namespace Steady.Core.Tests.Accounts;

public sealed class TeamBoundariesTests
{
    private static readonly Guid TeamA = Guid.NewGuid();
    private static readonly Guid TeamB = Guid.NewGuid();

    private static Actor With(params (Guid Team, TeamRole Role)[] roles) =>
        new(Guid.NewGuid(), "someone", false, roles.ToDictionary(r => r.Team, r => r.Role));

    [Fact]
    public void ATeamsThingsMayNameTheTeamsOwnThingsWhoeverChangesThem()
    {
        Assert.True(TeamBoundaries.MayName(With((TeamA, TeamRole.Responder)), TeamA, TeamA));
        Assert.True(TeamBoundaries.MayNamePerson(With((TeamA, TeamRole.Responder)), TeamA, [TeamA, TeamB]));
    }

    [Fact]
    public void NamingAnotherTeamsThingNeedsAdministeringBothTeams()
    {
        Assert.False(TeamBoundaries.MayName(With((TeamA, TeamRole.Admin)), TeamA, TeamB));
        Assert.False(TeamBoundaries.MayName(With((TeamB, TeamRole.Admin)), TeamA, TeamB));
        Assert.False(TeamBoundaries.MayName(With((TeamA, TeamRole.Admin), (TeamB, TeamRole.Responder)), TeamA, TeamB));
        Assert.True(TeamBoundaries.MayName(With((TeamA, TeamRole.Admin), (TeamB, TeamRole.Admin)), TeamA, TeamB));
    }

    [Fact]
    public void AnOrganizationAdministratorMayNameAnything()
    {
        var admin = new Actor(Guid.NewGuid(), "admin", true, new Dictionary<Guid, TeamRole>());
        Assert.True(TeamBoundaries.MayName(admin, TeamA, TeamB));
        Assert.True(TeamBoundaries.MayNamePerson(admin, TeamA, [TeamB]));
    }

    [Fact]
    public void APersonOfAnotherTeamOnlyIsNamedOnlyByAnAdministratorOfBoth()
    {
        Assert.False(TeamBoundaries.MayNamePerson(With((TeamA, TeamRole.Admin)), TeamA, [TeamB]));
        Assert.False(TeamBoundaries.MayNamePerson(With((TeamA, TeamRole.Responder), (TeamB, TeamRole.Admin)), TeamA, [TeamB]));
        Assert.True(TeamBoundaries.MayNamePerson(With((TeamA, TeamRole.Admin), (TeamB, TeamRole.Admin)), TeamA, [TeamB]));
    }

    [Fact]
    public void APersonInNoTeamIsNoOtherTeamsAndMayBeNamed() =>
        Assert.True(TeamBoundaries.MayNamePerson(With((TeamA, TeamRole.Admin)), TeamA, []));
}
