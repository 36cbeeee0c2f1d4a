using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Steady.Server.Tests.StatusPage;

/// <summary>Pages, ordered groups of components linked to services, the five states, and each component's history as intervals.</summary>
public sealed class StatusPageTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheFirstPageIsTheDefaultAndAnotherCanTakeItsPlace()
    {
        await using var host = await SteadyHost.StartAsync();
        var admin = host.Admin();
        var first = await CreatedAsync(admin, "/api/v1/status-pages", new { name = "Acme status", slug = "acme", timeZone = "Europe/Berlin", homeUrl = "https://acme.example.com" });
        Assert.True(first.GetProperty("isDefault").GetBoolean());
        Assert.Equal("/status", first.GetProperty("path").GetString());
        var second = await CreatedAsync(admin, "/api/v1/status-pages", new { name = "Partners", slug = "partners" });
        Assert.False(second.GetProperty("isDefault").GetBoolean());
        Assert.Equal("/status/partners", second.GetProperty("path").GetString());
        Assert.Equal("UTC", second.GetProperty("timeZone").GetString());

        var changed = await admin.PatchAsJsonAsync("/api/v1/status-pages/partners", new { isDefault = true }, _ct);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var pages = await admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages", _ct);
        Assert.Equal(["partners", "acme"], pages.EnumerateArray().Select(p => p.GetProperty("slug").GetString()!).ToArray());
        Assert.Equal([true, false], pages.EnumerateArray().Select(p => p.GetProperty("isDefault").GetBoolean()).ToArray());
        Assert.Equal("partners", (await admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/default", _ct)).GetProperty("slug").GetString());
    }

    [Fact]
    public async Task ComponentsSitInOrderedGroupsLinkedToServices()
    {
        await using var host = await SteadyHost.StartAsync();
        var admin = host.Admin();
        await CreatedAsync(admin, "/api/v1/status-pages", new { name = "Acme", slug = "acme" });
        var team = await CreatedAsync(admin, "/api/v1/teams", new { name = "Payments" });
        await CreatedAsync(admin, "/api/v1/services", new { name = "checkout-api", teamId = team.GetProperty("id").GetGuid() });
        await CreatedAsync(admin, "/api/v1/status-pages/acme/groups", new { name = "Shop" });
        await CreatedAsync(admin, "/api/v1/status-pages/acme/groups", new { name = "API", position = 0 });
        var checkout = await CreatedAsync(admin, "/api/v1/status-pages/acme/components", new { name = "Checkout", group = "Shop", service = "checkout-api", description = "Paying for orders" });
        await CreatedAsync(admin, "/api/v1/status-pages/acme/components", new { name = "Catalog", group = "Shop", position = 0 });
        await CreatedAsync(admin, "/api/v1/status-pages/acme/components", new { name = "REST API", group = "API", state = "degraded_performance" });

        Assert.Equal("operational", checkout.GetProperty("state").GetString());
        Assert.NotEqual(JsonValueKind.Null, checkout.GetProperty("serviceId").ValueKind);
        var groups = await admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/acme/groups", _ct);
        Assert.Equal(["API", "Shop"], groups.EnumerateArray().Select(g => g.GetProperty("name").GetString()!).ToArray());
        var components = await admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/default/components", _ct);
        Assert.Equal(["Catalog", "Checkout", "REST API"], components.EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray());
        Assert.Equal("degraded_performance", components[2].GetProperty("state").GetString());
    }

    [Fact]
    public async Task AComponentsStatesAreKeptAsIntervals()
    {
        await using var host = await SteadyHost.StartAsync();
        var admin = host.Admin();
        await CreatedAsync(admin, "/api/v1/status-pages", new { name = "Acme", slug = "acme" });
        await CreatedAsync(admin, "/api/v1/status-pages/acme/components", new { name = "Checkout" });
        var start = host.Clock.GetUtcNow();
        host.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal("partial_outage", (await OkAsync(admin.PatchAsJsonAsync("/api/v1/status-pages/acme/components/Checkout", new { state = "partial_outage" }, _ct))).GetProperty("state").GetString());
        host.Clock.Advance(TimeSpan.FromMinutes(20));
        await OkAsync(admin.PatchAsJsonAsync("/api/v1/status-pages/acme/components/Checkout", new { state = "major_outage" }, _ct));
        host.Clock.Advance(TimeSpan.FromMinutes(5));
        await OkAsync(admin.PatchAsJsonAsync("/api/v1/status-pages/acme/components/Checkout", new { state = "major_outage" }, _ct)); // the same state: no new interval
        await OkAsync(admin.PatchAsJsonAsync("/api/v1/status-pages/acme/components/Checkout", new { state = "operational" }, _ct));

        var history = await admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/acme/components/Checkout/history", _ct);
        Assert.Equal(["operational", "major_outage", "partial_outage", "operational"], history.EnumerateArray().Select(i => i.GetProperty("state").GetString()!).ToArray());
        Assert.Equal(JsonValueKind.Null, history[0].GetProperty("endedAt").ValueKind);
        Assert.Equal(start.AddMinutes(35), history[1].GetProperty("endedAt").GetDateTimeOffset());
        Assert.Equal(start.AddMinutes(10), history[1].GetProperty("startedAt").GetDateTimeOffset() - TimeSpan.FromMinutes(20));
        Assert.Equal(start.AddMinutes(10), history[3].GetProperty("endedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task BadInputIsRefusedWithAProblemAndNothingWritten()
    {
        await using var host = await SteadyHost.StartAsync();
        var admin = host.Admin();
        await ProblemAsync(admin.PostAsJsonAsync("/api/v1/status-pages", new { name = "Bad", slug = "Not a slug!" }, _ct), HttpStatusCode.BadRequest, "slug");
        await ProblemAsync(admin.PostAsJsonAsync("/api/v1/status-pages", new { name = "Bad", slug = "bad", timeZone = "Mars/Olympus", logoUrl = "javascript:alert(1)" }, _ct), HttpStatusCode.BadRequest, "timeZone", "logoUrl");
        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages", _ct)).GetArrayLength());

        await CreatedAsync(admin, "/api/v1/status-pages", new { name = "Acme", slug = "acme" });
        await ProblemAsync(admin.PostAsJsonAsync("/api/v1/status-pages", new { name = "Again", slug = "acme" }, _ct), HttpStatusCode.Conflict, "already");
        await CreatedAsync(admin, "/api/v1/status-pages/acme/components", new { name = "Checkout" });
        await ProblemAsync(admin.PostAsJsonAsync("/api/v1/status-pages/acme/components", new { name = "Checkout" }, _ct), HttpStatusCode.Conflict, "already");
        await ProblemAsync(admin.PostAsJsonAsync("/api/v1/status-pages/acme/components", new { name = "Search", group = "Nowhere", service = "no-such-service", state = "sideways" }, _ct), HttpStatusCode.BadRequest, "group", "service", "state");
        await ProblemAsync(admin.PatchAsJsonAsync("/api/v1/status-pages/acme/components/Checkout", new { state = "on_fire" }, _ct), HttpStatusCode.BadRequest, "degraded_performance");
        await ProblemAsync(admin.PatchAsJsonAsync("/api/v1/status-pages/acme/components/Nope", new { state = "major_outage" }, _ct), HttpStatusCode.NotFound, "Nope");
        await ProblemAsync(admin.GetAsync("/api/v1/status-pages/nope/components", _ct), HttpStatusCode.NotFound, "nope");

        var components = await admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/acme/components", _ct);
        Assert.Equal(1, components.GetArrayLength());
        Assert.Equal("operational", components[0].GetProperty("state").GetString());
        Assert.Equal(1, (await admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/acme/components/Checkout/history", _ct)).GetArrayLength());
    }

    [Fact]
    public async Task OnlyAdministratorsShapeAPageAndViewersSetNoState()
    {
        await using var host = await SteadyHost.StartAsync();
        var admin = host.Admin();
        await CreatedAsync(admin, "/api/v1/status-pages", new { name = "Acme", slug = "acme" });
        await CreatedAsync(admin, "/api/v1/status-pages/acme/components", new { name = "Checkout" });
        var team = await CreatedAsync(admin, "/api/v1/teams", new { name = "Ops" });
        var (responderId, responderToken) = await host.CreateUserAsync("Rita");
        (await admin.PutAsJsonAsync($"/api/v1/teams/{team.GetProperty("id").GetGuid()}/members/{responderId}", new { role = "responder" }, _ct)).EnsureSuccessStatusCode();
        var (_, viewerToken) = await host.CreateUserAsync("Vic");

        await ProblemAsync(host.As(responderToken).PostAsJsonAsync("/api/v1/status-pages/acme/components", new { name = "Search" }, _ct), HttpStatusCode.Forbidden, "administrators");
        await ProblemAsync(host.As(viewerToken).PatchAsJsonAsync("/api/v1/status-pages/acme/components/Checkout", new { state = "major_outage" }, _ct), HttpStatusCode.Forbidden, "responders");
        Assert.Equal("major_outage", (await OkAsync(host.As(responderToken).PatchAsJsonAsync("/api/v1/status-pages/acme/components/Checkout", new { state = "major_outage" }, _ct))).GetProperty("state").GetString());
        await ProblemAsync(host.As(responderToken).PatchAsJsonAsync("/api/v1/status-pages/acme/components/Checkout", new { state = "operational", description = "renamed" }, _ct), HttpStatusCode.Forbidden, "administrators");
    }

    [Fact]
    public async Task PagesGroupsAndComponentsAreDeletedWithWhatHangsOnThem()
    {
        await using var host = await SteadyHost.StartAsync();
        var admin = host.Admin();
        await CreatedAsync(admin, "/api/v1/status-pages", new { name = "Acme", slug = "acme" });
        await CreatedAsync(admin, "/api/v1/status-pages", new { name = "Partners", slug = "partners" });
        await CreatedAsync(admin, "/api/v1/status-pages/acme/groups", new { name = "Shop" });
        await CreatedAsync(admin, "/api/v1/status-pages/acme/components", new { name = "Checkout", group = "Shop" });
        await CreatedAsync(admin, "/api/v1/status-pages/acme/components", new { name = "Search", group = "Shop" });
        await CreatedAsync(admin, "/api/v1/status-pages/acme/incidents", new { title = "Slow", status = "investigating", body = "Slow.", components = new Dictionary<string, string> { ["Search"] = "degraded_performance" } });
        await CreatedAsync(admin, "/api/v1/status-pages/acme/subscribers", new { kind = "webhook", address = "http://127.0.0.1:9/hook" });
        var (_, viewer) = await host.CreateUserAsync("Vic");
        await ProblemAsync(host.As(viewer).DeleteAsync("/api/v1/status-pages/acme/components/Search", TestContext.Current.CancellationToken), HttpStatusCode.Forbidden, "administrators");

        await OkAsync(admin.DeleteAsync("/api/v1/status-pages/acme/groups/Shop", _ct));
        var components = await admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/acme/components", _ct);
        Assert.All(components.EnumerateArray(), c => Assert.Equal(JsonValueKind.Null, c.GetProperty("groupId").ValueKind));
        await OkAsync(admin.DeleteAsync("/api/v1/status-pages/acme/components/Search", _ct));
        Assert.Equal(["Checkout"], (await admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/acme/components", _ct)).EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray());
        Assert.Empty((await admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/acme/incidents", _ct))[0].GetProperty("updates")[0].GetProperty("components").EnumerateArray());
        await ProblemAsync(admin.DeleteAsync("/api/v1/status-pages/acme/components/Search", _ct), HttpStatusCode.NotFound, "Search");

        // The default page goes, and the other becomes the default.
        await OkAsync(admin.DeleteAsync("/api/v1/status-pages/acme", _ct));
        var pages = await admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages", _ct);
        var left = Assert.Single(pages.EnumerateArray());
        Assert.Equal("partners", left.GetProperty("slug").GetString());
        Assert.True(left.GetProperty("isDefault").GetBoolean());
        Assert.Contains("Partners", await host.Anonymous().GetStringAsync("/status", _ct), StringComparison.Ordinal);
        await ProblemAsync(admin.PostAsJsonAsync("/api/v1/status-pages", new { name = "Reserved", slug = "subscribe" }, _ct), HttpStatusCode.BadRequest, "slug");
    }

    internal static async Task<JsonElement> CreatedAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    internal static async Task<JsonElement> OkAsync(Task<HttpResponseMessage> request)
    {
        var response = await request;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    internal static async Task ProblemAsync(Task<HttpResponseMessage> request, HttpStatusCode status, params string[] mentions)
    {
        var response = await request;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        foreach (var mention in mentions)
            Assert.Contains(mention, text, StringComparison.Ordinal);
    }
}
