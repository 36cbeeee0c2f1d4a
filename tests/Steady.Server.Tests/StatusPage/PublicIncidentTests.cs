using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steady.Server.Tests.Incidents;
using static Steady.Server.Tests.StatusPage.StatusPageTests;

namespace Steady.Server.Tests.StatusPage;

/// <summary>Public incidents, standalone or tied to a Steady incident, and their updates with status, body and component states.</summary>
public sealed class PublicIncidentTests
{
    private const string Password = "correct horse battery staple";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task AStandaloneIncidentsUpdatesSetComponentStatesAndItsImpactUntilResolved()
    {
        await using var host = await SteadyHost.StartAsync();
        var admin = host.Admin();
        await PageWithComponentsAsync(admin);
        var opened = await CreatedAsync(admin, "/api/v1/status-pages/acme/incidents", new
        {
            title = "Payments provider outage",
            status = "investigating",
            body = "Card payments fail for some customers. We are investigating.",
            components = new Dictionary<string, string> { ["Checkout"] = "partial_outage" },
        });
        var id = opened.GetProperty("id").GetGuid();
        Assert.Equal("major", opened.GetProperty("impact").GetString());
        Assert.Equal(JsonValueKind.Null, opened.GetProperty("incident").ValueKind);
        host.Clock.Advance(TimeSpan.FromMinutes(15));
        var identified = await CreatedAsync(admin, $"/api/v1/status-pages/acme/incidents/{id}/updates", new { status = "identified", body = "The provider is down; all card payments fail.", components = new Dictionary<string, string> { ["Checkout"] = "major_outage", ["Catalog"] = "degraded_performance" } });
        Assert.Equal("critical", identified.GetProperty("impact").GetString());
        host.Clock.Advance(TimeSpan.FromMinutes(30));
        await CreatedAsync(admin, $"/api/v1/status-pages/acme/incidents/{id}/updates", new { status = "monitoring", body = "Payments work again; we are watching." , components = new Dictionary<string, string> { ["Checkout"] = "operational", ["Catalog"] = "operational" } });
        host.Clock.Advance(TimeSpan.FromMinutes(30));
        var resolved = await CreatedAsync(admin, $"/api/v1/status-pages/acme/incidents/{id}/updates", new { status = "resolved", body = "Resolved." });

        Assert.Equal("resolved", resolved.GetProperty("status").GetString());
        Assert.Equal("critical", resolved.GetProperty("impact").GetString());
        Assert.Equal(host.Clock.GetUtcNow(), resolved.GetProperty("resolvedAt").GetDateTimeOffset());
        var updates = resolved.GetProperty("updates").EnumerateArray().ToList();
        Assert.Equal(["resolved", "monitoring", "identified", "investigating"], updates.Select(u => u.GetProperty("status").GetString()!).ToArray());
        var checkout = updates[2].GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "Checkout");
        Assert.Equal("partial_outage", checkout.GetProperty("oldState").GetString());
        Assert.Equal("major_outage", checkout.GetProperty("newState").GetString());

