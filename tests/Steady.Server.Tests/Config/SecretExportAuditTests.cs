using System.Text.Json;
using System.Net.Http.Json;

namespace Steady.Server.Tests.Config;

/// <summary>An export with secrets is written in the audit log (who and when, never the values); one without is not.</summary>
public sealed class SecretExportAuditTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly SteadyHost _host = fixture.Host;
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task ExportingWithSecretsLeavesAnAuditEntryNamingWhoDidIt()
    {
        var (userId, token) = await _host.CreateUserAsync("Exporter");
        (await _host.As(token).GetAsync("/api/v1/config/export", _ct)).EnsureSuccessStatusCode();
        Assert.Empty(await ExportsByAsync(userId));

        (await _host.As(token).GetAsync("/api/v1/config/export?includeSecrets=true", _ct)).EnsureSuccessStatusCode();
        var entry = Assert.Single(await ExportsByAsync(userId));
        Assert.Equal("Exporter", entry.GetProperty("actorName").GetString());
        Assert.Equal("config", entry.GetProperty("entityType").GetString());
    }

    private async Task<List<JsonElement>> ExportsByAsync(Guid userId)
    {
        var page = await _host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/audit?actorId={userId}&limit=500", _ct);
        return page.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("action").GetString() == "secrets_exported").ToList();
    }
}
