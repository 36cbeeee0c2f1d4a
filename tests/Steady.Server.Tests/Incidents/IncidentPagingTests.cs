using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steady.Core.OnCall;
using Steady.Server.Tests.Notify;
using Steady.Core.Paging;

namespace Steady.Server.Tests.Incidents;

/// <summary>An incident's pages go through the durable paging engine: runs step by step with waits, stop on acknowledgement or resolution, land on the timeline.</summary>
public sealed class IncidentPagingTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>The service's policy becomes Ana, then (5 minutes on) Ben.</summary>
    internal static async Task TwoStepPolicyAsync(IncidentWorld world)
    {
        var policy = await world.Admin.PostAsJsonAsync("/api/v1/escalation-policies", new
        {
            name = "incident-chain",
            team = world.Alerts.TeamId.ToString(),
            escalation_chain = new object[]
            {
                new { notify = world.People["Ana"].Id.ToString(), wait = "5m" },
                new { notify = world.People["Ben"].Id.ToString(), wait = "5m" },
            },
        }, Cancel);
        Assert.True(policy.IsSuccessStatusCode, await policy.Content.ReadAsStringAsync(Cancel));
        (await world.Admin.PatchAsJsonAsync($"/api/v1/services/{world.Alerts.ServiceId}", new { escalationPolicy = "incident-chain" }, Cancel)).EnsureSuccessStatusCode();
    }

    private static Task<ReceivedRequest> PageAsync(IncidentWorld world, string who, string text) =>
        IncidentWorld.EventuallyAsync(() => world.Phone(who).FirstOrDefault(r => r.Text.Contains(text, StringComparison.Ordinal)), $"the page '{text}' to reach {who}");

    private static async Task<List<string>> TimelineTextsAsync(IncidentWorld world, int number) =>
        (await world.TimelineAsync(number)).Select(e => e.GetProperty("text").GetString()!).ToList();

    [Fact]
    public async Task ASev1PageEscalatesStepByStepThroughTheEngineAndStopsWhenItsLinkAcknowledges()
    {
        await using var world = await IncidentWorld.CreateAsync();
        await TwoStepPolicyAsync(world);
        var number = (await world.DeclareAsync(new { title = "Checkout down", severity = "SEV1", services = new[] { world.Alerts.Service } }, who: "Cleo")).GetProperty("number").GetInt32();

        // Step 1: Ana, through the outbox, with an idempotency key and a signed acknowledge link.
        var page = await PageAsync(world, "Ana", "SEV1 declared: Checkout down");
        var body = page.Json();
        Assert.Equal("page", body.GetProperty("kind").GetString());
        Assert.StartsWith("Incident #1 (SEV1): Checkout down", body.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("dlv-", body.GetProperty("idempotencyKey").GetString(), StringComparison.Ordinal);
        var ack = new Uri(body.GetProperty("ackUrl").GetString()!);
        var pages = await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{number}/pages", Cancel);
        var first = Assert.Single(pages.EnumerateArray());
        Assert.Equal(world.People["Ana"].Id, first.GetProperty("userId").GetGuid());
        Assert.Equal(body.GetProperty("idempotencyKey").GetString(), first.GetProperty("idempotencyKey").GetString());
        var run = await world.Host.WithDbAsync((db, _) => db.EscalationRuns.AsNoTracking().SingleAsync(r => r.IncidentId != null, Cancel));
        Assert.Null(run.GroupId);
        Assert.Equal(RunState.Active, run.State);
        Assert.Equal(world.Host.Clock.GetUtcNow().AddMinutes(5), run.NextDueAt);
        var texts = await TimelineTextsAsync(world, number);
        Assert.True(texts.Any(t => t.StartsWith("Paged Ana step 1 of escalation policy incident-chain: SEV1 declared", StringComparison.Ordinal)), string.Join("\n", texts));
        Assert.Empty(world.Phone("Ben"));

        // Nobody answers: 5 minutes on, step 2 pages Ben.
        await world.Host.AdvanceAsync(TimeSpan.FromMinutes(5));
        await PageAsync(world, "Ben", "SEV1 declared: Checkout down");
        Assert.Contains(await TimelineTextsAsync(world, number), t => t.StartsWith("Paged Ben step 2 of escalation policy incident-chain", StringComparison.Ordinal));

        // Ana's link acknowledges: the escalation stops, on the timeline; the link works once.
        var browser = new ConsoleClient(world.Host);
        var acked = await browser.PostFormAsync(ack.PathAndQuery, ack.PathAndQuery);
        var ackedText = System.Net.WebUtility.HtmlDecode(await acked.Content.ReadAsStringAsync(Cancel));
        Assert.True(acked.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect, ackedText);
        run = await world.Host.WithDbAsync((db, _) => db.EscalationRuns.AsNoTracking().SingleAsync(r => r.IncidentId != null, Cancel));
        Assert.Equal(RunState.Acknowledged, run.State);
        Assert.Null(run.NextDueAt);
        Assert.Contains(await TimelineTextsAsync(world, number), t => t == "Ana acknowledged the page (from the link): escalation stopped");
        Assert.NotNull((await world.GetAsync(number)).GetProperty("acknowledgedAt").GetString());
        // Nothing is left to send: no run is due, no delivery is waiting.
        Assert.Equal(0, await world.Host.WithDbAsync((db, _) => db.Deliveries.CountAsync(d => d.IncidentId != null && DeliveryStates.Pending.Contains(d.State), Cancel)));
        Assert.Single(world.Phone("Ben"), r => r.Text.Contains("SEV1 declared", StringComparison.Ordinal));
        Assert.Single(world.Phone("Ana"), r => r.Text.Contains("SEV1 declared", StringComparison.Ordinal));
        var again = await browser.GetAsync(ack.PathAndQuery);
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        Assert.Contains("already used", System.Net.WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync(Cancel)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcknowledgingThroughTheApiOrResolvingStopsTheEscalationBeforeItsNextStep()
    {
        await using var world = await IncidentWorld.CreateAsync();
        await TwoStepPolicyAsync(world);
        var acknowledged = (await world.DeclareAsync(new { title = "Queue stuck", severity = "SEV1", services = new[] { world.Alerts.Service } }, who: "Cleo")).GetProperty("number").GetInt32();
        await PageAsync(world, "Ana", "SEV1 declared: Queue stuck");
        var ack = await world.As("Dev").PostAsJsonAsync($"/api/v1/incidents/{acknowledged}/acknowledge", new { }, Cancel);
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        Assert.Contains(await TimelineTextsAsync(world, acknowledged), t => t == "Dev acknowledged the incident's pages: escalation stopped");
        var twice = await world.As("Dev").PostAsJsonAsync($"/api/v1/incidents/{acknowledged}/acknowledge", new { }, Cancel);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Contains("Nothing is paging", await IncidentWorld.DetailAsync(twice), StringComparison.Ordinal);

        var resolved = (await world.DeclareAsync(new { title = "Reports broken", severity = "SEV1", services = new[] { world.Alerts.Service } }, who: "Cleo")).GetProperty("number").GetInt32();
        await PageAsync(world, "Ana", "SEV1 declared: Reports broken");
        (await world.As("Cleo").PostAsJsonAsync($"/api/v1/incidents/{resolved}/status", new { status = "resolved", @override = "fixed by hand" }, Cancel)).EnsureSuccessStatusCode();
        Assert.Contains(await TimelineTextsAsync(world, resolved), t => t == "Paging stopped: the incident is resolved");

        // Both runs stopped before their second step: nothing is due, and Ben was never paged.
        var runs = await world.Host.WithDbAsync((db, _) => db.EscalationRuns.AsNoTracking().Where(r => r.IncidentId != null).OrderBy(r => r.StartedAt).ThenBy(r => r.Id).ToListAsync(Cancel));
        Assert.Equal([RunState.Acknowledged, RunState.Resolved], runs.Select(r => r.State));
        Assert.All(runs, r => Assert.Null(r.NextDueAt));
        Assert.DoesNotContain(world.Phone("Ben"), r => r.Text.Contains("SEV1 declared", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnUpdateThatStaysOverdueRunsTheCommandersEscalationThroughTheEngineOnce()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var number = (await world.DeclareAsync(new { title = "Slow search", severity = "SEV2", services = new[] { world.Alerts.Service } }, who: "Cleo")).GetProperty("number").GetInt32();
        // A SEV2 pages on-call at once (the declare page); the escalation is a run of its own, later.
        Assert.Equal(1, await world.Host.WithDbAsync((db, _) => db.EscalationRuns.CountAsync(r => r.IncidentId != null, Cancel)));

        await world.Host.AdvanceAsync(TimeSpan.FromMinutes(61)); // overdue: the reminder (the incident's outbox)
        await IncidentWorld.EventuallyAsync(() => world.Phone("Cleo").FirstOrDefault(r => r.Text.Contains("Update overdue", StringComparison.Ordinal)), "the reminder");
        await world.Host.AdvanceAsync(TimeSpan.FromMinutes(10)); // still overdue: the escalation, through the engine
        var page = await PageAsync(world, "Ana", "has been overdue");
        Assert.Equal("page", page.Json().GetProperty("kind").GetString());
        Assert.NotNull(page.Json().GetProperty("ackUrl").GetString());
        var run = await world.Host.WithDbAsync((db, _) => db.EscalationRuns.AsNoTracking().SingleAsync(r => r.IncidentId != null && r.Key!.StartsWith("escalate:"), Cancel));
        Assert.Equal($"escalate:{world.Host.Clock.GetUtcNow().AddMinutes(-71).AddMinutes(60).ToUnixTimeSeconds()}:policy:", run.Key![..(run.Key!.LastIndexOf(':') + 1)]);
        var pages = await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{number}/pages", Cancel);
        var incidentId = (await world.GetAsync(number)).GetProperty("id").GetGuid();
        Assert.All(pages.EnumerateArray(), p => Assert.Equal(incidentId, p.GetProperty("incidentId").GetGuid()));
        Assert.Equal(2, pages.GetArrayLength()); // Ana, paged on declare and by the escalation
        Assert.Contains(await TimelineTextsAsync(world, number), t => t.StartsWith("Paged Ana step 1 of escalation policy payments-oncall: The status update for incident #1 has been overdue", StringComparison.Ordinal));
        Assert.Equal(0, await world.Host.WithDbAsync((db, _) => db.IncidentNotices.CountAsync(n => n.Kind == "page" || n.Kind == "escalate", Cancel)));
    }

    [Fact]
    public async Task WithoutAPolicyTheEscalationPagesTheCommanderThroughTheEngine()
    {
        await using var world = await IncidentWorld.CreateAsync();
        (await world.Admin.PatchAsJsonAsync($"/api/v1/services/{world.Alerts.ServiceId}", new { escalationPolicy = "" }, Cancel)).EnsureSuccessStatusCode();
        var number = (await world.DeclareAsync(new { title = "Slow search", severity = "SEV2", services = new[] { world.Alerts.Service } }, who: "Dev")).GetProperty("number").GetInt32();
        await world.Host.AdvanceAsync(TimeSpan.FromMinutes(61));
        await IncidentWorld.EventuallyAsync(() => world.Phone("Dev").FirstOrDefault(r => r.Text.Contains("Update overdue", StringComparison.Ordinal)), "the reminder");
        await world.Host.AdvanceAsync(TimeSpan.FromMinutes(10));
        await PageAsync(world, "Dev", "has been overdue");
        var run = await world.Host.WithDbAsync((db, _) => db.EscalationRuns.AsNoTracking().SingleAsync(r => r.IncidentId != null, Cancel));
        Assert.Equal(world.People["Dev"].Id, run.TargetUserId);
        Assert.Equal(RunState.Exhausted, run.State);
        Assert.Contains(await TimelineTextsAsync(world, number), t => t.StartsWith("Paged Dev directly: The status update", StringComparison.Ordinal));
    }
}
