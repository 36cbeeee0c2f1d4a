using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using static Steady.Server.Tests.StatusPage.StatusPageTests;

namespace Steady.Server.Tests.StatusPage;

/// <summary>The public page: current state, incidents with updates, 90 daily bars with uptime, history by month; cached per change, with ETag and 304.</summary>
public sealed partial class PublicPageTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThePageShowsStatesIncidentsDailyBarsUptimeAndHistoryWithoutScripts()
    {
        await using var host = await SteadyHost.StartAsync();
        var admin = host.Admin();
        await CreatedAsync(admin, "/api/v1/status-pages", new { name = "Acme status", slug = "acme", timeZone = "UTC", description = "Shop and API" });
        await CreatedAsync(admin, "/api/v1/status-pages/acme/groups", new { name = "Shop" });
        await CreatedAsync(admin, "/api/v1/status-pages/acme/components", new { name = "Checkout", group = "Shop", description = "Paying for orders" });
        await CreatedAsync(admin, "/api/v1/status-pages/acme/components", new { name = "API" });
        var start = host.Clock.GetUtcNow(); // 24 Nov 2026 09:00 UTC

        host.Clock.Advance(TimeSpan.FromDays(1)); // 25 Nov 09:00
        var id = (await CreatedAsync(admin, "/api/v1/status-pages/acme/incidents", new { title = "Card payments failing", status = "investigating", body = "Card payments fail.", components = new Dictionary<string, string> { ["Checkout"] = "major_outage" } })).GetProperty("id").GetGuid();
        host.Clock.Advance(TimeSpan.FromMinutes(60));
        await CreatedAsync(admin, $"/api/v1/status-pages/acme/incidents/{id}/updates", new { status = "identified", body = "Some card payments fail.", components = new Dictionary<string, string> { ["Checkout"] = "partial_outage" } });
        host.Clock.Advance(TimeSpan.FromMinutes(100));
        await CreatedAsync(admin, $"/api/v1/status-pages/acme/incidents/{id}/updates", new { status = "resolved", body = "All card payments work again.", components = new Dictionary<string, string> { ["Checkout"] = "operational" } });
        host.Clock.Advance(start.AddDays(3) - host.Clock.GetUtcNow());
        await CreatedAsync(admin, "/api/v1/status-pages/acme/incidents", new { title = "Slow API responses", status = "monitoring", body = "Responses are slower than usual.", components = new Dictionary<string, string> { ["API"] = "degraded_performance" } });

        var response = await host.Anonymous().GetAsync("/status", _ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(_ct);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("style=", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<h1>Degraded performance</h1>", html, StringComparison.Ordinal);
        Assert.Contains("Shop and API", html, StringComparison.Ordinal);
        Assert.Contains("Slow API responses", Section(html, "active-title"), StringComparison.Ordinal);
        Assert.DoesNotContain("Card payments failing", Section(html, "active-title"), StringComparison.Ordinal);
        Assert.Equal(2 * 90, Bars().Matches(html).Count);
        // Checkout: 60 minutes of major outage and 100 of partial (30 of them down) over three days known.
        Assert.Contains("25 Nov 2026: 90 min down (60 min major outage, 100 min partial outage); incidents: Card payments failing", html, StringComparison.Ordinal);
        Assert.Contains("24 Nov 2026: no downtime; no incidents", html, StringComparison.Ordinal);
        Assert.Contains("23 Nov 2026: no data", html, StringComparison.Ordinal);
        Assert.Contains("97.92 % uptime", html, StringComparison.Ordinal);
        Assert.Contains("100 % uptime", html, StringComparison.Ordinal); // degraded is not down
        var history = Section(html, "history-title");
        Assert.Contains("November 2026", history, StringComparison.Ordinal);
        Assert.Contains("Card payments failing", history, StringComparison.Ordinal);

        var incident = await host.Anonymous().GetStringAsync($"/status/incidents/{id}", _ct);
        Assert.True(incident.IndexOf("All card payments work again.", StringComparison.Ordinal) < incident.IndexOf("Card payments fail.", StringComparison.Ordinal), "updates newest first");
        Assert.Contains("Checkout: Partial outage", incident, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Anonymous().GetAsync($"/status/incidents/{Guid.NewGuid()}", _ct)).StatusCode);
    }

    [Fact]
    public async Task OtherPagesHaveTheirOwnPathAndAnUnknownOneIsNotFound()
    {
        await using var host = await SteadyHost.StartAsync();
        var admin = host.Admin();
        Assert.Equal(HttpStatusCode.NotFound, (await host.Anonymous().GetAsync("/status", _ct)).StatusCode);
        await CreatedAsync(admin, "/api/v1/status-pages", new { name = "Acme status", slug = "acme" });
        await CreatedAsync(admin, "/api/v1/status-pages", new { name = "Partner status", slug = "partners" });
        await CreatedAsync(admin, "/api/v1/status-pages/partners/components", new { name = "Partner API", state = "major_outage" });
        var partners = await host.Anonymous().GetStringAsync("/status/partners", _ct);
        Assert.Contains("Partner status", partners, StringComparison.Ordinal);
        Assert.Contains("<h1>Major outage</h1>", partners, StringComparison.Ordinal);
        Assert.Contains("<h1>All systems operational</h1>", await host.Anonymous().GetStringAsync("/status", _ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Anonymous().GetAsync("/status/nobody", _ct)).StatusCode);
    }

    [Fact]
    public async Task ThePageIsServedFromMemoryWithAnETagUntilSomethingChanges()
    {
        await using var host = await SteadyHost.StartAsync();
        var admin = host.Admin();
        await CreatedAsync(admin, "/api/v1/status-pages", new { name = "Acme status", slug = "acme" });
        await CreatedAsync(admin, "/api/v1/status-pages/acme/components", new { name = "Checkout" });
        var client = host.Anonymous();
        var first = await client.GetAsync("/status", _ct);
        Assert.Equal("public, max-age=10", first.Headers.CacheControl!.ToString());
        var etag = first.Headers.ETag!;

        var again = new HttpRequestMessage(HttpMethod.Get, "/status");
        again.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again, _ct)).StatusCode);

        // A change made behind this node's back (another node) shows once the page's stamp is compared again, within a second.
        host.Clock.Advance(TimeSpan.FromMilliseconds(500));
        await host.WithDbAsync(async (db, _) =>
        {
            var page = db.Set<Steady.Core.StatusPage.PublicStatusPage>().Single();
            page.Name = "Acme status (renamed elsewhere)";
            page.ChangedAt = host.Clock.GetUtcNow();
            return await db.SaveChangesAsync();
        });
        Assert.DoesNotContain("renamed elsewhere", await client.GetStringAsync("/status", _ct), StringComparison.Ordinal);
        host.Clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Contains("renamed elsewhere", await client.GetStringAsync("/status", _ct), StringComparison.Ordinal);

        (await admin.PatchAsJsonAsync("/api/v1/status-pages/acme/components/Checkout", new { state = "major_outage" }, _ct)).EnsureSuccessStatusCode();
        var stale = new HttpRequestMessage(HttpMethod.Get, "/status");
        stale.Headers.IfNoneMatch.Add(etag);
        var changed = await client.SendAsync(stale, _ct);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        Assert.Contains("<h1>Major outage</h1>", await changed.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
    }

    private static string Section(string html, string titleId)
    {
        var start = html.IndexOf($"aria-labelledby=\"{titleId}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section {titleId}");
        return html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)];
    }

    [GeneratedRegex("<li class=\"sp-bar ")]
    private static partial Regex Bars();
}
