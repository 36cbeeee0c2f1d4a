namespace Steady.Cli.Tests.Integration;

/// <summary>When the server says no, the person reads one line that names the reason.</summary>
public sealed class RefusalTests(SteadyServer server) : IClassFixture<SteadyServer>, IDisposable
{
    private readonly Person _person = CreatePerson(server);

    public void Dispose() => _person.Dispose();

    private static Person CreatePerson(SteadyServer server)
    {
        var person = new Person();
        person.Environment["STEADY_SERVER"] = server.Url;
        person.Environment["STEADY_TOKEN"] = SteadyServer.AdminToken;
        return person;
    }

    [Fact]
    public async Task AWrongTokenIsRefusedWithExitFourAndAHintToLogIn()
    {
        _person.Environment["STEADY_TOKEN"] = "stdy_not_a_real_token";

        var result = await _person.RunAsync("team", "list");

        Assert.Equal("steady: the server refused the token from STEADY_TOKEN (The API token is unknown, revoked or expired); run 'steady login'", result.SingleErrorLine(ExitCodes.Auth));
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task AServiceForATeamThatDoesNotExistIsRefused()
    {
        var result = await _person.RunAsync("service", "create", "orphan", "--team", "no-such-team");

        Assert.Equal("steady: Team 'no-such-team' was not found.", result.SingleErrorLine(ExitCodes.Error));
    }

    [Fact]
    public async Task ASecondServiceWithTheSameNameIsAConflict()
    {
        (await _person.RunAsync("team", "create", "dupes")).Succeeded();
        (await _person.RunAsync("service", "create", "twin", "--team", "dupes")).Succeeded();

        var result = await _person.RunAsync("service", "create", "Twin", "--team", "dupes");

        Assert.Equal("steady: A service named 'Twin' already exists.", result.SingleErrorLine(ExitCodes.Error));
    }

    [Fact]
    public async Task AnInvalidFieldIsNamed()
    {
        (await _person.RunAsync("team", "create", "runbooks")).Succeeded();

        var result = await _person.RunAsync("service", "create", "bad-runbook", "--team", "runbooks", "--runbook", "not a url");

        Assert.Equal("steady: invalid runbookUrl: 'runbookUrl' must be an absolute http or https URL.", result.SingleErrorLine(ExitCodes.Error));
    }

    [Fact]
    public async Task AServiceThatDoesNotExistIsNotFound()
    {
        var result = await _person.RunAsync("service", "show", "ghost");

        Assert.Equal("steady: Service 'ghost' was not found.", result.SingleErrorLine(ExitCodes.Error));
    }

    [Fact]
    public async Task RevokingAKeyThatDoesNotExistSaysHowToFindOne()
    {
        (await _person.RunAsync("team", "create", "nokeys")).Succeeded();
        (await _person.RunAsync("service", "create", "nokeys-svc", "--team", "nokeys")).Succeeded();

        var result = await _person.RunAsync("service", "key", "revoke", "nokeys-svc", "primary");

        Assert.Equal("steady: there is no active integration key named 'primary'; see 'steady service key list nokeys-svc'", result.SingleErrorLine(ExitCodes.Error));
    }

    [Fact]
    public async Task ADuplicateTeamIsAConflict()
    {
        (await _person.RunAsync("team", "create", "once")).Succeeded();

        var result = await _person.RunAsync("team", "create", "once");

        Assert.Equal("steady: A team named 'once' already exists.", result.SingleErrorLine(ExitCodes.Error));
    }
}
