using System.Net;
using System.Net.Sockets;
using Steady.Cli.Config;

namespace Steady.Cli.Tests;

/// <summary>The command line itself, and what happens before or without a server.</summary>
public sealed class CliTests : IDisposable
{
    private readonly Person _person = new();

    public void Dispose() => _person.Dispose();

    [Fact]
    public async Task HelpDescribesTheCommandsAndTheExitCodes()
    {
        var result = await _person.RunAsync("--help");

        result.Succeeded();
        Assert.Contains("Exit codes: 0 done; 1 the request failed", result.Out, StringComparison.Ordinal);
        foreach (var command in new[] { "login", "logout", "whoami", "team", "service", "token" })
            Assert.Contains($"  {command} ", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownCommandIsAUsageErrorOnOneLine()
    {
        var result = await _person.RunAsync("servce", "list");

        var line = result.SingleErrorLine(ExitCodes.Usage);
        Assert.Equal("steady: Unrecognized command or argument 'servce'. See 'steady --help'.", line);
    }

    [Fact]
    public async Task AMissingRequiredOptionIsAUsageErrorPointingAtTheCommandsHelp()
    {
        var result = await _person.RunAsync("service", "create", "api");

        var line = result.SingleErrorLine(ExitCodes.Usage);
        Assert.Equal("steady: Option '--team' is required. See 'steady service create --help'.", line);
    }

    [Fact]
    public async Task AGroupWithoutASubcommandShowsWhatItCanDo()
    {
        var result = await _person.RunAsync("service", "key");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("steady service key [command] [options]", result.Out, StringComparison.Ordinal);
        Assert.Contains("revoke <SERVICE> <KEY>", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GlobalOptionsWorkAfterTheCommand()
    {
        var result = await _person.RunAsync("team", "list", "--server", "not a url");

        Assert.Equal("steady: the server 'not a url' (from --server) is not an http:// or https:// URL, e.g. http://127.0.0.1:8080", result.SingleErrorLine(ExitCodes.Usage));
    }

    [Fact]
    public async Task WithoutATokenACommandSaysToLogIn()
    {
        var result = await _person.RunAsync("team", "list");

        Assert.Equal("steady: no API token for http://127.0.0.1:8080: run 'steady login', or set STEADY_TOKEN", result.SingleErrorLine(ExitCodes.Auth));
    }

    [Fact]
    public async Task WithATokenSavedForAnotherServerTheCommandSaysWhichServerItIsFor()
    {
        ConfigFile.Save(_person.ConfigPath, new StoredConfig("http://steady.example:8080", "stdy_saved"));

        var result = await _person.RunAsync("team", "list", "--server", "http://127.0.0.1:1");

        Assert.Equal(
            "steady: no API token for http://127.0.0.1:1 (the saved token is for http://steady.example:8080): run 'steady login --server http://127.0.0.1:1', or set STEADY_TOKEN",
            result.SingleErrorLine(ExitCodes.Auth));
    }

    [Fact]
    public async Task AServerThatIsNotListeningIsOneLineSayingSo()
    {
        var server = $"http://127.0.0.1:{ClosedPort()}";

        var result = await _person.RunAsync("whoami", "--server", server, "--token", "stdy_whatever");

        Assert.Equal($"steady: cannot reach {server}: connection refused", result.SingleErrorLine(ExitCodes.Error));
    }

    [Fact]
    public async Task TheEnvironmentIsReadForServerAndToken()
    {
        var server = $"http://127.0.0.1:{ClosedPort()}";
        _person.Environment["STEADY_SERVER"] = server;
        _person.Environment["STEADY_TOKEN"] = "stdy_from_env";

        var result = await _person.RunAsync("team", "list");

        Assert.Equal($"steady: cannot reach {server}: connection refused", result.SingleErrorLine(ExitCodes.Error));
    }

    [Fact]
    public async Task LoginWithNothingTypedSavesNothing()
    {
        _person.Types = "";

        var result = await _person.RunAsync("login", "--server", "http://127.0.0.1:1");

        Assert.StartsWith("steady: no token given", result.SingleErrorLine(ExitCodes.Auth), StringComparison.Ordinal);
        Assert.Equal(["API token for http://127.0.0.1:1: "], _person.Prompts);
        Assert.False(File.Exists(_person.ConfigPath));
    }

    [Fact]
    public async Task LogoutForgetsTheTokenButRemembersTheServer()
    {
        ConfigFile.Save(_person.ConfigPath, new StoredConfig("http://steady.example:8080", "stdy_saved"));

        var result = await _person.RunAsync("logout");

        result.Succeeded();
        Assert.Equal($"Logged out of http://steady.example:8080: removed the token from {_person.ConfigPath}.\n", result.Out);
        Assert.Equal(new StoredConfig("http://steady.example:8080", null), ConfigFile.Load(_person.ConfigPath));
    }

    [Fact]
    public async Task LogoutWhenNotLoggedInSaysSoAndSucceeds()
    {
        var result = await _person.RunAsync("logout");

        result.Succeeded();
        Assert.StartsWith("Not logged in", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AConfigFileThatIsNotJsonIsOneLineNamingIt()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_person.ConfigPath)!);
        File.WriteAllText(_person.ConfigPath, "{ not json");

        var result = await _person.RunAsync("whoami");

        Assert.Equal($"steady: {_person.ConfigPath} is not valid JSON; fix it, or delete it and run 'steady login'", result.SingleErrorLine(ExitCodes.Error));
    }

    internal static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
