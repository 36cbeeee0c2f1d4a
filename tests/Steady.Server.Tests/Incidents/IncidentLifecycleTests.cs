using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Incidents;
using Steady.Server.Data;

namespace Steady.Server.Tests.Incidents;

public sealed class IncidentLifecycleTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<Guid> FireAsync(IncidentWorld world, string dedupKey, string summary = "Error rate above 5%")
    {
        (await world.Alerts.PostAsync("generic", new { summary, dedup_key = dedupKey, severity = "critical" })).EnsureSuccessStatusCode();
        return (await world.Alerts.AlertAsync(dedupKey)).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task ASev1DeclaredFromAnAlertLinksItsGroupPagesThePolicyTellsTheChannelAndFreezesTheService()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var alertId = await FireAsync(world, "pool-1");
        (await world.Admin.PostAsJsonAsync("/api/v1/changes", new { service = world.Alerts.Service, summary = "deploy v2.4.1", kind = "deploy", at = world.Host.Clock.GetUtcNow().AddHours(-1) }, Cancel)).EnsureSuccessStatusCode();
        (await world.Admin.PostAsJsonAsync("/api/v1/changes", new { service = world.Alerts.Service, summary = "too old to matter", at = world.Host.Clock.GetUtcNow().AddHours(-7) }, Cancel)).EnsureSuccessStatusCode();

        var incident = await world.DeclareAsync(new { severity = "SEV1", alertId }, who: "Ben");

        Assert.Equal(1, incident.GetProperty("number").GetInt32());
        Assert.Equal("Error rate above 5%", incident.GetProperty("title").GetString());
        Assert.Equal("triage", incident.GetProperty("status").GetString());
        Assert.Equal("Ben", incident.GetProperty("commander").GetString());
        Assert.Equal(alertId, Assert.Single(incident.GetProperty("alerts").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Equal(["Pause the deploy pipeline", "Revert the recent change"], incident.GetProperty("stabilizationChecklist").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("deploy v2.4.1", Assert.Single(incident.GetProperty("changesBefore").EnumerateArray()).GetProperty("summary").GetString());
        Assert.Equal(world.Host.Clock.GetUtcNow().AddMinutes(30), incident.GetProperty("nextUpdateDueAt").GetDateTimeOffset());

        // Ana is also paged for the alert itself by the paging engine; the SEV1 page comes on top of it.
        var page = await IncidentWorld.EventuallyAsync(() => world.Phone("Ana").FirstOrDefault(m => m.Text.Contains("SEV1 declared", StringComparison.Ordinal)), "the SEV1 page to reach Ana");
        Assert.Contains("SEV1 declared", page.Text, StringComparison.Ordinal);
        var told = await IncidentWorld.EventuallyAsync(() => world.Channel.FirstOrDefault(), "the declaration to reach the incident channel");
        Assert.Contains("declared SEV1", told.Text, StringComparison.Ordinal);

        var freeze = await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/freeze?service={world.Alerts.Service}", Cancel);
        Assert.True(freeze.GetProperty("frozen").GetBoolean());
        Assert.Equal(1, freeze.GetProperty("incident").GetInt32());

        var timeline = await world.TimelineAsync(1);
        Assert.Contains(timeline, e => e.GetProperty("kind").GetString() == "declared");
        Assert.Contains(timeline, e => e.GetProperty("kind").GetString() == "alert-triggered");
        Assert.Contains(timeline, e => e.GetProperty("kind").GetString() == "change");

        (await world.As("Ana").PostAsJsonAsync($"/api/v1/alerts/{alertId}/ack", new { }, Cancel)).EnsureSuccessStatusCode();
        Assert.Contains(await world.TimelineAsync(1), e => e.GetProperty("kind").GetString() == "alert-acknowledged" && e.GetProperty("text").GetString()!.Contains("Ana", StringComparison.Ordinal));

        var second = await world.DeclareAsync(new { title = "Slow reports", severity = "SEV3", services = new[] { world.Alerts.Service } });
        Assert.Equal(2, second.GetProperty("number").GetInt32());
        var mine = await world.As("Ben").GetFromJsonAsync<JsonElement>("/api/v1/incidents?mine=true", Cancel);
        var only = Assert.Single(mine.GetProperty("items").EnumerateArray());
        Assert.Equal(["commander"], only.GetProperty("myRoles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task TheCommanderIsHandedOverNeverDroppedAndTheDatabaseHoldsOnlyOne()
    {
        await using var world = await IncidentWorld.CreateAsync();
        await world.DeclareAsync(new { title = "Checkout fails", severity = "SEV2", services = new[] { world.Alerts.Service } });
        var ana = world.As("Ana");

        var handoff = await ana.PostAsJsonAsync("/api/v1/incidents/1/roles", new { role = "commander", user = world.People["Cleo"].Id.ToString() }, Cancel);
        Assert.Equal(HttpStatusCode.OK, handoff.StatusCode);
        Assert.Equal("Cleo", (await world.GetAsync(1)).GetProperty("commander").GetString());

        var toNobody = await ana.PostAsJsonAsync("/api/v1/incidents/1/roles", new { role = "commander" }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, toNobody.StatusCode);
        Assert.Contains("exactly one commander", await IncidentWorld.DetailAsync(toNobody), StringComparison.Ordinal);
        var removed = await ana.DeleteAsync($"/api/v1/incidents/1/roles/commander/{world.People["Cleo"].Id}", Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, removed.StatusCode);
        Assert.Equal("application/problem+json", removed.Content.Headers.ContentType?.MediaType);

        (await ana.PostAsJsonAsync("/api/v1/incidents/1/roles", new { role = "communications-lead", user = world.People["Dev"].Id.ToString() }, Cancel)).EnsureSuccessStatusCode();
        var roles = (await world.GetAsync(1)).GetProperty("roles").EnumerateArray().Select(r => (r.GetProperty("name").GetString(), r.GetProperty("role").GetString())).ToList();
        Assert.Equal([("Cleo", "commander"), ("Dev", "communications-lead")], roles);
        Assert.Contains(await world.TimelineAsync(1), e => e.GetProperty("kind").GetString() == "role" && e.GetProperty("text").GetString()!.Contains("handed over to Cleo", StringComparison.Ordinal));

        // Two commanders at once are refused by the database itself, not only by the code.
        var refused = await world.Host.WithDbAsync(async (db, _) =>
        {
            var incident = await db.Incidents.FirstAsync(i => i.Number == 1, Cancel);
            db.IncidentRoles.Add(new IncidentRoleAssignment { Id = Guid.NewGuid(), IncidentId = incident.Id, UserId = world.People["Ben"].Id, Role = IncidentRole.Commander, StartedAt = world.Host.Clock.GetUtcNow(), AssignedBy = "test" });
            try
            {
                await db.SaveChangesAsync(Cancel);
                return false;
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
            {
                return true;
            }
        });
        Assert.True(refused);
    }

    [Fact]
    public async Task BadInputIsRefusedClearlyAndChangesNothing()
    {
        await using var world = await IncidentWorld.CreateAsync();
        await world.DeclareAsync(new { title = "Login flaky", severity = "SEV2", services = new[] { world.Alerts.Service } });
        var ana = world.As("Ana");
        // The paging engine's entries (who was paged; paging stopped on resolve) come by themselves: count the rest.
        async Task<int> EntriesAsync() => (await world.TimelineAsync(1)).Count(e => e.GetProperty("kind").GetString() != "page");
        var before = await EntriesAsync();

        async Task RefusedAsync(HttpResponseMessage response, HttpStatusCode status, string words)
        {
            var text = await IncidentWorld.DetailAsync(response);
            Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(words, text, StringComparison.Ordinal);
        }

        await RefusedAsync(await ana.PostAsJsonAsync("/api/v1/incidents/1/updates", new { known = " ", unknown = "why", doing = "" }, Cancel), HttpStatusCode.BadRequest, "'known' is required");
        await RefusedAsync(await ana.PostAsJsonAsync("/api/v1/incidents/1/severity", new { severity = "SEV1" }, Cancel), HttpStatusCode.BadRequest, "'reason' is required");
        await RefusedAsync(await ana.PostAsJsonAsync("/api/v1/incidents/1/severity", new { severity = "SEV9", reason = "x" }, Cancel), HttpStatusCode.BadRequest, "SEV1, SEV2, SEV3");
        (await ana.PostAsJsonAsync("/api/v1/incidents/1/status", new { status = "mitigated" }, Cancel)).EnsureSuccessStatusCode();
        before++;
        await RefusedAsync(await ana.PostAsJsonAsync("/api/v1/incidents/1/status", new { status = "triage" }, Cancel), HttpStatusCode.BadRequest, "needs a reason");
        await RefusedAsync(await ana.PostAsJsonAsync("/api/v1/incidents/1/close", new { cause = "x" }, Cancel), HttpStatusCode.Conflict, "Only a resolved incident");
        (await ana.PostAsJsonAsync("/api/v1/incidents/1/status", new { status = "resolved" }, Cancel)).EnsureSuccessStatusCode();
        before++;
        await RefusedAsync(await ana.PostAsJsonAsync("/api/v1/incidents/1/close", new { whatHappened = "pool exhausted", cause = "deploy" }, Cancel), HttpStatusCode.BadRequest, "Closing needs the written record");
        await RefusedAsync(await ana.PostAsJsonAsync("/api/v1/incidents/1/actions", new { intent = "restart" }, Cancel), HttpStatusCode.BadRequest, "'expectedEffect' is required");
        await RefusedAsync(await ana.PostAsJsonAsync("/api/v1/incidents/1/notes", new { text = "later", at = world.Host.Clock.GetUtcNow().AddHours(1) }, Cancel), HttpStatusCode.BadRequest, "cannot be in the future");
        await RefusedAsync(await world.As("Ben").PostAsJsonAsync("/api/v1/incidents/1/roles", new { role = "boss", user = "x" }, Cancel), HttpStatusCode.BadRequest, "'role' must be");
        await RefusedAsync(await ana.PostAsJsonAsync("/api/v1/incidents", new { title = "x", severity = "SEV1" }, Cancel), HttpStatusCode.BadRequest, "Name the affected service");
        await RefusedAsync(await ana.GetAsync("/api/v1/incidents/99", Cancel), HttpStatusCode.NotFound, "#99");

        var incident = await world.GetAsync(1);
        Assert.Equal("resolved", incident.GetProperty("status").GetString());
        Assert.Equal("SEV2", incident.GetProperty("severity").GetString());
        Assert.Equal(JsonValueKind.Null, incident.GetProperty("record").ValueKind);
        Assert.Empty(incident.GetProperty("updates").EnumerateArray());
        Assert.Equal(before, await EntriesAsync());
        Assert.Single((await world.Admin.GetFromJsonAsync<JsonElement>("/api/v1/incidents", Cancel)).GetProperty("items").EnumerateArray());

        var closed = await ana.PostAsJsonAsync("/api/v1/incidents/1/close", new
        {
            whatHappened = "Logins failed for 20 minutes",
            whatWasDone = "Rolled back the session store change",
            failedAssumptions = "That the session store failover was tested",
            whatShouldChange = "Test failover monthly",
            cause = "A config change pointed sessions at a read-only replica",
        }, Cancel);
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        var record = (await closed.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("record");
        Assert.Equal("A config change pointed sessions at a read-only replica", record.GetProperty("cause").GetString());
    }

    [Fact]
    public async Task ResolutionIsRefusedUntilAlertsAndChecksHaveBeenHealthyLongEnoughOrTheCommanderOverrides()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var alertId = await FireAsync(world, "api-5xx");
        await world.DeclareAsync(new { severity = "SEV1", alertId });
        var ana = world.As("Ana");
        var clock = world.Host.Clock;

        var open = await ana.PostAsJsonAsync("/api/v1/incidents/1/status", new { status = "resolved" }, Cancel);
        Assert.Equal(HttpStatusCode.Conflict, open.StatusCode);
        Assert.Contains("still unhealthy: alert 'Error rate above 5%'", await IncidentWorld.DetailAsync(open), StringComparison.Ordinal);

        (await ana.PostAsJsonAsync($"/api/v1/alerts/{alertId}/resolve", new { }, Cancel)).EnsureSuccessStatusCode();
        clock.Advance(TimeSpan.FromMinutes(4));
        var young = await ana.PostAsJsonAsync("/api/v1/incidents/1/status", new { status = "resolved" }, Cancel);
        Assert.Equal(HttpStatusCode.Conflict, young.StatusCode);
        Assert.Contains("healthy for less than 10 min", await IncidentWorld.DetailAsync(young), StringComparison.Ordinal);
        Assert.Equal(clock.GetUtcNow().AddMinutes(6), (await world.GetAsync(1)).GetProperty("resolution").GetProperty("allowedAt").GetDateTimeOffset());

        // A failing check on the incident's service holds resolution too; only the commander may override.
        var checkId = await world.Host.WithDbAsync(async (db, _) =>
        {
            var check = new Steady.Core.Alerts.Check { Id = Guid.NewGuid(), ServiceId = world.Alerts.ServiceId, Name = "api-health", Target = "127.0.0.1:9", Kind = Steady.Core.Alerts.CheckKind.Tcp, Enabled = true, LastOk = false, LastMessage = "connection refused", NextRunAt = clock.GetUtcNow().AddDays(1), CreatedAt = clock.GetUtcNow() };
            db.Checks.Add(check);
            db.CheckResults.Add(new Steady.Core.Alerts.CheckResult { Id = Guid.NewGuid(), CheckId = check.Id, At = clock.GetUtcNow(), Ok = false, Message = "connection refused" });
            await db.SaveChangesAsync(Cancel);
            return check.Id;
        });
        clock.Advance(TimeSpan.FromMinutes(10));
        var failing = await ana.PostAsJsonAsync("/api/v1/incidents/1/status", new { status = "resolved" }, Cancel);
        Assert.Contains("check 'api-health' (connection refused)", await IncidentWorld.DetailAsync(failing), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await world.As("Ben").PostAsJsonAsync("/api/v1/incidents/1/status", new { status = "resolved", @override = "customers confirm" }, Cancel)).StatusCode);

        await world.Host.WithDbAsync(async (db, _) =>
        {
            var check = await db.Checks.FirstAsync(c => c.Id == checkId, Cancel);
            check.LastOk = true;
            db.CheckResults.Add(new Steady.Core.Alerts.CheckResult { Id = Guid.NewGuid(), CheckId = checkId, At = clock.GetUtcNow(), Ok = true, Message = "ok" });
            return await db.SaveChangesAsync(Cancel);
        });
        clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(HttpStatusCode.Conflict, (await ana.PostAsJsonAsync("/api/v1/incidents/1/status", new { status = "resolved" }, Cancel)).StatusCode);
        clock.Advance(TimeSpan.FromMinutes(1));
        var resolved = await ana.PostAsJsonAsync("/api/v1/incidents/1/status", new { status = "resolved" }, Cancel);
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        var body = await resolved.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("resolved", body.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("nextUpdateDueAt").ValueKind);
        Assert.False((await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/freeze?service={world.Alerts.Service}", Cancel)).GetProperty("frozen").GetBoolean());
    }

    [Fact]
    public async Task TheCommanderMayOverrideResolutionWithAReasonThatIsRecorded()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var alertId = await FireAsync(world, "override-1");
        await world.DeclareAsync(new { severity = "SEV2", alertId });
        var resolved = await world.As("Ana").PostAsJsonAsync("/api/v1/incidents/1/status", new { status = "resolved", @override = "the alert source is down; customers confirm recovery" }, Cancel);
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        Assert.Equal("the alert source is down; customers confirm recovery", (await resolved.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("resolutionOverride").GetString());
        Assert.Contains(await world.TimelineAsync(1), e => e.GetProperty("text").GetString()!.Contains("overridden by the commander", StringComparison.Ordinal));
    }
}
