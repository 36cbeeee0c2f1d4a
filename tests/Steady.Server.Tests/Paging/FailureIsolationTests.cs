using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steady.Core.OnCall;
using Steady.Server.Tests.Notify;
using Steady.Core.Paging;

namespace Steady.Server.Tests.Paging;

/// <summary>
/// The engine isolates failures (issue 12): a run whose step cannot be planned is handled on its own —
/// a policy shortened under it goes on from its new last step, one that cannot be run at all is marked
/// failed with the reason where people look — and the runs claimed with it page on time, at once, not
/// after their lease. The clock is controlled: "on time" is the very instant the step fell due.
/// </summary>
public sealed class FailureIsolationTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task APolicyShortenedWhileItsAlertEscalatesGoesOnFromItsNewLastStepAndTheRunClaimedWithItPagesOnTime()
    {
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var shrunk = await PagingWorld.CreateAsync(host, hooks, people: ["ann", "ben"]);
        var other = await PagingWorld.CreateAsync(host, hooks, people: ["cat", "dan"]);
        await shrunk.ThreeStepsAsync();
        await other.ThreeStepsAsync();
        var t0 = host.Clock.GetUtcNow();

        await shrunk.FireAsync("DiskFull", "critical");
        await other.FireAsync("ApiDown", "critical");
        await PagingWorld.EventuallyAsync(() => Count(hooks, "/ann") == 1 && Count(hooks, "/cat") == 1, "step 1 of both");
        await host.AdvanceAsync(TimeSpan.FromMinutes(1));
        await PagingWorld.EventuallyAsync(() => Count(hooks, "/ben") == 1 && Count(hooks, "/dan") == 1, "step 2 of both");

        // 75 s in, the first policy is cut to one step (the issue's case: step 3 no longer exists).
        await host.AdvanceAsync(TimeSpan.FromSeconds(15));
        await shrunk.ReplacePolicyAsync(($"primary-{shrunk.Suffix}", "1m"));

        // At 2 min both runs fall due and are claimed together: each pages at once.
        await host.AdvanceAsync(TimeSpan.FromSeconds(45));
        var due = t0.AddMinutes(2);
        await PagingWorld.EventuallyAsync(() => Count(hooks, "/ann") == 2 && Count(hooks, "/cat") == 2, "the shortened policy's last step and the other policy's step 3");

        var alert = await shrunk.AlertAsync();
        var view = await shrunk.NotificationsAsync(alert.GetProperty("id").GetGuid());
        var escalation = view.GetProperty("escalation");
        Assert.Equal("exhausted", escalation.GetProperty("state").GetString());
        Assert.Contains("was changed to 1 step while this escalated (it was due to run step 3); it goes on from its last step, step 1", escalation.GetProperty("note").GetString(), StringComparison.Ordinal);
        var again = view.GetProperty("deliveries").EnumerateArray().Last();
        Assert.Equal(1, again.GetProperty("step").GetInt32());
        Assert.Equal(due, again.GetProperty("createdAt").GetDateTimeOffset());
        var history = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/alerts/{alert.GetProperty("id").GetGuid()}", Cancel);
        var note = Assert.Single(history.GetProperty("history").EnumerateArray(), e => e.GetProperty("kind").GetString() == "paging");
        Assert.Contains("goes on from its last step, step 1", note.GetProperty("note").GetString(), StringComparison.Ordinal);

        var otherView = await other.NotificationsAsync((await other.AlertAsync()).GetProperty("id").GetGuid());
        var third = otherView.GetProperty("deliveries").EnumerateArray().Last();
        Assert.Equal(3, third.GetProperty("step").GetInt32());
        Assert.Equal(due, third.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal("sent", third.GetProperty("state").GetString());

        // Nothing is left failing: no run is held by a claim, none failed.
        var runs = await host.WithDbAsync((db, _) => db.EscalationRuns.AsNoTracking().ToListAsync(Cancel));
        Assert.All(runs, r => Assert.Null(r.LeaseOwner));
        Assert.DoesNotContain(runs, r => r.State == RunState.Failed);
    }

    [Fact]
    public async Task OnePoisonedRunAmongTwoHundredIsSetAsideAndTheOther199PageOnTimeAlsoAfterARestart()
    {
        using var hooks = new LoopbackReceiver();
        var host = await SteadyHost.StartAsync();
        var database = host.Database;
        // 199 groups on one service (one per instance), and one on another service, whose policy the engine will not be able to read.
        var many = await PagingWorld.CreateAsync(host, hooks, service: new { groupBy = new[] { "instance" } }, people: ["ann", "ben"]);
        var poisoned = await PagingWorld.CreateAsync(host, hooks, people: ["cat", "dan"]);
        var t0 = host.Clock.GetUtcNow();
        await many.FireAsync(Enumerable.Range(1, 199).Select(i => ("NodeDown", $"node-{i:D3}", "critical", $"node-{i:D3}:9100")).ToArray());
        await poisoned.FireAsync("ApiDown", "critical");
        var first = t0.AddMinutes(5);
        await PagingWorld.EventuallyAsync(
            async () => await host.WithDbAsync((db, _) => db.EscalationRuns.CountAsync(r => r.Step == 1 && r.NextDueAt == first && r.LeaseOwner == null, Cancel)) == 200,
            "step 1 of all 200 runs", seconds: 60);

        // The second policy's stored steps become unreadable (as data an older version wrote, or a bad restore, can be).
        var policyId = (await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/escalation-policies/payments-oncall-{poisoned.Suffix}", Cancel)).GetProperty("id").GetGuid();
        await host.WithDbAsync((db, _) => db.EscalationPolicies.Where(p => p.Id == policyId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Steps, "{not json"), Cancel));

        // All 200 fall due at the same instant and are claimed together.
        await host.AdvanceAsync(TimeSpan.FromMinutes(5));
        await PagingWorld.EventuallyAsync(
            async () => await host.WithDbAsync((db, _) => db.EscalationRuns.CountAsync(r => r.ServiceId == many.ServiceId && r.LastStepAt == first && r.LeaseOwner == null, Cancel)) == 199,
            "step 2 of the 199", seconds: 60);
        var steps = await host.WithDbAsync((db, _) => db.Deliveries.AsNoTracking().Where(d => d.ServiceId == many.ServiceId && d.Step == 1).ToListAsync(Cancel));
        Assert.Equal(199, steps.Select(d => d.GroupId).Distinct().Count());
        Assert.All(steps, d => Assert.Equal(first, d.CreatedAt));
        // They go to the secondary at once, as one message, or (when they were made over several commits) the rest within the bundle window.
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Any(r => r.PathAndQuery == "/ben"), "the secondary's page for the 199");
        await host.AdvanceAsync(TimeSpan.FromMinutes(1));
        await PagingWorld.EventuallyAsync(
            async () => await host.WithDbAsync((db, _) => db.Deliveries.CountAsync(d => d.ServiceId == many.ServiceId && d.Step == 1 && d.State == DeliveryState.Sent, Cancel)) == 199,
            "every page of step 2 sent");

        // The poisoned run is failed, saying why, on the alert's Paging section and API, in its history, on the console, on /metrics.
        var alertId = (await poisoned.AlertAsync()).GetProperty("id").GetGuid();
        var escalation = (await poisoned.NotificationsAsync(alertId)).GetProperty("escalation");
        Assert.Equal("failed", escalation.GetProperty("state").GetString());
        var reason = escalation.GetProperty("note").GetString()!;
        Assert.StartsWith("failed: Steady could not run step 2 (JsonException: ", reason, StringComparison.Ordinal);
        Assert.Null(escalation.GetProperty("nextEscalationAt").GetString());
        var detail = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/alerts/{alertId}", Cancel);
        var note = Assert.Single(detail.GetProperty("history").EnumerateArray(), e => e.GetProperty("kind").GetString() == "paging");
        Assert.Contains("Escalation failed: Steady could not run step 2 of it (JsonException: ", note.GetProperty("note").GetString(), StringComparison.Ordinal);
        var console = new ConsoleClient(host);
        await console.SignInAsync("admin@steady.local", await EscalationTests.SetAdminPasswordAsync(host));
        var page = System.Net.WebUtility.HtmlDecode(await console.GetPageAsync($"/alerts/{alertId}"));
        Assert.Contains("<strong>failed</strong>", page, StringComparison.Ordinal);
        Assert.Contains("Steady could not run step 2 (JsonException", page, StringComparison.Ordinal);
        var metrics = await host.Anonymous().GetStringAsync("/metrics", Cancel);
        Assert.Matches("steady_engine_failures_total\\{work=\"escalation\"\\} [1-9]", metrics);

        // After a restart the failed run stays aside (no failing pass, no claim), and a new alert pages at once.
        await host.DisposeAsyncKeepingDatabase();
        await using var restarted = await SteadyHost.StartAsync(database: database);
        var later = first.AddMinutes(10);
        restarted.Clock.SetUtcNow(later);
        var pagesBefore = hooks.Requests.Count(r => r.PathAndQuery == "/ann");
        var fired = await restarted.Anonymous().PostAsJsonAsync($"/intake/{many.Key}/alertmanager", Alerts.AlertWorld.Alertmanager("firing", ("DatabaseDown", "db1-down")), Cancel);
        Assert.True(fired.IsSuccessStatusCode, await fired.Content.ReadAsStringAsync(Cancel));
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count(r => r.PathAndQuery == "/ann") == pagesBefore + 1, "the new alert's page after the restart");
        var fresh = await restarted.WithDbAsync((db, _) => db.Deliveries.AsNoTracking().Where(d => d.ServiceId == many.ServiceId && d.CreatedAt == later).ToListAsync(Cancel));
        Assert.Equal(DeliveryState.Sent, Assert.Single(fresh).State);
        var run = await restarted.WithDbAsync((db, _) => db.EscalationRuns.AsNoTracking().SingleAsync(r => r.ServiceId == poisoned.ServiceId, Cancel));
        Assert.Equal(RunState.Failed, run.State);
        Assert.Null(run.LeaseOwner);
        Assert.Null(run.NextDueAt);
    }

    private static int Count(LoopbackReceiver hooks, string path) => hooks.Requests.Count(r => r.PathAndQuery == path);
}
