using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Steady.Cli.Tests.Integration;

public sealed class PagingTests(SteadyServer server) : IClassFixture<SteadyServer>, IDisposable
{
    private readonly Person _person = new();

    public void Dispose() => _person.Dispose();

    [Fact]
    public async Task ListsFollowTheServersPagesToTheEnd()
    {
        // More than one page of the server's default 100.
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SteadyServer.AdminToken);
        var cancellationToken = TestContext.Current.CancellationToken;
        for (var i = 0; i < 130; i++)
        {
            using var response = await http.PostAsJsonAsync("/api/v1/teams", new { name = $"team-{i:000}" }, cancellationToken);
            response.EnsureSuccessStatusCode();
        }
        _person.Environment["STEADY_SERVER"] = server.Url;
        _person.Environment["STEADY_TOKEN"] = SteadyServer.AdminToken;

        var table = (await _person.RunAsync("team", "list")).Succeeded();
        var json = (await _person.RunAsync("team", "list", "--json")).Succeeded();

        Assert.Equal(131, table.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("team-129", table.Out, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal(Enumerable.Range(0, 130).Select(i => $"team-{i:000}"), document.RootElement.EnumerateArray().Select(t => t.GetProperty("name").GetString()).Order());
    }
}
