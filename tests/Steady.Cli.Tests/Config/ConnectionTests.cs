using Steady.Cli.Config;

namespace Steady.Cli.Tests.Config;

public sealed class ConnectionTests
{
    private const string Path = "/home/a/.config/steady/config.json";
    private static readonly StoredConfig Stored = new("http://stored:8080", "stdy_stored");

    private static Dictionary<string, string?> Env(string? server = null, string? token = null) =>
        new() { ["STEADY_SERVER"] = server, ["STEADY_TOKEN"] = token };

    [Fact]
    public void FlagsWinOverTheEnvironmentAndTheConfigFile()
    {
        var connection = Connection.Resolve("http://flag:1", "stdy_flag", Env("http://env:2", "stdy_env"), Stored, Path);

        Assert.Equal(new Connection("http://flag:1", "--server", "stdy_flag", "--token"), connection);
    }

    [Fact]
    public void TheEnvironmentWinsOverTheConfigFile()
    {
        var connection = Connection.Resolve(null, null, Env("http://env:2", "stdy_env"), Stored, Path);

        Assert.Equal(new Connection("http://env:2", "STEADY_SERVER", "stdy_env", "STEADY_TOKEN"), connection);
    }

    [Fact]
    public void TheConfigFileIsUsedWhenNothingElseIsGiven()
    {
        var connection = Connection.Resolve(null, null, Env(), Stored, Path);

        Assert.Equal(new Connection("http://stored:8080", Path, "stdy_stored", Path), connection);
    }

    [Fact]
    public void WithNothingConfiguredTheLocalDefaultServerIsUsedWithoutAToken()
    {
        var connection = Connection.Resolve(null, null, Env(), StoredConfig.Empty, Path);

        Assert.Equal("http://127.0.0.1:8080", connection.Server);
        Assert.Null(connection.Token);
    }

    [Fact]
    public void EmptyFlagsAndVariablesCountAsNotGiven()
    {
        var connection = Connection.Resolve(" ", "", Env("", " "), Stored, Path);

        Assert.Equal("http://stored:8080", connection.Server);
        Assert.Equal("stdy_stored", connection.Token);
    }

    [Fact]
    public void TheSavedTokenIsNeverSentToAnotherServer()
    {
        var connection = Connection.Resolve("http://elsewhere:8080", null, Env(), Stored, Path);

        Assert.Equal("http://elsewhere:8080", connection.Server);
        Assert.Null(connection.Token);
    }

    [Fact]
    public void TheSavedTokenGoesWithTheSavedServerHoweverItIsSpelled()
    {
        var connection = Connection.Resolve("HTTP://Stored:8080/", null, Env(), Stored, Path);

        Assert.Equal("stdy_stored", connection.Token);
    }

    [Fact]
    public void ATrailingSlashIsDroppedFromTheServer()
    {
        Assert.Equal("https://steady.example/sub", Connection.NormalizeServer("https://steady.example/sub/", "--server"));
    }

    [Theory]
    [InlineData("127.0.0.1:8080")]
    [InlineData("ftp://steady.example")]
    [InlineData("steady.example")]
    public void AServerThatIsNotAnHttpUrlIsAUsageError(string server)
    {
        var error = Assert.Throws<CliException>(() => Connection.Resolve(server, null, Env(), StoredConfig.Empty, Path));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains($"'{server}' (from --server) is not an http:// or https:// URL", error.Message, StringComparison.Ordinal);
    }
}
