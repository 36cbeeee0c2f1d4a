using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Steady.Server.Tests;

public sealed class ServicesTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly SteadyHost _host = fixture.Host;
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task AServiceIsCreatedFoundByNameChangedAndDeleted()
    {
        var admin = _host.Admin();
        var team = await TeamAsync("Checkout");
        var created = await admin.PostAsJsonAsync("/api/v1/services", new { name = "checkout-api", teamId = team, description = "Takes the money", runbookUrl = "https://runbooks.example.com/checkout" }, _ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.NotNull(created.Headers.Location);

        var found = await admin.GetFromJsonAsync<JsonElement>("/api/v1/services/Checkout-API", _ct);
        Assert.Equal("Checkout", found.GetProperty("teamName").GetString());
        Assert.Equal("https://runbooks.example.com/checkout", found.GetProperty("runbookUrl").GetString());

        var changed = await admin.PatchAsJsonAsync("/api/v1/services/checkout-api", new { name = "checkout", runbookUrl = "" }, _ct);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var body = await changed.Content.ReadFromJsonAsync<JsonElement>(_ct);
        Assert.Equal("checkout", body.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("runbookUrl").ValueKind);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/v1/services/checkout", _ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/services/checkout", _ct)).StatusCode);
    }

    [Fact]
    public async Task ARunbookLinkMustBeAnHttpUrl()
    {
        var response = await _host.Admin().PostAsJsonAsync("/api/v1/services", new { name = "bad-runbook", teamId = await TeamAsync("Runbooks"), runbookUrl = "javascript:alert(1)" }, _ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("runbookUrl", await response.Content.ReadAsStringAsync(_ct));
    }

    [Fact]
    public async Task IntegrationKeysAreCreatedListedAndRevoked()
    {
        var admin = _host.Admin();
        (await admin.PostAsJsonAsync("/api/v1/services", new { name = "keyed", teamId = await TeamAsync("Keys") }, _ct)).EnsureSuccessStatusCode();
        var key = await (await admin.PostAsJsonAsync("/api/v1/services/keyed/integration-keys", new { name = "alertmanager" }, _ct)).Content.ReadFromJsonAsync<JsonElement>(_ct);
        var secret = key.GetProperty("key").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", secret);
        var other = await (await admin.PostAsync("/api/v1/services/keyed/integration-keys", JsonContent.Create(new { }), _ct)).Content.ReadFromJsonAsync<JsonElement>(_ct);
        Assert.Equal("default", other.GetProperty("name").GetString());

        var listed = await admin.GetFromJsonAsync<JsonElement>("/api/v1/services/keyed/integration-keys", _ct);
        Assert.Equal(2, listed.GetArrayLength());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/services/keyed/integration-keys/{key.GetProperty("id").GetGuid()}", _ct)).StatusCode);
        var active = await admin.GetFromJsonAsync<JsonElement>("/api/v1/services/keyed/integration-keys", _ct);
        Assert.Equal(1, active.GetArrayLength());
        var all = await admin.GetFromJsonAsync<JsonElement>("/api/v1/services/keyed/integration-keys?includeRevoked=true", _ct);
        Assert.Contains(all.EnumerateArray(), k => k.GetProperty("key").GetString() == secret && k.GetProperty("revokedAt").ValueKind == JsonValueKind.String);
    }

    [Fact]
    public async Task ServiceListsPageWithACursorAndFilterByTeam()
    {
        var admin = _host.Admin();
        var team = await TeamAsync("Many");
        for (var i = 0; i < 5; i++)
            (await admin.PostAsJsonAsync("/api/v1/services", new { name = $"many-{i}", teamId = team }, _ct)).EnsureSuccessStatusCode();
        var names = new List<string>();
        string? cursor = null;
        do
        {
            var page = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/services?team=Many&limit=2{(cursor is null ? "" : "&cursor=" + cursor)}", _ct);
            names.AddRange(page.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("name").GetString()!));
            cursor = page.GetProperty("next").GetString();
        }
        while (cursor is not null);
        // Every service exactly once across the pages (ids of one millisecond are ordered, but not by creation).
        Assert.Equal(["many-0", "many-1", "many-2", "many-3", "many-4"], names.Order());
    }

    [Fact]
    public async Task TheServiceListShowsTheSameSettingsAsTheSingleService()
    {
        var admin = _host.Admin();
        var team = await TeamAsync("Listed");
        var person = "Listed Person " + Guid.NewGuid().ToString("N")[..6];
        await _host.CreateUserAsync(person);
        var policy = await admin.PostAsJsonAsync("/api/v1/escalation-policies", new { name = "listed-policy", team = team.ToString(), escalation_chain = new[] { new { notify = person } } }, _ct);
        Assert.Equal(HttpStatusCode.Created, policy.StatusCode);
        (await admin.PostAsJsonAsync("/api/v1/services", new { name = "listed", teamId = team }, _ct)).EnsureSuccessStatusCode();
        (await admin.PatchAsJsonAsync("/api/v1/services/listed", new
        {
            escalationPolicy = "listed-policy",
            urgency = "low",
            businessHours = new { timeZone = "Europe/Berlin", days = new[] { "monday", "tuesday" }, start = "09:00", end = "17:00" },
            ackTimeoutSeconds = 600,
            groupBy = new[] { "alertname" },
            stabilizationChecklist = new[] { "Pause deploys" },
        }, _ct)).EnsureSuccessStatusCode();

        var single = await admin.GetFromJsonAsync<JsonElement>("/api/v1/services/listed", _ct);
        var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/services?team=Listed", _ct);
        var listed = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(JsonValueKind.String, listed.GetProperty("escalationPolicyId").ValueKind);
        Assert.Equal("low", listed.GetProperty("paging").GetProperty("urgency").GetString());
        Assert.Equal(single.GetRawText(), listed.GetRawText());
    }

    private async Task<Guid> TeamAsync(string name)
    {
        var response = await _host.Admin().PostAsJsonAsync("/api/v1/teams", new { name }, _ct);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("id").GetGuid();
    }
}
