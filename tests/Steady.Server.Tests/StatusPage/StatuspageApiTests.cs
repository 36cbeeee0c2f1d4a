using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Steady.Server.Tests.StatusPage.StatusPageTests;

namespace Steady.Server.Tests.StatusPage;

/// <summary>
/// Statuspage's public API v2 shapes (summary, status, components, incidents, scheduled maintenances),
/// served from memory with ETag and 304; the history feeds as Debian's python3-feedparser reads them; and
/// an independent Statuspage client (statuspage.io from npm) reading the page unchanged.
/// </summary>
public sealed class StatuspageApiTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task SummaryJsonHasStatuspagesFieldsAndShapes()
    {
        await using var host = await SteadyHost.StartAsync();
        var id = await SeedAsync(host);
        var anonymous = host.Anonymous();
        var response = await anonymous.GetAsync("/api/v2/summary.json", _ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var summary = JsonDocument.Parse(await response.Content.ReadAsStringAsync(_ct)).RootElement;
        Assert.Equal(["page", "components", "incidents", "scheduled_maintenances", "status"], summary.EnumerateObject().Select(p => p.Name).ToArray());
        var page = summary.GetProperty("page");
        Assert.Equal(["id", "name", "url", "time_zone", "updated_at"], page.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("Acme status", page.GetProperty("name").GetString());
        Assert.EndsWith("/status", page.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.Equal("Europe/Berlin", page.GetProperty("time_zone").GetString());

        var components = summary.GetProperty("components").EnumerateArray().ToList();
        var shop = components.Single(c => c.GetProperty("name").GetString() == "Shop");
        var checkout = components.Single(c => c.GetProperty("name").GetString() == "Checkout");
        Assert.True(shop.GetProperty("group").GetBoolean());
        Assert.Equal("partial_outage", shop.GetProperty("status").GetString());
        Assert.Contains(checkout.GetProperty("id").GetString(), shop.GetProperty("components").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(shop.GetProperty("id").GetString(), checkout.GetProperty("group_id").GetString());
        foreach (var field in new[] { "id", "name", "status", "created_at", "updated_at", "position", "description", "showcase", "start_date", "group_id", "page_id", "group", "only_show_if_degraded" })
            Assert.True(checkout.TryGetProperty(field, out _), $"component field {field}");
        Assert.Equal("partial_outage", checkout.GetProperty("status").GetString());

        var incident = Assert.Single(summary.GetProperty("incidents").EnumerateArray());
        Assert.Equal(id.ToString("N"), incident.GetProperty("id").GetString());
        Assert.Equal("Card payments failing", incident.GetProperty("name").GetString());
        Assert.Equal("identified", incident.GetProperty("status").GetString());
        Assert.Equal("major", incident.GetProperty("impact").GetString());
        foreach (var field in new[] { "created_at", "updated_at", "monitoring_at", "resolved_at", "shortlink", "started_at", "page_id", "incident_updates", "components" })
            Assert.True(incident.TryGetProperty(field, out _), $"incident field {field}");
        var updates = incident.GetProperty("incident_updates").EnumerateArray().ToList();
        Assert.Equal(["identified", "investigating"], updates.Select(u => u.GetProperty("status").GetString()!).ToArray());
        var affected = Assert.Single(updates[1].GetProperty("affected_components").EnumerateArray());
        Assert.Equal(checkout.GetProperty("id").GetString(), affected.GetProperty("code").GetString());
        Assert.Equal("operational", affected.GetProperty("old_status").GetString());
        Assert.Equal("partial_outage", affected.GetProperty("new_status").GetString());
        foreach (var field in new[] { "id", "body", "incident_id", "created_at", "updated_at", "display_at", "deliver_notifications" })
            Assert.True(updates[0].TryGetProperty(field, out _), $"update field {field}");

        var status = summary.GetProperty("status");
        Assert.Equal("major", status.GetProperty("indicator").GetString());
        Assert.Equal("Partial System Outage", status.GetProperty("description").GetString());
        Assert.Equal(0, summary.GetProperty("scheduled_maintenances").GetArrayLength());

        Assert.Equal("major", (await anonymous.GetFromJsonAsync<JsonElement>("/api/v2/status.json", _ct)).GetProperty("status").GetProperty("indicator").GetString());
        Assert.Equal(4, (await anonymous.GetFromJsonAsync<JsonElement>("/api/v2/components.json", _ct)).GetProperty("components").GetArrayLength());
        Assert.Equal(2, (await anonymous.GetFromJsonAsync<JsonElement>("/api/v2/incidents.json", _ct)).GetProperty("incidents").GetArrayLength());
        Assert.Equal(1, (await anonymous.GetFromJsonAsync<JsonElement>("/api/v2/incidents/unresolved.json", _ct)).GetProperty("incidents").GetArrayLength());
        foreach (var path in new[] { "scheduled-maintenances.json", "scheduled-maintenances/upcoming.json", "scheduled-maintenances/active.json" })
            Assert.Equal(0, (await anonymous.GetFromJsonAsync<JsonElement>($"/api/v2/{path}", _ct)).GetProperty("scheduled_maintenances").GetArrayLength());
        Assert.Equal("Acme status", (await anonymous.GetFromJsonAsync<JsonElement>("/status/acme/api/v2/status.json", _ct)).GetProperty("page").GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/status/nobody/api/v2/summary.json", _ct)).StatusCode);
    }

    [Fact]
    public async Task TheJsonIsRenderedOncePerChangeAndAnsweredWith304WhileItHolds()
    {
        await using var host = await SteadyHost.StartAsync();
        await SeedAsync(host);
        var anonymous = host.Anonymous();
        var first = await anonymous.GetAsync("/api/v2/summary.json", _ct);
        Assert.Equal("public, max-age=10", first.Headers.CacheControl!.ToString());
        var etag = first.Headers.ETag!;
        var again = new HttpRequestMessage(HttpMethod.Get, "/api/v2/summary.json");
        again.Headers.IfNoneMatch.Add(etag);
        var notModified = await anonymous.SendAsync(again, _ct);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync(_ct));
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(_ct), await anonymous.GetByteArrayAsync("/api/v2/summary.json", _ct));

        (await host.Admin().PatchAsJsonAsync("/api/v1/status-pages/acme/components/API", new { state = "major_outage" }, _ct)).EnsureSuccessStatusCode();
        var stale = new HttpRequestMessage(HttpMethod.Get, "/api/v2/summary.json");
        stale.Headers.IfNoneMatch.Add(etag);
        var changed = await anonymous.SendAsync(stale, _ct);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("critical", JsonDocument.Parse(await changed.Content.ReadAsStringAsync(_ct)).RootElement.GetProperty("status").GetProperty("indicator").GetString());
    }

    [Fact]
    public async Task TheHistoryFeedsParseWithFeedparserNewestUpdateFirst()
    {
        await using var host = await SteadyHost.StartAsync();
        var id = await SeedAsync(host);
        foreach (var (path, version) in new[] { ("/history.atom", "atom10"), ("/history.rss", "rss20"), ("/status/acme/history.atom", "atom10") })
        {
            var response = await host.Anonymous().GetAsync(path, _ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var feed = await FeedparserAsync(await response.Content.ReadAsStringAsync(_ct));
            Assert.Equal(0, feed.GetProperty("bozo").GetInt32());
            Assert.Equal(version, feed.GetProperty("version").GetString());
            Assert.Equal("Acme status Status - Incident History", feed.GetProperty("title").GetString());
            var entries = feed.GetProperty("entries").EnumerateArray().ToList();
            Assert.Equal(["Card payments failing", "Search was slow"], entries.Select(e => e.GetProperty("title").GetString()!).ToArray());
            Assert.EndsWith($"/status/incidents/{id}", entries[0].GetProperty("link").GetString(), StringComparison.Ordinal);
            var content = entries[0].GetProperty("content").GetString()!;
            Assert.True(content.IndexOf("<strong>Identified</strong> - The provider", StringComparison.Ordinal) < content.IndexOf("<strong>Investigating</strong> - Card payments", StringComparison.Ordinal), content);
        }
    }

    [Fact]
    public async Task AnIndependentStatuspageClientReadsThePageUnchanged()
    {
        await using var host = await SteadyHost.StartAsync();
        await SeedAsync(host);
        var read = await StatuspageClientAsync(host.BaseAddress.ToString().TrimEnd('/'));
        Assert.Equal("Acme status", read.GetProperty("summary").GetProperty("page").GetProperty("name").GetString());
        Assert.Equal("major", read.GetProperty("status").GetProperty("status").GetProperty("indicator").GetString());
        Assert.Contains(read.GetProperty("components").GetProperty("components").EnumerateArray(), c => c.GetProperty("name").GetString() == "Checkout" && c.GetProperty("status").GetString() == "partial_outage");
        Assert.Equal(2, read.GetProperty("incidents").GetProperty("incidents").GetArrayLength());
        Assert.Equal("Card payments failing", read.GetProperty("unresolved").GetProperty("incidents")[0].GetProperty("name").GetString());
        Assert.Equal(0, read.GetProperty("maintenances").GetProperty("scheduled_maintenances").GetArrayLength());
    }

    /// <summary>A page with a group, three components, a resolved incident and an open one (Checkout in partial outage).</summary>
    private static async Task<Guid> SeedAsync(SteadyHost host)
    {
        var admin = host.Admin();
        await CreatedAsync(admin, "/api/v1/status-pages", new { name = "Acme status", slug = "acme", timeZone = "Europe/Berlin" });
        await CreatedAsync(admin, "/api/v1/status-pages/acme/groups", new { name = "Shop" });
        await CreatedAsync(admin, "/api/v1/status-pages/acme/components", new { name = "Checkout", group = "Shop" });
        await CreatedAsync(admin, "/api/v1/status-pages/acme/components", new { name = "Search", group = "Shop" });
        await CreatedAsync(admin, "/api/v1/status-pages/acme/components", new { name = "API" });
        var old = (await CreatedAsync(admin, "/api/v1/status-pages/acme/incidents", new { title = "Search was slow", status = "investigating", body = "Search is slow.", components = new Dictionary<string, string> { ["Search"] = "degraded_performance" } })).GetProperty("id").GetGuid();
        host.Clock.Advance(TimeSpan.FromMinutes(20));
        await CreatedAsync(admin, $"/api/v1/status-pages/acme/incidents/{old}/updates", new { status = "resolved", body = "Search is fast again.", components = new Dictionary<string, string> { ["Search"] = "operational" } });
        host.Clock.Advance(TimeSpan.FromHours(2));
        var id = (await CreatedAsync(admin, "/api/v1/status-pages/acme/incidents", new { title = "Card payments failing", status = "investigating", body = "Card payments fail for some customers.", components = new Dictionary<string, string> { ["Checkout"] = "partial_outage" } })).GetProperty("id").GetGuid();
        host.Clock.Advance(TimeSpan.FromMinutes(10));
        await CreatedAsync(admin, $"/api/v1/status-pages/acme/incidents/{id}/updates", new { status = "identified", body = "The provider has an outage; we are switching." });
        return id;
    }

    /// <summary>The feed as Debian's python3-feedparser reads it (scripts/test installs it).</summary>
    private static async Task<JsonElement> FeedparserAsync(string feed)
    {
        const string script = """
            import json, sys, feedparser
            d = feedparser.parse(sys.stdin.buffer.read())
            print(json.dumps({"bozo": int(d.bozo), "version": d.version, "title": d.feed.get("title"),
                "entries": [{"title": e.get("title"), "link": e.get("link"), "content": (e.get("content") or [{"value": e.get("summary")}])[0]["value"]} for e in d.entries]}))
            """;
        var (code, output, errors) = await RunAsync("/usr/bin/python3", ["-c", script], null, feed);
        Assert.True(code == 0, $"python3 with feedparser (Debian's python3-feedparser, which scripts/test installs) failed: {errors}");
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    /// <summary>The statuspage.io client from npm (installed by scripts/test into StatusPage/statuspage-client) reading the server.</summary>
    private static async Task<JsonElement> StatuspageClientAsync(string baseUrl)
    {
        var folder = ClientFolder();
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules", "statuspage.io")), $"The statuspage.io client is not installed: run 'npm install' in {folder} (scripts/test does).");
        var (code, output, errors) = await RunAsync("node", ["read.js", baseUrl], folder, null);
        Assert.True(code == 0, $"The statuspage.io client failed: {errors}");
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private static string ClientFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Steady.slnx")))
            dir = dir.Parent;
        Assert.NotNull(dir);
        return Path.Combine(dir.FullName, "tests", "Steady.Server.Tests", "StatusPage", "statuspage-client");
    }

    private static async Task<(int Code, string Output, string Errors)> RunAsync(string file, string[] args, string? workingDirectory, string? input)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? "" };
        using var process = Process.Start(start)!;
        if (input is not null)
            await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await errors);
    }
}
