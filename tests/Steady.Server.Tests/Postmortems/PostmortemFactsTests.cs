using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Steady.Server.Tests.Incidents;

namespace Steady.Server.Tests.Postmortems;

/// <summary>
/// What the postmortem knows without being told: the time the incident spent at each severity (to the second),
/// the status-page components its public updates touched; its due date counted on the organisation's
/// calendar; and the close that takes what the postmortem already says (one record, not two).
/// </summary>
public sealed class PostmortemFactsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task ThePostmortemShowsTheTimeAtEachSeverityAndTheStatusPageComponentsTouched()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var clock = world.Host.Clock;
        var admin = world.Admin;
        var ana = world.As("Ana");
        (await admin.PostAsJsonAsync("/api/v1/status-pages", new { name = "Acme status", slug = "acme" }, Cancel)).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/status-pages/acme/components", new { name = "Checkout", service = world.Alerts.Service }, Cancel)).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/status-pages/acme/components", new { name = "Catalog" }, Cancel)).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/status-pages/acme/components", new { name = "Search" }, Cancel)).EnsureSuccessStatusCode();

        await world.DeclareAsync(new { title = "Checkout errors", severity = "SEV2", services = new[] { world.Alerts.Service } }, who: "Ana");
        clock.Advance(TimeSpan.FromSeconds(125));
        await OkAsync(await ana.PostAsJsonAsync("/api/v1/incidents/1/severity", new { severity = "SEV1", reason = "all card payments fail" }, Cancel));
        (await ana.PostAsJsonAsync("/api/v1/incidents/1/updates", new { known = "Checkout fails.", doing = "Investigating.", visibility = "public", components = new Dictionary<string, string> { ["Checkout"] = "partial_outage" } }, Cancel)).EnsureSuccessStatusCode();
        clock.Advance(TimeSpan.FromSeconds(1801));
        (await ana.PostAsJsonAsync("/api/v1/incidents/1/updates", new { known = "Card payments fail.", doing = "Rolling back.", visibility = "public", publicStatus = "identified", components = new Dictionary<string, string> { ["Checkout"] = "major_outage", ["Catalog"] = "degraded_performance" } }, Cancel)).EnsureSuccessStatusCode();
        await OkAsync(await ana.PostAsJsonAsync("/api/v1/incidents/1/severity", new { severity = "SEV2", reason = "card payments work again" }, Cancel));
        clock.Advance(TimeSpan.FromSeconds(907));
        await OkAsync(await ana.PostAsJsonAsync("/api/v1/incidents/1/status", new { status = "resolved", @override = "rolled back" }, Cancel));
        clock.Advance(TimeSpan.FromHours(1));
        // A change after the resolution does not count.
        await OkAsync(await ana.PostAsJsonAsync("/api/v1/incidents/1/severity", new { severity = "SEV3", reason = "looking back, it was smaller" }, Cancel));

        var postmortem = await OkAsync(await ana.GetAsync("/api/v1/incidents/1/postmortem", Cancel));
        var times = postmortem.GetProperty("severityTimes").EnumerateArray().Select(x => (x.GetProperty("severity").GetString(), x.GetProperty("seconds").GetInt64())).ToList();
        Assert.Equal([("SEV2", 125L + 907), ("SEV1", 1801L)], times);
        var components = postmortem.GetProperty("components").EnumerateArray().Select(x => (x.GetProperty("name").GetString(), x.GetProperty("worstState").GetString())).ToList();
        Assert.Equal([("Catalog", "degraded_performance"), ("Checkout", "major_outage")], components);

        var markdown = await ana.GetStringAsync("/api/v1/incidents/1/postmortem/markdown", Cancel);
        Assert.Contains("- **Time at each severity:** SEV2 17 min 12 s, SEV1 30 min 1 s\n", markdown, StringComparison.Ordinal);

        // The editor shows them beside the impact times.
        (await admin.PutAsJsonAsync($"/api/v1/users/{world.People["Ana"].Id}/password", new { newPassword = "a sufficiently long password" }, Cancel)).EnsureSuccessStatusCode();
        var email = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{world.People["Ana"].Id}", Cancel)).GetProperty("email").GetString()!;
        var browser = new ConsoleClient(world.Host);
        await browser.SignInAsync(email, "a sufficiently long password");
        var editor = await browser.GetPageAsync("/incidents/1/postmortem");
        Assert.Contains("Time at each severity: </span>SEV2 17 min 12 s, SEV1 30 min 1 s</p>", editor, StringComparison.Ordinal);
        Assert.Contains("Status-page components: </span>Catalog (degraded performance), Checkout (major outage)</p>", editor, StringComparison.Ordinal);
        Assert.Contains("- **Status-page components:** Catalog (degraded_performance), Checkout (major_outage)\n", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDueDateIsCountedOnTheOrganisationsCalendar()
    {
        // The test clock starts on Tuesday 24 Nov 2026, 09:00 UTC: 22:00 that day in Auckland.
        await using var world = await IncidentWorld.CreateAsync(b => b.UseSetting("Steady:Postmortems:TimeZone", "Pacific/Auckland"));
        var clock = world.Host.Clock;
        clock.Advance(TimeSpan.FromHours(3) + TimeSpan.FromDays(3)); // Friday 12:00 UTC: Saturday 01:00 in Auckland
        await world.DeclareAsync(new { title = "Weekend", severity = "SEV2", services = new[] { world.Alerts.Service } }, who: "Ana");
        await OkAsync(await world.As("Ana").PostAsJsonAsync("/api/v1/incidents/1/status", new { status = "resolved", @override = "fixed" }, Cancel));
        var resolved = clock.GetUtcNow();
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero), resolved);
        var postmortem = await OkAsync(await world.As("Ana").GetAsync("/api/v1/incidents/1/postmortem", Cancel));
        // Saturday in Auckland: Mon 30 Nov … Fri 4 Dec at 01:00 there, which is Thursday 3 Dec 12:00 UTC (in UTC, Friday would give Fri 4 Dec).
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero), postmortem.GetProperty("dueAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task AnUnknownTimeZoneStopsTheServerFromStarting()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var host = await SteadyHost.StartAsync(b => b.UseSetting("Steady:Postmortems:TimeZone", "Mars/Olympus"));
        });
        Assert.Contains("Steady:Postmortems:TimeZone must be an IANA time zone id", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClosingTakesWhatThePostmortemAlreadySaysAndTheCloseFormStartsFromIt()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var ana = world.As("Ana");
        await world.DeclareAsync(new { title = "Checkout certificate expired", severity = "SEV2", services = new[] { world.Alerts.Service } }, who: "Ana");
        await OkAsync(await ana.PostAsJsonAsync("/api/v1/incidents/1/status", new { status = "resolved", @override = "renewed" }, Cancel));
        await OkAsync(await ana.PutAsJsonAsync("/api/v1/incidents/1/postmortem", new
        {
            summary = "Checkout refused TLS for 35 minutes",
            resolution = "Renewed the certificate by hand",
            rootCause = "Renewal was a manual step with no reminder",
        }, Cancel));

        // The close form shows what the postmortem holds.
        (await world.Admin.PutAsJsonAsync($"/api/v1/users/{world.People["Ana"].Id}/password", new { newPassword = "a sufficiently long password" }, Cancel)).EnsureSuccessStatusCode();
        var email = (await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{world.People["Ana"].Id}", Cancel)).GetProperty("email").GetString()!;
        var browser = new ConsoleClient(world.Host);
        await browser.SignInAsync(email, "a sufficiently long password");
        var page = await browser.GetPageAsync("/incidents/1");
        Assert.Contains("<textarea name=\"whatHappened\" rows=\"2\">Checkout refused TLS for 35 minutes</textarea>", page, StringComparison.Ordinal);
        Assert.Contains("<textarea name=\"cause\" rows=\"2\">Renewal was a manual step with no reminder</textarea>", page, StringComparison.Ordinal);
        Assert.Contains("<textarea name=\"failedAssumptions\" rows=\"2\"></textarea>", page, StringComparison.Ordinal);

        // What the postmortem lacks is still required, and nothing is written.
        var refused = await ana.PostAsJsonAsync("/api/v1/incidents/1/close", new { whatShouldChange = "Automate renewal" }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var detail = await IncidentWorld.DetailAsync(refused);
        Assert.Contains("'failedAssumptions' is required", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("'whatHappened'", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("'cause'", detail, StringComparison.Ordinal);
        Assert.Equal("resolved", (await world.GetAsync(1)).GetProperty("status").GetString());

        // Given the rest, the close takes the postmortem's parts; the postmortem gets what was new.
        await OkAsync(await ana.PostAsJsonAsync("/api/v1/incidents/1/close", new { failedAssumptions = "Renewal was automatic", whatShouldChange = "Automate renewal" }, Cancel));
        var closed = await world.GetAsync(1);
        Assert.Equal("closed", closed.GetProperty("status").GetString());
        var record = closed.GetProperty("record");
        Assert.Equal("Checkout refused TLS for 35 minutes", record.GetProperty("whatHappened").GetString());
        Assert.Equal("Renewed the certificate by hand", record.GetProperty("whatWasDone").GetString());
        Assert.Equal("Renewal was a manual step with no reminder", record.GetProperty("cause").GetString());
        var postmortem = await OkAsync(await ana.GetAsync("/api/v1/incidents/1/postmortem", Cancel));
        Assert.Equal("Renewal was automatic", postmortem.GetProperty("contributingFactors").GetString());
        Assert.Equal("Automate renewal", postmortem.GetProperty("wentWrong").GetString());
        Assert.Equal("Checkout refused TLS for 35 minutes", postmortem.GetProperty("summary").GetString());
    }
}