        var history = await admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/acme/components/Checkout/history", _ct);
        Assert.Equal(["operational", "major_outage", "partial_outage", "operational"], history.EnumerateArray().Select(i => i.GetProperty("state").GetString()!).ToArray());
        Assert.Equal(TimeSpan.FromMinutes(30), history[1].GetProperty("endedAt").GetDateTimeOffset() - history[1].GetProperty("startedAt").GetDateTimeOffset());
        var listed = await admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/acme/incidents", _ct);
        Assert.Equal(1, listed.GetArrayLength());
    }

    [Fact]
    public async Task BadUpdatesAreRefusedWholeAndNothingIsWritten()
    {
        await using var host = await SteadyHost.StartAsync();
        var admin = host.Admin();
        await PageWithComponentsAsync(admin);
        await ProblemAsync(admin.PostAsJsonAsync("/api/v1/status-pages/acme/incidents", new { title = "x", status = "panicking", components = new Dictionary<string, string> { ["Checkout"] = "major_outage", ["Nowhere"] = "major_outage", ["Catalog"] = "on_fire" } }, _ct),
            HttpStatusCode.BadRequest, "investigating, identified", "'body' is required", "no component 'Nowhere'", "The state of 'Catalog'");
        await ProblemAsync(admin.PostAsJsonAsync("/api/v1/status-pages/acme/incidents", new { status = "investigating", body = "hm" }, _ct), HttpStatusCode.BadRequest, "title");
        await ProblemAsync(admin.PostAsJsonAsync("/api/v1/status-pages/acme/incidents", new { title = "x", status = "investigating", body = "hm", incident = 4711 }, _ct), HttpStatusCode.BadRequest, "#4711");
        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/acme/incidents", _ct)).GetArrayLength());

        var opened = await CreatedAsync(admin, "/api/v1/status-pages/acme/incidents", new { title = "Slow search", status = "investigating", body = "Search is slow." });
        var id = opened.GetProperty("id").GetGuid();
        await ProblemAsync(admin.PostAsJsonAsync($"/api/v1/status-pages/acme/incidents/{id}/updates", new { status = "identified", body = " ", components = new Dictionary<string, string> { ["Checkout"] = "major_outage" } }, _ct), HttpStatusCode.BadRequest, "body");
        await ProblemAsync(admin.PostAsJsonAsync($"/api/v1/status-pages/acme/incidents/{Guid.NewGuid()}/updates", new { status = "identified", body = "b" }, _ct), HttpStatusCode.NotFound, "public incident");
        var (_, viewer) = await host.CreateUserAsync("Vic");
        await ProblemAsync(host.As(viewer).PostAsJsonAsync($"/api/v1/status-pages/acme/incidents/{id}/updates", new { status = "identified", body = "b" }, _ct), HttpStatusCode.Forbidden, "responders");

        var after = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/status-pages/acme/incidents/{id}", _ct);
        Assert.Equal(1, after.GetProperty("updates").GetArrayLength());
        Assert.Equal("investigating", after.GetProperty("status").GetString());
        var components = await admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/acme/components", _ct);
        Assert.All(components.EnumerateArray(), c => Assert.Equal("operational", c.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task APublicIncidentUpdateIsPostedToTheDefaultPageAllOrNothing()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var admin = world.Admin;
        var incident = await world.DeclareAsync(new { title = "Checkout errors", severity = "SEV1", services = new[] { world.Alerts.Service } }, who: "Ana");
        var number = incident.GetProperty("number").GetInt32();
        var ana = world.As("Ana");

        // Before there is a status page, a public update is the incident's alone, as it always was.
        Assert.Equal(HttpStatusCode.Created, (await ana.PostAsJsonAsync($"/api/v1/incidents/{number}/updates", new { known = "Errors", doing = "Looking", visibility = "public" }, _ct)).StatusCode);
        await PageWithComponentsAsync(admin, world.Alerts.Service);

        var first = await ana.PostAsJsonAsync($"/api/v1/incidents/{number}/updates", new { known = "Checkout fails for some customers.", doing = "We are investigating.", visibility = "public", components = new Dictionary<string, string> { ["Checkout"] = "partial_outage" } }, _ct);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        await ProblemAsync(ana.PostAsJsonAsync($"/api/v1/incidents/{number}/updates", new { known = "More", doing = "Still", visibility = "public", publicStatus = "fixed", components = new Dictionary<string, string> { ["Checkout"] = "major_outage" } }, _ct), HttpStatusCode.BadRequest, "investigating, identified");
        (await ana.PostAsJsonAsync($"/api/v1/incidents/{number}/updates", new { known = "Internal only", doing = "Digging", visibility = "internal" }, _ct)).EnsureSuccessStatusCode();
        world.Host.Clock.Advance(TimeSpan.FromMinutes(10));
        var second = await ana.PostAsJsonAsync($"/api/v1/incidents/{number}/updates", new { known = "A bad deploy.", doing = "Rolling back.", visibility = "public", publicStatus = "identified", publicBody = "We found the cause and are rolling back.", components = new Dictionary<string, string> { ["Checkout"] = "major_outage" } }, _ct);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);

        var listed = await admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/default/incidents", _ct);
        var published = Assert.Single(listed.EnumerateArray());
        Assert.Equal(number, published.GetProperty("incident").GetInt32());
        Assert.Equal("Checkout errors", published.GetProperty("title").GetString());
        Assert.Equal("identified", published.GetProperty("status").GetString());
        Assert.Equal("critical", published.GetProperty("impact").GetString());
        var updates = published.GetProperty("updates").EnumerateArray().ToList();
        Assert.Equal(["We found the cause and are rolling back.", "Checkout fails for some customers.\n\nWe are investigating."], updates.Select(u => u.GetProperty("body").GetString()!).ToArray());
        Assert.Equal("investigating", updates[1].GetProperty("status").GetString());
        // The refused update wrote nothing on either side: four incident updates (three public, one internal).
        Assert.Equal(4, (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{number}/updates", _ct)).GetArrayLength());
        Assert.Equal(3, (await admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/default/components/Checkout/history", _ct)).GetArrayLength());
    }

    [Fact]
    public async Task TheIncidentPageOffersThePublicUpdateWithAPreviewAndPostsIt()
    {
        await using var world = await IncidentWorld.CreateAsync();
        await PageWithComponentsAsync(world.Admin, world.Alerts.Service);
        var incident = await world.DeclareAsync(new { title = "Checkout errors", severity = "SEV2", services = new[] { world.Alerts.Service } }, who: "Ana");
        var number = incident.GetProperty("number").GetInt32();
        (await world.Admin.PutAsJsonAsync($"/api/v1/users/{world.People["Ana"].Id}/password", new { newPassword = Password }, _ct)).EnsureSuccessStatusCode();
        var email = (await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{world.People["Ana"].Id}", _ct)).GetProperty("email").GetString()!;
        var browser = new ConsoleClient(world.Host);
        await browser.SignInAsync(email, Password);

        var page = await browser.GetPageAsync($"/incidents/{number}");
        Assert.Contains("data-testid=\"public-update-form\"", page, StringComparison.Ordinal);
        Assert.Contains($"linked to {world.Alerts.Service}, a service of this incident", page, StringComparison.Ordinal);
        var checkoutId = (await world.Admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/acme/components", _ct)).EnumerateArray().Single(c => c.GetProperty("name").GetString() == "Checkout").GetProperty("id").GetGuid();
        (string, string)[] fields = [("publicStatus", "investigating"), ("publicTitle", "Checkout trouble"), ("known", "Some payments fail."), ("doing", "We are investigating."), ("publicBody", ""), ($"components[{checkoutId}]", "partial_outage"), ($"components[{Guid.Empty}]", "")]; // an untouched select sends ""

        var preview = await browser.PostFormAsync($"/incidents/{number}", $"/incidents/{number}/public-update", [.. fields, ("preview", "true")]);
        var previewPage = await preview.Content.ReadAsStringAsync(_ct);
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Contains("data-testid=\"preview\"", previewPage, StringComparison.Ordinal);
        Assert.Contains("Checkout: Partial outage", previewPage, StringComparison.Ordinal);
        Assert.Equal(0, (await world.Admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/acme/incidents", _ct)).GetArrayLength());

        var posted = await browser.PostFormAsync($"/incidents/{number}", $"/incidents/{number}/public-update", fields);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal($"/incidents/{number}", posted.Headers.Location!.OriginalString);
        var published = Assert.Single((await world.Admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/acme/incidents", _ct)).EnumerateArray());
        Assert.Equal("Checkout trouble", published.GetProperty("title").GetString());
        Assert.Equal("partial_outage", published.GetProperty("updates")[0].GetProperty("components")[0].GetProperty("newState").GetString());

        var refused = await browser.PostFormAsync($"/incidents/{number}", $"/incidents/{number}/public-update", ("publicStatus", "identified"), ("known", ""), ("doing", "x"));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("&#x27;known&#x27; is required", await refused.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
    }

    internal static async Task PageWithComponentsAsync(HttpClient admin, string? service = null)
    {
        await CreatedAsync(admin, "/api/v1/status-pages", new { name = "Acme status", slug = "acme", timeZone = "Europe/Berlin" });
        await CreatedAsync(admin, "/api/v1/status-pages/acme/groups", new { name = "Shop" });
        await CreatedAsync(admin, "/api/v1/status-pages/acme/components", new { name = "Checkout", group = "Shop", service });
        await CreatedAsync(admin, "/api/v1/status-pages/acme/components", new { name = "Catalog", group = "Shop" });
        await CreatedAsync(admin, "/api/v1/status-pages/acme/components", new { name = "API" });
    }
}
