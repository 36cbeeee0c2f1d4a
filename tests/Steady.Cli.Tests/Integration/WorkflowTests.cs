using System.Text.Json;
using Steady.Cli.Config;

namespace Steady.Cli.Tests.Integration;

/// <summary>What a person does with `steady` against a real server, from login on.</summary>
public sealed class WorkflowTests(SteadyServer server) : IClassFixture<SteadyServer>, IDisposable
{
    private readonly Person _person = new();

    public void Dispose() => _person.Dispose();

    private async Task LoginAsync() =>
        (await _person.RunAsync("login", "--server", server.Url, "--token", SteadyServer.AdminToken)).Succeeded();

    [Fact]
    public async Task LoginChecksTheTokenAndSavesItForTheCommandsAfter()
    {
        var login = await _person.RunAsync("login", "--server", server.Url, "--token", SteadyServer.AdminToken);

        login.Succeeded();
        Assert.Equal($"Logged in to {server.Url} as Administrator <admin@steady.local>.\nThe token is saved in {_person.ConfigPath}.\n", login.Out);
        Assert.Equal(new StoredConfig(server.Url, SteadyServer.AdminToken), ConfigFile.Load(_person.ConfigPath));

        var whoami = (await _person.RunAsync("whoami")).Succeeded();
        Assert.Contains("admin@steady.local", whoami.Out, StringComparison.Ordinal);
        Assert.Contains("organization admin", whoami.Out, StringComparison.Ordinal);
        Assert.Contains($"Server:     {server.Url}", whoami.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginAsksForTheTokenWhenNoneIsGiven()
    {
        _person.Types = SteadyServer.AdminToken;

        (await _person.RunAsync("login", "--server", server.Url)).Succeeded();

        Assert.Equal([$"API token for {server.Url}: "], _person.Prompts);
        Assert.Equal(SteadyServer.AdminToken, ConfigFile.Load(_person.ConfigPath).Token);
    }

    [Fact]
    public async Task LoginWithAWrongTokenSavesNothing()
    {
        var result = await _person.RunAsync("login", "--server", server.Url, "--token", "stdy_wrong");

        Assert.Equal($"steady: {server.Url} refused the token (The API token is unknown, revoked or expired); nothing was saved", result.SingleErrorLine(ExitCodes.Auth));
        Assert.False(File.Exists(_person.ConfigPath));
    }

    [Fact]
    public async Task LoginRepairsADamagedConfigFile()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_person.ConfigPath)!);
        File.WriteAllText(_person.ConfigPath, "{ half a file");

        await LoginAsync();

