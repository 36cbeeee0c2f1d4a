using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Postmortems;
using Steady.Server.Tests.Incidents;

namespace Steady.Server.Tests.Postmortems;

/// <summary>
/// The postmortem as the incident's one record: closing a SEV1/SEV2 needs one with an owner and a due date,
/// the closing record fills its empty sections, its due date follows the severity table, it exports as
/// Markdown with every section, and a new incident with the same alert says it happened before.
/// </summary>
public sealed class PostmortemRecordTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly object Record = new { whatHappened = "Checkout refused TLS for 35 minutes", whatWasDone = "Renewed by hand", failedAssumptions = "Renewal was automatic", whatShouldChange = "Automate renewal", cause = "A manual renewal step with no reminder" };

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task ASev2ClosesOnlyWithAPostmortemThatHasAnOwnerAndADueDateAndTheRecordFillsItsEmptySections()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var ana = world.As("Ana");
        await world.DeclareAsync(new { title = "Checkout certificate expired", severity = "SEV2", services = new[] { world.Alerts.Service } }, who: "Ana");
        await OkAsync(await ana.PostAsJsonAsync("/api/v1/incidents/1/status", new { status = "resolved", @override = "renewed" }, Cancel));
        await OkAsync(await ana.PutAsJsonAsync("/api/v1/incidents/1/postmortem", new { rootCause = "Renewal depended on a calendar entry" }, Cancel));

        // As an incident resolved before postmortems existed: none.
        var kept = await world.Host.WithDbAsync(async (db, _) =>
        {
            var p = await db.Set<Postmortem>().AsNoTracking().SingleAsync(Cancel);
            await db.Set<Postmortem>().ExecuteDeleteAsync(Cancel);
            return p;
        });
        var refused = await ana.PostAsJsonAsync("/api/v1/incidents/1/close", Record, Cancel);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("needs a postmortem with an owner and a due date", await IncidentWorld.DetailAsync(refused), StringComparison.Ordinal);
        Assert.Equal("resolved", (await world.GetAsync(1)).GetProperty("status").GetString());

        await world.Host.WithDbAsync(async (db, _) =>
        {
            db.Add(kept);
            return await db.SaveChangesAsync(Cancel);
        });
        await OkAsync(await ana.PostAsJsonAsync("/api/v1/incidents/1/close", Record, Cancel));
        var postmortem = await OkAsync(await ana.GetAsync("/api/v1/incidents/1/postmortem", Cancel));
        Assert.Equal("Checkout refused TLS for 35 minutes", postmortem.GetProperty("summary").GetString());
        Assert.Equal("Renewed by hand", postmortem.GetProperty("resolution").GetString());
        Assert.Equal("Renewal was automatic", postmortem.GetProperty("contributingFactors").GetString());
        Assert.Equal("Automate renewal", postmortem.GetProperty("wentWrong").GetString());
        // What people wrote stays.
        Assert.Equal("Renewal depended on a calendar entry", postmortem.GetProperty("rootCause").GetString());
        Assert.Equal(["impact", "trigger", "detection", "wentWell", "gotLucky"], postmortem.GetProperty("unfilled").EnumerateArray().Select(u => u.GetProperty("section").GetString()));
    }

    [Fact]
    public async Task TheDueDateFollowsTheSeverityTableAsConfigured()
    {
        await using var world = await IncidentWorld.CreateAsync(b =>
        {
            b.UseSetting("Steady:Incidents:Severities:0:Name", "SEV1");
            b.UseSetting("Steady:Incidents:Severities:0:RequiresPostmortem", "true");
            b.UseSetting("Steady:Incidents:Severities:0:PostmortemDueDays", "2");
            b.UseSetting("Steady:Incidents:Severities:1:Name", "SEV2");
            b.UseSetting("Steady:Incidents:Severities:1:RequiresPostmortem", "true");
        });
        await world.DeclareAsync(new { title = "One", severity = "SEV1", services = new[] { world.Alerts.Service } }, who: "Ana");
        await world.DeclareAsync(new { title = "Two", severity = "SEV2", services = new[] { world.Alerts.Service } }, who: "Ana");
        var now = world.Host.Clock.GetUtcNow();
        var one = await OkAsync(await world.As("Ana").PostAsync("/api/v1/incidents/1/postmortem", null, Cancel));
        var two = await OkAsync(await world.As("Ana").PostAsync("/api/v1/incidents/2/postmortem", null, Cancel));
        Assert.Equal(now.AddDays(2), one.GetProperty("dueAt").GetDateTimeOffset());
        // Not set for SEV2: the default table's, five business days (Tuesday → the Tuesday after).
        Assert.Equal(now.AddDays(7), two.GetProperty("dueAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task TheMarkdownExportHoldsEverySectionTheTimelineInUtcAndTheReadersZoneAndTheActionItems()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var ben = world.As("Ben");
        await world.DeclareAsync(new { title = "Gateway refused TLS", severity = "SEV1", services = new[] { world.Alerts.Service } }, who: "Ben");
        // The SEV1 pages the service's policy (Ana); an update goes out; an action's effect is observed.
        await IncidentWorld.EventuallyAsync(() => world.Phone("Ana").Count > 0 ? "ok" : null, "Ana's page");
        (await ben.PostAsJsonAsync("/api/v1/incidents/1/updates", new { known = "The gateway refuses TLS", doing = "Renewing the certificate", visibility = "internal" }, Cancel)).EnsureSuccessStatusCode();
        (await ben.PostAsJsonAsync("/api/v1/incidents/1/actions", new { intent = "Restart the gateways", expectedEffect = "Handshakes succeed", decidedBy = "Ben", doneAt = world.Host.Clock.GetUtcNow(), observedEffect = "Two minutes of full outage; handshakes still fail" }, Cancel)).EnsureSuccessStatusCode();
        await OkAsync(await ben.PostAsJsonAsync("/api/v1/incidents/1/status", new { status = "resolved", @override = "renewed" }, Cancel));
        var drafted = await OkAsync(await ben.GetAsync("/api/v1/incidents/1/postmortem", Cancel));
        Assert.Contains("Restart the gateways (decided by Ben): expected Handshakes succeed; observed Two minutes of full outage; handshakes still fail.", drafted.GetProperty("contributingFactors").GetString(), StringComparison.Ordinal);
        Assert.Equal(world.Alerts.Service, Assert.Single(drafted.GetProperty("services").EnumerateArray()).GetString());
        Assert.Contains(drafted.GetProperty("pages").EnumerateArray(), x => x.GetProperty("name").GetString() == "Ana" && x.GetProperty("pages").GetInt32() >= 1);
        await OkAsync(await ben.PutAsJsonAsync("/api/v1/incidents/1/postmortem", new { summary = "The gateway's certificate | expired", trigger = "Expiry at 07:38 UTC" }, Cancel));
        await OkAsync(await ben.PostAsJsonAsync("/api/v1/action-items", new { incident = "1", title = "Alert before expiry", type = "monitoring", owner = world.People["Cleo"].Id.ToString(), dueAt = world.Host.Clock.GetUtcNow().AddDays(14) }, Cancel));

        var response = await ben.GetAsync("/api/v1/incidents/1/postmortem/markdown", Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/markdown", response.Content.Headers.ContentType?.MediaType);
        var markdown = await response.Content.ReadAsStringAsync(Cancel);
        Assert.StartsWith("# Postmortem: #1 Gateway refused TLS\n", markdown, StringComparison.Ordinal);
        foreach (var section in PostmortemSections.All)
            Assert.Contains($"## {section.Title}\n", markdown, StringComparison.Ordinal);
        Assert.Contains("## Impact times\n", markdown, StringComparison.Ordinal);
        Assert.Contains("The gateway's certificate | expired", markdown, StringComparison.Ordinal);
        Assert.Contains($"_Not written yet: {PostmortemSections.Find("detection")!.Hint}_", markdown, StringComparison.Ordinal);
        // Ben reads in Europe/Berlin: the timeline has both columns; 09:00 UTC is 10:00 there.
        Assert.Contains("| at (UTC) | at (Europe/Berlin) | kind | what happened | who |", markdown, StringComparison.Ordinal);
        Assert.Contains("| 2026-11-24 09:00:00 | 2026-11-24 10:00:00 | declared |", markdown, StringComparison.Ordinal);
        Assert.Contains("| Alert before expiry | monitoring | Cleo | medium |", markdown, StringComparison.Ordinal);
        Assert.Contains("| Ben | commander | 2026-11-24 09:00:00 | still |", markdown, StringComparison.Ordinal);
        Assert.Contains($"- **Services:** {world.Alerts.Service}\n", markdown, StringComparison.Ordinal);
        Assert.Contains("- **Pages sent:** ", markdown, StringComparison.Ordinal);
        Assert.Contains("Ana (", markdown, StringComparison.Ordinal);
        Assert.Contains("## Messaging\n\n- 2026-11-24 09:00:00 UTC, internal, Ben: known: The gateway refuses TLS; doing: Renewing the certificate\n", markdown, StringComparison.Ordinal);

        // Closed: the record's failed assumptions come before the proposed actions.
        await OkAsync(await ben.PostAsJsonAsync("/api/v1/incidents/1/close", Record, Cancel));
        var closed = await OkAsync(await ben.GetAsync("/api/v1/incidents/1/postmortem", Cancel));
        Assert.StartsWith("Renewal was automatic\n\nActions taken, expected against observed", closed.GetProperty("contributingFactors").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task APublishedPostmortemsPublicSummaryIsPostedToTheIncidentOnTheStatusPageOnce()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var ana = world.As("Ana");
        (await world.Admin.PostAsJsonAsync("/api/v1/status-pages", new { name = "Acme status", slug = "acme" }, Cancel)).EnsureSuccessStatusCode();
        await world.DeclareAsync(new { title = "Checkout refused TLS", severity = "SEV2", services = new[] { world.Alerts.Service } }, who: "Ana");
        (await ana.PostAsJsonAsync("/api/v1/incidents/1/updates", new { known = "Checkout refuses secure connections.", doing = "We are renewing a certificate.", visibility = "public" }, Cancel)).EnsureSuccessStatusCode();
        await OkAsync(await ana.PostAsJsonAsync("/api/v1/incidents/1/status", new { status = "resolved", @override = "renewed" }, Cancel));
        const string Summary = "An expired certificate made checkout refuse connections for 35 minutes; renewal is now automatic.";
        await OkAsync(await ana.PutAsJsonAsync("/api/v1/incidents/1/postmortem", new { publicSummary = Summary, summary = "The checkout certificate expired.", status = "in-review" }, Cancel));
        await OkAsync(await ana.PutAsJsonAsync("/api/v1/incidents/1/postmortem", new { status = "reviewed" }, Cancel));
        var published = await OkAsync(await ana.PutAsJsonAsync("/api/v1/incidents/1/postmortem", new { status = "published" }, Cancel));
        Assert.Equal(Summary, published.GetProperty("publicSummary").GetString());

        async Task<List<JsonElement>> UpdatesAsync() =>
            Assert.Single((await world.Admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/acme/incidents", Cancel)).EnumerateArray()).GetProperty("updates").EnumerateArray().ToList();
        var updates = await UpdatesAsync();
        Assert.Equal("Postmortem: " + Summary, updates[0].GetProperty("body").GetString());
        Assert.Equal("resolved", updates[0].GetProperty("status").GetString());

        // Back to reviewed and published again: the same summary is not posted twice.
        await OkAsync(await ana.PutAsJsonAsync("/api/v1/incidents/1/postmortem", new { status = "reviewed" }, Cancel));
        await OkAsync(await ana.PutAsJsonAsync("/api/v1/incidents/1/postmortem", new { status = "published" }, Cancel));
        Assert.Equal(updates.Count, (await UpdatesAsync()).Count);
        Assert.Contains("## Public summary\n\n" + Summary, await ana.GetStringAsync("/api/v1/incidents/1/postmortem/markdown", Cancel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANewIncidentWithTheSameAlertSaysItHappenedBeforeWithTheOpenActionItems()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var ana = world.As("Ana");
        (await world.Alerts.PostAsync("generic", new { summary = "Certificate expires in 2 days", dedup_key = "cert-gw", severity = "critical" })).EnsureSuccessStatusCode();
        var first = (await world.Alerts.AlertAsync("cert-gw")).GetProperty("id").GetGuid();
        await world.DeclareAsync(new { severity = "SEV2", alertId = first }, who: "Ana");
        foreach (var title in new[] { "Renew automatically", "Alert 21 days ahead" })
            await OkAsync(await ana.PostAsJsonAsync("/api/v1/action-items", new { incident = "1", title, type = "prevent", owner = world.People["Ben"].Id.ToString(), dueAt = world.Host.Clock.GetUtcNow().AddDays(14) }, Cancel));
        Assert.Empty((await OkAsync(await ana.GetAsync("/api/v1/incidents/1/repeats", Cancel))).EnumerateArray());
        await OkAsync(await world.As("Ana").PostAsJsonAsync($"/api/v1/alerts/{first}/resolve", new { }, Cancel));
        await OkAsync(await ana.PostAsJsonAsync("/api/v1/incidents/1/status", new { status = "resolved", @override = "renewed by hand" }, Cancel));
        await OkAsync(await ana.PostAsJsonAsync("/api/v1/incidents/1/close", Record, Cancel));

        // A week later the same alert fires again (its next occurrence) and an incident is declared from it.
        world.Host.Clock.Advance(TimeSpan.FromDays(7));
        (await world.Alerts.PostAsync("generic", new { summary = "Certificate expires in 2 days", dedup_key = "cert-gw", severity = "critical" })).EnsureSuccessStatusCode();
        var again = (await world.Alerts.AlertAsync("cert-gw")).GetProperty("id").GetGuid();
        Assert.NotEqual(first, again);
        await world.DeclareAsync(new { severity = "SEV2", alertId = again }, who: "Ana");

        var repeat = Assert.Single((await OkAsync(await ana.GetAsync("/api/v1/incidents/2/repeats", Cancel))).EnumerateArray());
        Assert.Equal(1, repeat.GetProperty("number").GetInt32());
        Assert.Equal("the same alert", repeat.GetProperty("why").GetString());
        Assert.Equal(2, repeat.GetProperty("openActionItems").GetInt32());

        (await world.Admin.PutAsJsonAsync($"/api/v1/users/{world.People["Ana"].Id}/password", new { newPassword = "a sufficiently long password" }, Cancel)).EnsureSuccessStatusCode();
        var email = (await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{world.People["Ana"].Id}", Cancel)).GetProperty("email").GetString()!;
        var browser = new ConsoleClient(world.Host);
        await browser.SignInAsync(email, "a sufficiently long password");
        var page = await browser.GetPageAsync("/incidents/2");
        Assert.Contains("This happened before:", page, StringComparison.Ordinal);
        Assert.Contains("#1 on 24 Nov", page, StringComparison.Ordinal);
        Assert.Contains("2 action items still open", page, StringComparison.Ordinal);
    }
}
