using System.Net.Http.Json;
using System.Text.Json;

namespace Steady.Server.Tests;

/// <summary>Says plainly, in every plain `dotnet test`, whether this run covered PostgreSQL.</summary>
public sealed class PostgresSuiteTests
{
    [Fact]
    public async Task TheSuiteRunsAgainstPostgreSqlWhenAskedTo()
    {
        Assert.SkipUnless(TestDatabase.UsePostgres,
            "PostgreSQL suite not run: this run used SQLite. scripts/test runs the whole suite again with STEADY_TEST_DATABASE=postgres and STEADY_TEST_POSTGRES=<admin connection string> on a throwaway server.");
        await using var host = await SteadyHost.StartAsync();
        var ready = await host.Anonymous().GetFromJsonAsync<JsonElement>("/readyz", TestContext.Current.CancellationToken);
        Assert.Equal("postgres", ready.GetProperty("database").GetString());
    }
}
