using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Steady.Server.Tests.Incidents;

public sealed class IncidentRecordsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AStructuredUpdateGoesToTheChannelAndSetsTheNextDueTime()
    {
        await using var world = await IncidentWorld.CreateAsync();
        await world.DeclareAsync(new { title = "Payments fail", severity = "SEV1", services = new[] { world.Alerts.Service } });
        await IncidentWorld.EventuallyAsync(() => world.Channel.FirstOrDefault(), "the declaration on the channel");

        var posted = await world.As("Ana").PostAsJsonAsync("/api/v1/incidents/1/updates", new
        {
            known = "Card payments fail for about 30% of customers",
            unknown = "Whether the provider or our pool is at fault",
            doing = "Rolling back deploy v2.4.1",
            nextUpdateAt = world.Host.Clock.GetUtcNow().AddMinutes(20),
            visibility = "public",
        }, Cancel);
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var update = await posted.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("public", update.GetProperty("visibility").GetString());

        var sent = await IncidentWorld.EventuallyAsync(() => world.Channel.FirstOrDefault(r => r.Text.Contains("Rolling back", StringComparison.Ordinal)), "the update on the channel");
        Assert.Contains("Whether the provider", sent.Text, StringComparison.Ordinal);
        Assert.Equal(world.Host.Clock.GetUtcNow().AddMinutes(20), (await world.GetAsync(1)).GetProperty("nextUpdateDueAt").GetDateTimeOffset());
        Assert.Contains(await world.TimelineAsync(1), e => e.GetProperty("kind").GetString() == "update");

        var tooLate = await world.As("Ana").PostAsJsonAsync("/api/v1/incidents/1/updates", new { known = "k", doing = "d", nextUpdateAt = world.Host.Clock.GetUtcNow().AddHours(2) }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, tooLate.StatusCode);
        Assert.Contains("at least every 30 min", await IncidentWorld.DetailAsync(tooLate), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOverdueUpdateRemindsTheCommunicationsLeadAndCommanderOnceThenEscalates()
    {
        await using var world = await IncidentWorld.CreateAsync();
        await world.DeclareAsync(new { title = "Login flaky", severity = "SEV2", services = new[] { world.Alerts.Service }, commander = world.People["Ben"].Id.ToString() }, who: "Cleo");
        (await world.As("Ben").PostAsJsonAsync("/api/v1/incidents/1/roles", new { role = "communications-lead", user = world.People["Dev"].Id.ToString() }, Cancel)).EnsureSuccessStatusCode();

        await world.Host.AdvanceAsync(TimeSpan.FromMinutes(59));
        await Task.Delay(300, Cancel);
        Assert.Empty(world.Phone("Dev"));

        await world.Host.AdvanceAsync(TimeSpan.FromMinutes(1));
        var reminder = await IncidentWorld.EventuallyAsync(() => world.Phone("Dev").FirstOrDefault(), "the reminder to the communications lead");
        Assert.Contains("Update overdue", reminder.Text, StringComparison.Ordinal);
        await IncidentWorld.EventuallyAsync(() => world.Phone("Ben").FirstOrDefault(r => r.Text.Contains("overdue", StringComparison.Ordinal)), "the reminder to the commander");
        Assert.Contains(await world.TimelineAsync(1), e => e.GetProperty("kind").GetString() == "cadence" && e.GetProperty("text").GetString()!.Contains("reminded", StringComparison.Ordinal));
        Assert.True((await world.GetAsync(1)).GetProperty("updateOverdue").GetBoolean());

        // Still overdue 10 minutes later: the escalation runs (the service's policy pages Ana), once.
        Assert.DoesNotContain(world.Phone("Ana"), r => r.Text.Contains("overdue", StringComparison.Ordinal));
        await world.Host.AdvanceAsync(TimeSpan.FromMinutes(10));
        var escalation = await IncidentWorld.EventuallyAsync(() => world.Phone("Ana").FirstOrDefault(r => r.Text.Contains("overdue", StringComparison.Ordinal)), "the escalation page");
        Assert.Contains("overdue", escalation.Text, StringComparison.Ordinal);
        await world.Host.AdvanceAsync(TimeSpan.FromMinutes(30));
        await Task.Delay(500, Cancel);
        Assert.Single(world.Phone("Ana"), r => r.Text.Contains("overdue", StringComparison.Ordinal));
        Assert.Single(world.Phone("Dev"));

        // An update resets the cadence.
        (await world.As("Dev").PostAsJsonAsync("/api/v1/incidents/1/updates", new { known = "Logins fail 1 in 10", doing = "Draining the bad node" }, Cancel)).EnsureSuccessStatusCode();
        var incident = await world.GetAsync(1);
        Assert.False(incident.GetProperty("updateOverdue").GetBoolean());
        Assert.Equal(world.Host.Clock.GetUtcNow().AddMinutes(60), incident.GetProperty("nextUpdateDueAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task ASev3HasNoCadenceAndRemindsNobody()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var incident = await world.DeclareAsync(new { title = "Slow page", severity = "SEV3", services = new[] { world.Alerts.Service } });
        Assert.Equal(JsonValueKind.Null, incident.GetProperty("nextUpdateDueAt").ValueKind);
        Assert.False((await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/freeze?service={world.Alerts.Service}", Cancel)).GetProperty("frozen").GetBoolean());
        await world.Host.AdvanceAsync(TimeSpan.FromHours(5));
        await Task.Delay(300, Cancel);
        Assert.Empty(world.Phone("Ana"));
    }

    [Fact]
    public async Task JournalImportKeepsOriginalTimesAndHostAndAddsNothingTwice()
    {
        await using var world = await IncidentWorld.CreateAsync();
        await world.DeclareAsync(new { title = "Pool exhausted", severity = "SEV2", services = new[] { world.Alerts.Service } });
        var body = new
        {
            source = "journal",
            host = "web-1",
            entries = new[]
            {
                new { at = "2026-11-24T07:00:00Z", kind = "error", text = "ERROR connection pool exhausted (max=20)", key = "web-1:cursor-1" },
                new { at = "2026-11-24T07:00:01Z", kind = "error", text = "ERROR connection pool exhausted (max=20)", key = "web-1:cursor-2" },
                new { at = "2026-11-24T07:02:00Z", kind = "unit", text = "myapp.service: Main process exited", key = "web-1:cursor-3" },
            },
        };
        var first = await world.As("Ana").PostAsJsonAsync("/api/v1/incidents/1/timeline/import", body, Cancel);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal((3, 0), Counts(await first.Content.ReadFromJsonAsync<JsonElement>(Cancel)));
        var again = await world.As("Ana").PostAsJsonAsync("/api/v1/incidents/1/timeline/import", body, Cancel);
        Assert.Equal((0, 3), Counts(await again.Content.ReadFromJsonAsync<JsonElement>(Cancel)));

        var imported = (await world.TimelineAsync(1)).Where(e => e.GetProperty("source").GetString() == "journal").ToList();
        Assert.Equal(3, imported.Count);
        Assert.All(imported, e => Assert.Equal("web-1", e.GetProperty("host").GetString()));
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 7, 0, 0, TimeSpan.Zero), imported[0].GetProperty("at").GetDateTimeOffset());
        Assert.Equal("unit", imported[2].GetProperty("kind").GetString());

        var missingKey = await world.As("Ana").PostAsJsonAsync("/api/v1/incidents/1/timeline/import", new { source = "journal", entries = new[] { new { at = "2026-11-24T07:00:00Z", text = "x" } } }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, missingKey.StatusCode);
    }

    private static (int, int) Counts(JsonElement e) => (e.GetProperty("added").GetInt32(), e.GetProperty("skipped").GetInt32());

    [Fact]
    public async Task ASnapshotIsStoredAndItsFindingsLandOnTheTimeline()
    {
        await using var world = await IncidentWorld.CreateAsync();
        await world.DeclareAsync(new { title = "Disk full", severity = "SEV2", services = new[] { world.Alerts.Service } });
        var snapshot = new
        {
            schema = "steady.snapshot/v1",
            host = new { hostname = "db-2", kernel = "6.1.0" },
            takenAt = "2026-11-24T08:55:00+00:00",
            findings = new[]
            {
                new { severity = "critical", area = "filesystem", text = "/var is 97% full, 4.1 GB held by deleted files open in pid 812 (java)", evidence = new[] { "/proc/812/fd" } },
                new { severity = "warning", area = "network", text = "41 sockets in CLOSE_WAIT on port 5432" , evidence = new[] { "/proc/net/tcp" } },
            },
            memory = new { totalBytes = 8_000_000_000L },
        };
        var created = await world.As("Ana").PostAsJsonAsync("/api/v1/incidents/1/evidence", snapshot, Cancel);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var answer = await created.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(2, answer.GetProperty("findings").GetInt32());
        var id = answer.GetProperty("id").GetGuid();

        var stored = await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/1/evidence/{id}", Cancel);
        Assert.Equal("db-2", stored.GetProperty("host").GetString());
        Assert.Equal(8_000_000_000L, stored.GetProperty("document").GetProperty("memory").GetProperty("totalBytes").GetInt64());
        var findings = (await world.TimelineAsync(1)).Where(e => e.GetProperty("kind").GetString() == "finding").ToList();
        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Equal("db-2", f.GetProperty("host").GetString()));
        Assert.Contains("/var is 97% full", findings[0].GetProperty("text").GetString(), StringComparison.Ordinal);

        var wrong = await world.As("Ana").PostAsJsonAsync("/api/v1/incidents/1/evidence", new { schema = "something/v9" }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("steady.snapshot/v1", await IncidentWorld.DetailAsync(wrong), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotesMayBeBackdatedAndPinnedAndActionsRecordWhatTheyDid()
    {
        await using var world = await IncidentWorld.CreateAsync();
        await world.DeclareAsync(new { title = "Queue backlog", severity = "SEV2", services = new[] { world.Alerts.Service } });
        var ana = world.As("Ana");
        var earlier = world.Host.Clock.GetUtcNow().AddMinutes(-45);
        var note = await ana.PostAsJsonAsync("/api/v1/incidents/1/notes", new { text = "First customer report by phone", at = earlier }, Cancel);
        var noteId = (await note.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();
        (await ana.PatchAsJsonAsync($"/api/v1/incidents/1/timeline/{noteId}", new { pinned = true }, Cancel)).EnsureSuccessStatusCode();

        var timeline = await world.TimelineAsync(1);
        Assert.Equal(noteId, timeline[0].GetProperty("id").GetGuid());
        Assert.Equal(earlier, timeline[0].GetProperty("at").GetDateTimeOffset());
        var pinned = await world.Admin.GetFromJsonAsync<JsonElement>("/api/v1/incidents/1/timeline?pinned=true", Cancel);
        Assert.Equal(noteId, Assert.Single(pinned.EnumerateArray()).GetProperty("id").GetGuid());

        var action = await ana.PostAsJsonAsync("/api/v1/incidents/1/actions", new { intent = "Pause the consumer autoscaler", expectedEffect = "Backlog stops growing", decidedBy = "Ben" }, Cancel);
        var actionId = (await action.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();
        var notDone = await ana.PatchAsJsonAsync($"/api/v1/incidents/1/actions/{actionId}", new { observedEffect = "backlog flat" }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, notDone.StatusCode);
        var observed = await ana.PatchAsJsonAsync($"/api/v1/incidents/1/actions/{actionId}", new { doneAt = world.Host.Clock.GetUtcNow(), observedEffect = "Backlog flat within 2 minutes" }, Cancel);
        Assert.Equal(HttpStatusCode.OK, observed.StatusCode);
        var recorded = Assert.Single((await world.GetAsync(1)).GetProperty("actions").EnumerateArray());
        Assert.Equal("Ben", recorded.GetProperty("decidedBy").GetString());
        Assert.Equal("Backlog flat within 2 minutes", recorded.GetProperty("observedEffect").GetString());
        Assert.Contains(await world.TimelineAsync(1), e => e.GetProperty("text").GetString()!.StartsWith("Observed effect of 'Pause the consumer autoscaler'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SeverityChangesNeedAReasonAndRaisingToSev1PagesThePolicy()
    {
        await using var world = await IncidentWorld.CreateAsync();
        await world.DeclareAsync(new { title = "Reports slow", severity = "SEV3", services = new[] { world.Alerts.Service } }, who: "Ben");
        var raised = await world.As("Ben").PostAsJsonAsync("/api/v1/incidents/1/severity", new { severity = "sev1", reason = "Checkout is affected too" }, Cancel);
        Assert.Equal(HttpStatusCode.OK, raised.StatusCode);
        var body = await raised.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("SEV1", body.GetProperty("severity").GetString());
        Assert.Equal(world.Host.Clock.GetUtcNow().AddMinutes(30), body.GetProperty("nextUpdateDueAt").GetDateTimeOffset());
        await IncidentWorld.EventuallyAsync(() => world.Phone("Ana").FirstOrDefault(), "the page on raising to SEV1");
        Assert.Contains(await world.TimelineAsync(1), e => e.GetProperty("text").GetString()!.Contains("raised from SEV3 to SEV1", StringComparison.Ordinal));
        Assert.True((await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/freeze?service={world.Alerts.Service}", Cancel)).GetProperty("frozen").GetBoolean());
    }

    [Fact]
    public async Task AManualFreezeHoldsUntilLifted()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var set = await world.As("Ana").PostAsJsonAsync("/api/v1/freeze", new { service = world.Alerts.Service, reason = "Black Friday" }, Cancel);
        var id = (await set.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();
        var frozen = await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/freeze?service={world.Alerts.Service}", Cancel);
        Assert.True(frozen.GetProperty("frozen").GetBoolean());
        Assert.Contains("Black Friday", frozen.GetProperty("reason").GetString(), StringComparison.Ordinal);
        (await world.As("Ana").DeleteAsync($"/api/v1/freeze/{id}", Cancel)).EnsureSuccessStatusCode();
        Assert.False((await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/freeze?service={world.Alerts.Service}", Cancel)).GetProperty("frozen").GetBoolean());
        Assert.Equal(HttpStatusCode.BadRequest, (await world.Admin.GetAsync("/api/v1/freeze", Cancel)).StatusCode);
    }
}