        Assert.Equal(new StoredConfig(server.Url, SteadyServer.AdminToken), ConfigFile.Load(_person.ConfigPath));
    }

    [Fact]
    public async Task LogoutMeansCommandsNeedATokenAgain()
    {
        await LoginAsync();

        (await _person.RunAsync("logout")).Succeeded();

        var result = await _person.RunAsync("whoami");
        Assert.Equal($"steady: no API token for {server.Url}: run 'steady login', or set STEADY_TOKEN", result.SingleErrorLine(ExitCodes.Auth));
    }

    [Fact]
    public async Task ATeamAndItsServiceAreCreatedAndListed()
    {
        await LoginAsync();

        var team = (await _person.RunAsync("team", "create", "payments", "--description", "Takes the money")).Succeeded();
        Assert.StartsWith("Created team payments (", team.Out, StringComparison.Ordinal);
        var teams = (await _person.RunAsync("team", "list")).Succeeded();
        Assert.Matches(@"(?m)^NAME\s+DESCRIPTION\s+CREATED$", teams.Out);
        Assert.Matches(@"(?m)^payments\s+Takes the money\s+\d{4}-\d\d-\d\d \d\d:\d\d$", teams.Out);

        var service = (await _person.RunAsync("service", "create", "checkout-api", "--team", "payments", "--description", "Checkout", "--runbook", "https://wiki.example/checkout")).Succeeded();
        Assert.StartsWith("Created service checkout-api for team payments (", service.Out, StringComparison.Ordinal);

        var services = (await _person.RunAsync("service", "list")).Succeeded();
        var lines = services.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^NAME\s+TEAM\s+DESCRIPTION\s+RUNBOOK$", lines[0]);
        var row = Assert.Single(lines, l => l.StartsWith("checkout-api ", StringComparison.Ordinal));
        Assert.Matches(@"^checkout-api\s+payments\s+Checkout\s+https://wiki\.example/checkout$", row);
        // Columns line up: every row's second column starts where the header's does.
        Assert.Equal(lines[0].IndexOf("TEAM", StringComparison.Ordinal), row.IndexOf("payments", StringComparison.Ordinal));

        var mine = (await _person.RunAsync("service", "list", "--team", "payments")).Succeeded();
        Assert.Contains("checkout-api", mine.Out, StringComparison.Ordinal);

        var show = (await _person.RunAsync("service", "show", "checkout-api")).Succeeded();
        Assert.Matches(@"(?m)^Team:\s+payments$", show.Out);
        Assert.Matches(@"(?m)^Runbook:\s+https://wiki\.example/checkout$", show.Out);
    }

    [Fact]
    public async Task IntegrationKeysAreCreatedListedAndRevoked()
    {
        await LoginAsync();
        (await _person.RunAsync("team", "create", "keys-team")).Succeeded();
        (await _person.RunAsync("service", "create", "keys-svc", "--team", "keys-team")).Succeeded();

        var created = (await _person.RunAsync("service", "key", "create", "keys-svc", "--name", "alertmanager")).Succeeded();
        var key = System.Text.RegularExpressions.Regex.Match(created.Out, @"(?m)^    ([0-9a-f]{32})$").Groups[1].Value;
        Assert.NotEmpty(key);
        Assert.Contains($"{server.Url}/intake/{key}/alertmanager", created.Out, StringComparison.Ordinal);

        var list = (await _person.RunAsync("service", "key", "list", "keys-svc")).Succeeded();
        Assert.Matches(@"^ID\s+NAME\s+KEY\s+CREATED\n", list.Out);
        Assert.Matches($@"(?m)^[0-9a-f-]{{36}}\s+alertmanager\s+{key}\s+", list.Out);

        var revoked = (await _person.RunAsync("service", "key", "revoke", "keys-svc", "alertmanager")).Succeeded();
        Assert.StartsWith("Revoked integration key alertmanager (", revoked.Out, StringComparison.Ordinal);

        var after = (await _person.RunAsync("service", "key", "list", "keys-svc")).Succeeded();
        Assert.StartsWith("keys-svc has no active integration keys.", after.Out, StringComparison.Ordinal);
        var all = (await _person.RunAsync("service", "key", "list", "keys-svc", "--all")).Succeeded();
        Assert.Matches(@"^ID\s+NAME\s+KEY\s+CREATED\s+REVOKED\n", all.Out);
        Assert.Contains(key, all.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATokenIsCreatedUsedListedAndRevoked()
    {
        await LoginAsync();

        var created = (await _person.RunAsync("token", "create", "ci-deploy")).Succeeded();
        var secret = System.Text.RegularExpressions.Regex.Match(created.Out, @"(?m)^    (stdy_\S+)$").Groups[1].Value;
        Assert.NotEmpty(secret);
        Assert.Contains("it is not shown again", created.Out, StringComparison.Ordinal);

        (await _person.RunAsync("whoami", "--token", secret)).Succeeded();

        var list = (await _person.RunAsync("token", "list")).Succeeded();
        Assert.Matches(@"^ID\s+NAME\s+PREFIX\s+CREATED\s+LAST USED\s+EXPIRES\s+STATUS\n", list.Out);
        Assert.Matches($@"(?m)^[0-9a-f-]{{36}}\s+ci-deploy\s+{secret[..11]}…\s+.*\s+active$", list.Out);
        Assert.Matches(@"(?m)^[0-9a-f-]{36}\s+bootstrap\s+.*\s+active \(this CLI\)$", list.Out);

        var revoke = (await _person.RunAsync("token", "revoke", "ci-deploy")).Succeeded();
        Assert.StartsWith("Revoked token ci-deploy (", revoke.Out, StringComparison.Ordinal);

        var refused = await _person.RunAsync("whoami", "--token", secret);
        Assert.Equal("steady: the server refused the token from --token (The API token is unknown, revoked or expired); run 'steady login'", refused.SingleErrorLine(ExitCodes.Auth));
    }

    [Fact]
    public async Task JsonOutputIsTheServersJson()
    {
        await LoginAsync();

        var me = (await _person.RunAsync("whoami", "--json")).Succeeded();
        using (var json = JsonDocument.Parse(me.Out))
            Assert.Equal("admin@steady.local", json.RootElement.GetProperty("user").GetProperty("email").GetString());

        var team = (await _person.RunAsync("team", "create", "json-team", "--json")).Succeeded();
        using (var json = JsonDocument.Parse(team.Out))
            Assert.Equal("json-team", json.RootElement.GetProperty("name").GetString());

        (await _person.RunAsync("service", "create", "json-svc", "--team", "json-team", "--json")).Succeeded();
        var services = (await _person.RunAsync("service", "list", "--team", "json-team", "--json")).Succeeded();
        using (var json = JsonDocument.Parse(services.Out))
        {
            var only = Assert.Single(json.RootElement.EnumerateArray());
            Assert.Equal("json-svc", only.GetProperty("name").GetString());
            Assert.Equal("json-team", only.GetProperty("teamName").GetString());
        }

        var token = (await _person.RunAsync("token", "create", "json-token", "--json")).Succeeded();
        using (var json = JsonDocument.Parse(token.Out))
            Assert.StartsWith("stdy_", json.RootElement.GetProperty("secret").GetString(), StringComparison.Ordinal);
    }
}
