using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using static Steady.Server.Tests.StatusPage.StatusPageTests;

namespace Steady.Server.Tests.StatusPage;

/// <summary>
/// Who sees a page and where: a private page for signed-in people or the holder of its secret link; a page on
/// its own host name at /, directly or behind a trusted proxy; every client within its rate, with Retry-After.
/// </summary>
public sealed class PrivatePageTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task APrivatePageIsForSignedInPeopleAndTheHolderOfItsSecretLink()
    {
        await using var host = await SteadyHost.StartAsync();
        var admin = host.Admin();
        await CreatedAsync(admin, "/api/v1/status-pages", new { name = "Acme status", slug = "acme" });
        var partners = await CreatedAsync(admin, "/api/v1/status-pages", new { name = "Partner status", slug = "partners", @private = true });
        Assert.True(partners.GetProperty("private").GetBoolean());
        await CreatedAsync(admin, "/api/v1/status-pages/partners/components", new { name = "Partner API", state = "partial_outage" });

        var anonymous = host.Anonymous();
        foreach (var path in new[] { "/status/partners", "/status/partners/api/v2/summary.json", "/status/partners/history.atom" })
            Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync(path, _ct)).StatusCode);
        Assert.Contains("private", await (await anonymous.GetAsync("/status/partners/api/v2/summary.json", _ct)).Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/status", _ct)).StatusCode);

        // Signed in (a token here, a console session alike): visible, and never kept by shared caches.
        var signedIn = await admin.GetAsync("/status/partners", _ct);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.True(signedIn.Headers.CacheControl!.Private);
        Assert.False(signedIn.Headers.CacheControl.Public);
        Assert.Equal(TimeSpan.FromSeconds(10), signedIn.Headers.CacheControl.MaxAge);

        var link = await OkAsync(admin.PostAsync("/api/v1/status-pages/partners/access-link", null, _ct));
        var url = new Uri(link.GetProperty("url").GetString()!);
        Assert.Equal("/status/partners", url.AbsolutePath);
        var visitor = new ConsoleClient(host);
        var first = await visitor.GetAsync(url.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("Partner API", await first.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
        // The link's key is kept in a cookie: the page's other addresses open without it.
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync("/status/partners/history.rss")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/status/partners/api/v2/status.json?access={link.GetProperty("key").GetString()}", _ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync("/status/partners?access=0000", _ct)).StatusCode);

        // A new link replaces the old one.
        await OkAsync(admin.PostAsync("/api/v1/status-pages/partners/access-link", null, _ct));
        Assert.Equal(HttpStatusCode.Forbidden, (await new ConsoleClient(host).GetAsync(url.PathAndQuery)).StatusCode);
        Assert.True((await admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/partners", _ct)).GetProperty("hasAccessLink").GetBoolean());
    }

    [Fact]
    public async Task APageOnItsOwnHostNameIsServedAtTheRootDirectlyAndBehindATrustedProxy()
    {
        await using var host = await SteadyHost.StartAsync(b => b.UseSetting("Steady:ForwardedHeaders:KnownProxies:0", "127.0.0.1"));
        var admin = host.Admin();
        await CreatedAsync(admin, "/api/v1/status-pages", new { name = "Acme status", slug = "acme" });
        await CreatedAsync(admin, "/api/v1/status-pages", new { name = "Partner status", slug = "partners", hostName = "Status.Partners.Example" });
        await CreatedAsync(admin, "/api/v1/status-pages/partners/components", new { name = "Partner API" });
        var incident = (await CreatedAsync(admin, "/api/v1/status-pages/partners/incidents", new { title = "Slow partner API", status = "investigating", body = "Slow.", components = new Dictionary<string, string> { ["Partner API"] = "degraded_performance" } }))
            .GetProperty("id").GetGuid();
        await ProblemAsync(admin.PostAsJsonAsync("/api/v1/status-pages", new { name = "Copy", slug = "copy", hostName = "status.partners.example" }, _ct), HttpStatusCode.Conflict, "already served");
        await ProblemAsync(admin.PatchAsJsonAsync("/api/v1/status-pages/acme", new { hostName = "https://status.example.com/" }, _ct), HttpStatusCode.BadRequest, "hostName");

        async Task<HttpResponseMessage> OnHost(string path, bool forwarded = false)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (forwarded)
            {
                request.Headers.Add("X-Forwarded-For", "203.0.113.7");
                request.Headers.Add("X-Forwarded-Host", "status.partners.example");
            }
            else
                request.Headers.Host = "status.partners.example";
            return await host.Anonymous().SendAsync(request, _ct);
        }

        var root = await OnHost("/");
        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        var html = await root.Content.ReadAsStringAsync(_ct);
        Assert.Contains("Partner status", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/incidents/{incident}\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/history.atom\"", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await OnHost($"/incidents/{incident}")).StatusCode);
        var summary = JsonDocument.Parse(await (await OnHost("/api/v2/summary.json")).Content.ReadAsStringAsync(_ct)).RootElement;
        Assert.Equal("Partner status", summary.GetProperty("page").GetProperty("name").GetString());
        Assert.Equal("http://status.partners.example", summary.GetProperty("page").GetProperty("url").GetString());
        Assert.StartsWith("http://status.partners.example/incidents/", summary.GetProperty("incidents")[0].GetProperty("shortlink").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await OnHost("/history.rss")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await OnHost("/steady.css")).StatusCode);
        // Nothing else of Steady answers on that host name.
        Assert.Equal(HttpStatusCode.NotFound, (await OnHost("/login")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await OnHost("/api/v1/status-pages")).StatusCode);
        // Behind the reverse proxy (a trusted one), its X-Forwarded-Host says which page.
        var proxied = await OnHost("/", forwarded: true);
        Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        Assert.Contains("Partner status", await proxied.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
        // The server's own host still serves both pages at their paths.
        Assert.Contains("Acme status", await host.Anonymous().GetStringAsync("/status", _ct), StringComparison.Ordinal);
        Assert.Contains("Partner status", await host.Anonymous().GetStringAsync("/status/partners", _ct), StringComparison.Ordinal);

        // Moved off its host name, the page is no longer there.
        await OkAsync(admin.PatchAsJsonAsync("/api/v1/status-pages/partners", new { hostName = "" }, _ct));
        Assert.Equal(HttpStatusCode.Found, (await OnHost("/")).StatusCode); // the console's home: sign in first
    }

    [Fact]
    public async Task EachClientReadsThePublicPagesWithinItsRateAndIsToldWhenToComeBack()
    {
        await using var host = await SteadyHost.StartAsync(b =>
        {
            b.UseSetting("Steady:StatusPage:RequestsPerMinutePerClient", "60");
            b.UseSetting("Steady:StatusPage:BurstPerClient", "3");
        });
        await CreatedAsync(host.Admin(), "/api/v1/status-pages", new { name = "Acme status", slug = "acme" });
        var anonymous = host.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/status", _ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/v2/summary.json", _ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/history.atom", _ct)).StatusCode);
        var limited = await anonymous.GetAsync("/api/v2/summary.json", _ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("1", limited.Headers.RetryAfter!.ToString());
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType!.MediaType);
        host.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/status", _ct)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await anonymous.GetAsync("/status", _ct)).StatusCode);
    }
}
