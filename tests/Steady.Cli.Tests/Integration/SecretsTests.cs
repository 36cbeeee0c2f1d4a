using System.Text.Json;
using System.Text.RegularExpressions;

namespace Steady.Cli.Tests.Integration;

/// <summary>`steady secrets status | rotate`: an administrator sees which keys protect the stored secrets and rotates the data key.</summary>
public sealed partial class SecretsTests(SteadyServer server) : IClassFixture<SteadyServer>, IDisposable
{
    private readonly Person _person = new();

    public void Dispose() => _person.Dispose();

    [Fact]
    public async Task AnAdministratorRotatesTheDataKeyAndTheStatusShowsTheNewOneInUseAndTheOldOneRetired()
    {
        (await _person.RunAsync("login", "--server", server.Url, "--token", SteadyServer.AdminToken)).Succeeded();
        var before = (await _person.RunAsync("secrets", "status", "--json")).Succeeded();
        var first = JsonDocument.Parse(before.Out).RootElement.GetProperty("dataKeyId").GetString()!;

        var rotate = (await _person.RunAsync("secrets", "rotate")).Succeeded();
        var match = Rotated().Match(rotate.Out);
        Assert.True(match.Success, rotate.Out);
        var second = match.Groups["key"].Value;
        Assert.NotEqual(first, second);
        Assert.Contains($"Retired data key(s): {first}.", rotate.Out, StringComparison.Ordinal);

        var status = (await _person.RunAsync("secrets", "status")).Succeeded();
        Assert.Matches($@"{second}\s+\S.*in use", status.Out);
        Assert.DoesNotMatch($@"{first}\s+\S.*in use", status.Out);
    }

    [GeneratedRegex(@"^Encrypted \d+ stored secret\(s\) again under data key (?<key>[0-9a-f]{16}) \(master key [0-9a-f]{16}\)\.$", RegexOptions.Multiline)]
    private static partial Regex Rotated();
}
