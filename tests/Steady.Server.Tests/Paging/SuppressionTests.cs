using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Steady.Server.Tests.Notify;

namespace Steady.Server.Tests.Paging;

/// <summary>
/// Silences and maintenance windows tell the truth, under a controlled clock: an alert is marked only
/// while one is on; when it ends (by itself or by a person) the mark comes off, and an alert still
/// triggered pages the on-call person then — an acknowledged one does not. Ending one twice is a 409.
/// </summary>
public sealed class SuppressionTests
{
    [Fact]
    public async Task WhenAMaintenanceWindowRunsOutAnAlertThatFiredDuringItAndIsStillTriggeredPages()
    {
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var world = await PagingWorld.CreateAsync(host, hooks);
        var window = await CreatedIdAsync(await host.Admin().PostAsJsonAsync($"/api/v1/services/{world.ServiceId}/maintenance", new { reason = "kernel upgrade", durationMinutes = 30 }));

        await world.FireAsync("NodeRebooting", "critical");
        var alert = await world.AlertAsync();
        var alertId = alert.GetProperty("id").GetGuid();
        Assert.Equal(window, alert.GetProperty("maintenanceId").GetGuid());
        await host.AdvanceAsync(TimeSpan.FromMinutes(29));
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Empty(hooks.Requests);

        // The window runs out: nobody ends it, the mark comes off by itself and the alert pages the on-call person.
        await host.AdvanceAsync(TimeSpan.FromMinutes(1));
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 1, "the page after the window ended");
        Assert.Equal("/ann", hooks.Requests[0].PathAndQuery);
        Assert.Contains("NodeRebooting", hooks.Requests[0].Text, StringComparison.Ordinal);
        alert = await world.AlertAsync();
        Assert.Equal(JsonValueKind.Null, alert.GetProperty("maintenanceId").ValueKind);
        var history = (await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/alerts/{alertId}", TestContext.Current.CancellationToken)).GetProperty("history");
        Assert.Contains(history.EnumerateArray(), e => e.GetProperty("kind").GetString() == "maintenance-ended"
            && e.GetProperty("note").GetString() == "kernel upgrade — ended; still triggered, so it pages now");
        Assert.Equal("active", (await world.NotificationsAsync(alertId)).GetProperty("escalation").GetProperty("state").GetString());

        // Ending it now is refused: it is over.
        var again = await host.Admin().DeleteAsync($"/api/v1/services/{world.ServiceId}/maintenance/{window}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        var problem = await again.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("This maintenance window already ended at 2026-11-24 09:30 UTC; there is nothing to end.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task EndingAWindowPagesItsTriggeredAlertsAtOnceAcknowledgedOnesOnlyLoseTheMarkAndEndingItTwiceIsRefused()
    {
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var world = await PagingWorld.CreateAsync(host, hooks, service: new { groupBy = new[] { "alertname" } });
        var window = await CreatedIdAsync(await host.Admin().PostAsJsonAsync($"/api/v1/services/{world.ServiceId}/maintenance", new { reason = "database failover", durationMinutes = 60 }));
        await world.FireAsync(("ReplicaLag", "f-lag", "critical", "db-2:9100"), ("DiskFull", "f-disk", "critical", "db-1:9100"));
        var alerts = await AlertsByNameAsync(host, world);
        (await host.Admin().PostAsJsonAsync($"/api/v1/alerts/{alerts["DiskFull"]}/ack", new { }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        await host.AdvanceAsync(TimeSpan.FromMinutes(10));

        var ended = await host.Admin().DeleteAsync($"/api/v1/services/{world.ServiceId}/maintenance/{window}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, ended.StatusCode);
        Assert.False((await ended.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("active").GetBoolean());
        // The answer comes after the marks are off.
        foreach (var id in alerts.Values)
            Assert.Equal(JsonValueKind.Null, (await AlertOfAsync(host, id)).GetProperty("maintenanceId").ValueKind);
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 1, "the still-triggered alert's page");
        Assert.Contains("ReplicaLag", hooks.Requests[0].Text, StringComparison.Ordinal);
        var acknowledged = (await DetailAsync(host, alerts["DiskFull"])).GetProperty("history");
        Assert.Contains(acknowledged.EnumerateArray(), e => e.GetProperty("note").GetString() == "database failover — ended; acknowledged, so nobody is paged");
        await host.AdvanceAsync(TimeSpan.FromMinutes(2));
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Single(hooks.Requests);

        var twice = await host.Admin().DeleteAsync($"/api/v1/services/{world.ServiceId}/maintenance/{window}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Equal("This maintenance window already ended at 2026-11-24 09:10 UTC; there is nothing to end.",
            (await twice.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("detail").GetString());

        // A window called off before it started cannot be ended either.
        var later = await CreatedIdAsync(await host.Admin().PostAsJsonAsync($"/api/v1/services/{world.ServiceId}/maintenance",
            new { reason = "next week", startsAt = host.Clock.GetUtcNow().AddDays(7), durationMinutes = 60 }, TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.OK, (await host.Admin().DeleteAsync($"/api/v1/services/{world.ServiceId}/maintenance/{later}", TestContext.Current.CancellationToken)).StatusCode);
        var calledOff = await host.Admin().DeleteAsync($"/api/v1/services/{world.ServiceId}/maintenance/{later}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, calledOff.StatusCode);
        Assert.Equal("This maintenance window was called off before it started (it was to start at 2026-12-01 09:12 UTC); there is nothing to end.",
            (await calledOff.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ExpiringASilencePagesWhatItAloneCoveredAnotherSilenceStillCoveringKeepsItsAlertQuietAndExpiringTwiceIsRefused()
    {
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var world = await PagingWorld.CreateAsync(host, hooks, service: new { groupBy = new[] { "alertname" } });
        var broad = await CreatedIdAsync(await host.Admin().PostAsJsonAsync("/api/v1/silences", new
        {
            service = world.Service,
            matchers = new[] { new { name = "instance", value = "db-1:9100|web-1:9100", isRegex = true } },
            reason = "rack move",
            durationMinutes = 60,
        }));
        await world.FireAsync(("DiskFull", "f-disk", "critical", "db-1:9100"), ("CpuHot", "f-cpu", "critical", "web-1:9100"));
        var alerts = await AlertsByNameAsync(host, world);
        var narrow = await CreatedIdAsync(await host.Admin().PostAsJsonAsync("/api/v1/silences", new
        {
            service = world.Service,
            matchers = new[] { new { name = "alertname", value = "DiskFull" } },
            reason = "disk replacement",
            durationMinutes = 120,
        }));
        Assert.Equal(broad, (await AlertOfAsync(host, alerts["DiskFull"])).GetProperty("silencedBy").GetGuid());

        (await host.Admin().DeleteAsync($"/api/v1/silences/{broad}", TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 1, "the page for the alert only the expired silence covered");
        Assert.Contains("CpuHot", hooks.Requests[0].Text, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, (await AlertOfAsync(host, alerts["CpuHot"])).GetProperty("silencedBy").ValueKind);
        var disk = await DetailAsync(host, alerts["DiskFull"]);
        Assert.Equal(narrow, disk.GetProperty("alert").GetProperty("silencedBy").GetGuid());
        Assert.Contains(disk.GetProperty("history").EnumerateArray(), e => e.GetProperty("kind").GetString() == "silence-ended"
            && e.GetProperty("note").GetString() == "rack move — ended; still covered by another silence or maintenance window");
        var twice = await host.Admin().DeleteAsync($"/api/v1/silences/{broad}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Equal("This silence already expired at 2026-11-24 09:00 UTC; there is nothing to expire.",
            (await twice.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("detail").GetString());

        // The second silence runs out by itself: the disk alert pages then.
        await host.AdvanceAsync(TimeSpan.FromMinutes(119));
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(hooks.Requests, r => r.Text.Contains("DiskFull", StringComparison.Ordinal));
        await host.AdvanceAsync(TimeSpan.FromMinutes(1));
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Any(r => r.PathAndQuery == "/ann" && r.Text.Contains("DiskFull", StringComparison.Ordinal)), "the disk alert's page when the second silence ran out");
        Assert.Equal(JsonValueKind.Null, (await AlertOfAsync(host, alerts["DiskFull"])).GetProperty("silencedBy").ValueKind);
    }

    [Fact]
    public async Task AWindowPlannedForLaterStopsThePagingOfOpenAlertsWhenItStartsAndPagesThemAgainWhenItEnds()
    {
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var world = await PagingWorld.CreateAsync(host, hooks);
        await world.FireAsync("LoadHigh", "critical");
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 1, "step 1's page");
        var alertId = (await world.AlertAsync()).GetProperty("id").GetGuid();
        var window = await CreatedIdAsync(await host.Admin().PostAsJsonAsync($"/api/v1/services/{world.ServiceId}/maintenance",
            new { reason = "planned reboot", startsAt = host.Clock.GetUtcNow().AddMinutes(2), durationMinutes = 30 }));
        Assert.Equal(JsonValueKind.Null, (await AlertOfAsync(host, alertId)).GetProperty("maintenanceId").ValueKind);

        await host.AdvanceAsync(TimeSpan.FromMinutes(2));
        await PagingWorld.EventuallyAsync(async () => (await AlertOfAsync(host, alertId)).GetProperty("maintenanceId").ValueKind == JsonValueKind.String, "the window to cover the open alert as it starts");
        Assert.Equal(window, (await AlertOfAsync(host, alertId)).GetProperty("maintenanceId").GetGuid());
        // Step 2 falls due during the window: the run stops instead of paging the secondary.
        await host.AdvanceAsync(TimeSpan.FromMinutes(3));
        await PagingWorld.EventuallyAsync(async () => (await world.NotificationsAsync(alertId)).GetProperty("escalation").GetProperty("state").GetString() == "suppressed", "the run to stop");
        Assert.Single(hooks.Requests);

        await host.AdvanceAsync(TimeSpan.FromMinutes(27));
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 2, "the page when the window ended");
        Assert.Equal("/ann", hooks.Requests[1].PathAndQuery);
        Assert.Equal("active", (await world.NotificationsAsync(alertId)).GetProperty("escalation").GetProperty("state").GetString());
    }

    [Fact]
    public async Task AnAlertLeavingMaintenanceIntoAGroupAcknowledgedMeanwhilePagesTheAcknowledgerAndAMoreSevereOneTriggersTheGroupAgain()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var world = await PagingWorld.CreateAsync(host, hooks);

        // The disk fills; ann is paged and acknowledges through her link.
        await world.FireAsync(("DiskFull", "fp-disk", "warning", "web-1"));
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 1, "ann's page");
        var ackUrl = new Uri(hooks.Requests[0].Json().GetProperty("ackUrl").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await new ConsoleClient(host).PostFormAsync(ackUrl.PathAndQuery, ackUrl.PathAndQuery)).StatusCode);

        // A maintenance window; during it two new alerts join the acknowledged group, quietly.
        var window = await CreatedIdAsync(await host.Admin().PostAsJsonAsync($"/api/v1/services/{world.ServiceId}/maintenance", new { reason = "kernel upgrade", durationMinutes = 30 }, cancel));
        await world.FireAsync(("LoadHigh", "fp-load", "warning", "web-1"));
        var alerts = await AlertsByNameAsync(host, world);
        Assert.Equal(window, (await AlertOfAsync(host, alerts["LoadHigh"])).GetProperty("maintenanceId").GetGuid());
        await host.AdvanceAsync(TimeSpan.FromMinutes(29));
        await Task.Delay(300, cancel);
        Assert.Single(hooks.Requests);

        // The window runs out with LoadHigh still firing: nobody was told of it, so ann, who holds the group, is paged about it.
        await host.AdvanceAsync(TimeSpan.FromMinutes(1));
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 2, "the page telling ann of the alert that left maintenance");
        Assert.Equal("/ann", hooks.Requests[1].PathAndQuery);
        Assert.Equal("New alert in a group you acknowledged: LoadHigh on web-1", hooks.Requests[1].Json().GetProperty("title").GetString());
        var detail = await DetailAsync(host, alerts["LoadHigh"]);
        Assert.Contains("is paged about it", detail.GetProperty("joinedAcknowledgedGroup").GetString()!, StringComparison.Ordinal);
        Assert.Contains(detail.GetProperty("history").EnumerateArray(), e => e.GetProperty("kind").GetString() == "maintenance-ended"
            && e.GetProperty("note").GetString() == "kernel upgrade — ended; still triggered, in a group acknowledged meanwhile");
        Assert.Equal("acknowledged", (await world.NotificationsAsync(alerts["DiskFull"])).GetProperty("escalation").GetProperty("state").GetString());

        // A silence hides a critical alert in the same group; when it is lifted the alert is more severe than anything
        // the group held, so the group triggers again and pages through its policy from the first step.
        var silence = await CreatedIdAsync(await host.Admin().PostAsJsonAsync("/api/v1/silences", new
        {
            service = world.Service,
            matchers = new[] { new { name = "alertname", value = "Payments5xx" } },
            reason = "known provider outage",
            durationMinutes = 60,
        }, cancel));
        await world.FireAsync(("Payments5xx", "fp-5xx", "critical", "web-1"));
        alerts = await AlertsByNameAsync(host, world);
        Assert.Equal(silence, (await AlertOfAsync(host, alerts["Payments5xx"])).GetProperty("silencedBy").GetGuid());
        (await host.Admin().DeleteAsync($"/api/v1/silences/{silence}", cancel)).EnsureSuccessStatusCode();
        // Ann was paged a moment ago, so step 1 waits for her bundle window (a minute) rather than ringing twice at once.
        await PagingWorld.EventuallyAsync(async () => (await world.NotificationsAsync(alerts["Payments5xx"])).GetProperty("escalation") is var run
            && run.GetProperty("state").GetString() == "active" && run.GetProperty("nextStep").GetInt32() == 2, "the group to trigger again and plan step 1");
        await host.AdvanceAsync(TimeSpan.FromMinutes(1));
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 3, "step 1 again");
        Assert.Equal("/ann", hooks.Requests[2].PathAndQuery);
        Assert.Equal("Payments5xx on web-1", hooks.Requests[2].Json().GetProperty("title").GetString());
        Assert.Equal("active", (await world.NotificationsAsync(alerts["Payments5xx"])).GetProperty("escalation").GetProperty("state").GetString());
        Assert.Contains("triggered again", (await DetailAsync(host, alerts["Payments5xx"])).GetProperty("joinedAcknowledgedGroup").GetString()!, StringComparison.Ordinal);
        await host.AdvanceAsync(TimeSpan.FromMinutes(4));
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 4, "step 2: the secondary");
        Assert.Equal("/ben", hooks.Requests[3].PathAndQuery);
    }

    private static async Task<Guid> CreatedIdAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await PagingWorld.IdAsync(response);
    }

    private static Task<JsonElement> DetailAsync(SteadyHost host, Guid alertId) =>
        host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/alerts/{alertId}", TestContext.Current.CancellationToken);

    private static async Task<JsonElement> AlertOfAsync(SteadyHost host, Guid alertId) => (await DetailAsync(host, alertId)).GetProperty("alert");

    private static async Task<Dictionary<string, Guid>> AlertsByNameAsync(SteadyHost host, PagingWorld world)
    {
        var page = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/alerts?service={world.Service}&limit=50", TestContext.Current.CancellationToken);
        return page.GetProperty("items").EnumerateArray().ToDictionary(a => a.GetProperty("labels").GetProperty("alertname").GetString()!, a => a.GetProperty("id").GetGuid());
    }
}
