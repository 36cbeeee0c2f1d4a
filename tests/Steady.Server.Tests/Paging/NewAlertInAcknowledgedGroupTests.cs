using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Steady.Server.Tests.Notify;

namespace Steady.Server.Tests.Paging;

/// <summary>
/// Grouping cannot swallow a new failure: after someone acknowledges a group, a new alert (a dedup key the
/// group had not seen) joining it pages that person through their own rules and the outbox (marked, with its
/// idempotency key, retried), and one more severe than anything in the group triggers the group again. Through
/// the real intake formats, under a controlled clock, with webhooks on a loopback receiver.
/// </summary>
public sealed class NewAlertInAcknowledgedGroupTests
{
    private const string Marking = "New alert in a group you acknowledged";

    [Fact]
    public async Task ANewAlertInAnAcknowledgedAlertmanagerGroupPagesTheAcknowledgerAndAMoreSevereOneTriggersTheGroupAgain()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var world = await PagingWorld.CreateAsync(host, hooks);

        // 03:00: the disk fills; ann (primary) is paged and acknowledges through the link in her page.
        await world.FireAsync(("DiskFull", "fp-disk", "warning", "web-1"));
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 1, "ann's page");
        var browser = new ConsoleClient(host);
        var ackUrl = new Uri(hooks.Requests[0].Json().GetProperty("ackUrl").GetString()!);
        var acked = await browser.PostFormAsync(ackUrl.PathAndQuery, ackUrl.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, acked.StatusCode);
        var disk = await AlertAsync(host, world, "fp-disk");
        Assert.Equal("acknowledged", disk.GetProperty("status").GetString());

        // 03:20: the load goes up on the same host, in the same Alertmanager group. Ann's webhook is down for a moment.
        await host.AdvanceAsync(TimeSpan.FromMinutes(20));
        hooks.Status = 503;
        await world.FireAsync(("LoadHigh", "fp-load", "warning", "web-1"));
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 2, "the page telling ann of the new alert");
        var notice = hooks.Requests[1];
        Assert.Equal("/ann", notice.PathAndQuery);
        var body = notice.Json();
        Assert.Equal($"{Marking}: LoadHigh on web-1", body.GetProperty("title").GetString());
        Assert.StartsWith(Marking, body.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains("DiskFull on web-1", body.GetProperty("summary").GetString(), StringComparison.Ordinal);
        var key = notice.Header("Idempotency-Key")!;
        Assert.StartsWith("dlv-", key, StringComparison.Ordinal);

        var load = await AlertAsync(host, world, "fp-load");
        var loadId = load.GetProperty("id").GetGuid();
        Assert.Equal(disk.GetProperty("groupId").GetGuid(), load.GetProperty("groupId").GetGuid());
        Assert.Equal("triggered", load.GetProperty("status").GetString());
        // The receiver answered 503; the worker records that after the answer, so wait for the record.
        await PagingWorld.EventuallyAsync(async () => (await world.NotificationsAsync(loadId)).GetProperty("deliveries").EnumerateArray()
            .Any(d => d.GetProperty("kind").GetString() == "new-alert-in-acknowledged-group" && d.GetProperty("state").GetString() != "sending"), "the failed send recorded");
        var view = await world.NotificationsAsync(loadId);
        Assert.Equal("acknowledged", view.GetProperty("escalation").GetProperty("state").GetString());
        var told = Assert.Single(view.GetProperty("deliveries").EnumerateArray(), d => d.GetProperty("kind").GetString() == "new-alert-in-acknowledged-group");
        Assert.Equal(loadId, told.GetProperty("alertId").GetGuid());
        Assert.Equal(world.People["ann"], told.GetProperty("userId").GetGuid());
        Assert.Equal("failed-temporary", told.GetProperty("state").GetString());
        Assert.Equal(key, told.GetProperty("idempotencyKey").GetString());

        // The outbox retries it, with the same key, once the webhook is back.
        hooks.Status = 200;
        await host.AdvanceAsync(TimeSpan.FromSeconds(15));
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 3, "the retry");
        Assert.Equal(key, hooks.Requests[2].Header("Idempotency-Key"));
        await PagingWorld.EventuallyAsync(async () => (await world.NotificationsAsync(loadId)).GetProperty("deliveries").EnumerateArray()
            .Any(d => d.GetProperty("alertId").ValueKind == JsonValueKind.String && d.GetProperty("state").GetString() == "sent"), "the retry recorded as sent");

        // The API and the alert's page say so plainly; ben (secondary) was never paged.
        var detail = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/alerts/{loadId}", cancel);
        var joined = detail.GetProperty("joinedAcknowledgedGroup").GetString()!;
        Assert.Contains($"ann-{world.Suffix}", joined, StringComparison.Ordinal);
        Assert.Contains("is paged about it", joined, StringComparison.Ordinal);
        Assert.Contains("joined-acknowledged-group", detail.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        var admin = new ConsoleClient(host);
        await admin.SignInAsync("admin@steady.local", await SetAdminPasswordAsync(host));
        var page = await admin.GetPageAsync($"/alerts/{loadId}");
        Assert.Contains("data-testid=\"joined-acknowledged-group\"", page, StringComparison.Ordinal);
        Assert.Contains("New alert in an acknowledged group", page, StringComparison.Ordinal);
        Assert.Contains("new alert in a group they acknowledged", page, StringComparison.Ordinal);
        Assert.All(hooks.Requests, r => Assert.Equal("/ann", r.PathAndQuery));
        Assert.Contains("Alerts are grouped as the sender groups them", await admin.GetPageAsync($"/services/{world.ServiceId}"), StringComparison.Ordinal);

        // The link in that page acknowledges the new alert alone.
        var noticeAck = new Uri(hooks.Requests[2].Json().GetProperty("ackUrl").GetString()!);
        var noticeLink = await browser.GetPageAsync(noticeAck.PathAndQuery);
        Assert.Contains("LoadHigh on web-1", noticeLink, StringComparison.Ordinal);
        var ackedNew = await browser.PostFormAsync(noticeAck.PathAndQuery, noticeAck.PathAndQuery);
        Assert.Contains("Acknowledged 1 alert", await ackedNew.Content.ReadAsStringAsync(cancel), StringComparison.Ordinal);
        Assert.Equal("acknowledged", (await AlertAsync(host, world, "fp-load")).GetProperty("status").GetString());

        // 03:25: payments fail, critical, in the same group: more severe than anything in it, so the group triggers
        // again and pages through its policy — the primary at once, the secondary after the wait.
        await host.AdvanceAsync(TimeSpan.FromMinutes(5));
        await world.FireAsync(("Payments5xx", "fp-5xx", "critical", "web-1"));
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 4, "step 1 again");
        var again = hooks.Requests[3].Json();
        Assert.Equal("/ann", hooks.Requests[3].PathAndQuery);
        Assert.Equal("Payments5xx on web-1", again.GetProperty("title").GetString());
        Assert.Equal("critical", again.GetProperty("severity").GetString());
        var payments = await AlertAsync(host, world, "fp-5xx");
        var paymentsView = await world.NotificationsAsync(payments.GetProperty("id").GetGuid());
        Assert.Equal("active", paymentsView.GetProperty("escalation").GetProperty("state").GetString());
        Assert.Equal(2, paymentsView.GetProperty("escalation").GetProperty("nextStep").GetInt32());
        Assert.Equal(host.Clock.GetUtcNow(), paymentsView.GetProperty("escalation").GetProperty("startedAt").GetDateTimeOffset());
        var paymentsDetail = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/alerts/{payments.GetProperty("id").GetGuid()}", cancel);
        var retriggered = paymentsDetail.GetProperty("joinedAcknowledgedGroup").GetString()!;
        Assert.Contains("more severe (critical) than anything in it (warning)", retriggered, StringComparison.Ordinal);
        Assert.Contains("triggered again", retriggered, StringComparison.Ordinal);
        await host.AdvanceAsync(TimeSpan.FromMinutes(5));
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 5, "step 2: the secondary");
        Assert.Equal("/ben", hooks.Requests[4].PathAndQuery);
    }

    [Fact]
    public async Task WithGroupByEmptyEveryEventOfTheServiceIsOneGroupAndTheAcknowledgerIsStillTold()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var world = await PagingWorld.CreateAsync(host, hooks, service: new { groupBy = Array.Empty<string>() });
        var settings = (await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/services/{world.ServiceId}", cancel)).GetProperty("alerts");
        Assert.Equal(0, settings.GetProperty("groupBy").GetArrayLength());
        Assert.Equal("every alert of the service in one group", settings.GetProperty("grouping").GetString());

        await EnqueueAsync(host, world, "disk-web-1", "Disk full on web-1", "warning");
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 1, "ann's page");
        var ackUrl = new Uri(hooks.Requests[0].Json().GetProperty("ackUrl").GetString()!);
        var browser = new ConsoleClient(host);
        Assert.Equal(HttpStatusCode.OK, (await browser.PostFormAsync(ackUrl.PathAndQuery, ackUrl.PathAndQuery)).StatusCode);

        await host.AdvanceAsync(TimeSpan.FromMinutes(20));
        await EnqueueAsync(host, world, "load-web-1", "Load high on web-1", "warning");
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 2, "the page telling ann of the new alert");
        Assert.Equal("/ann", hooks.Requests[1].PathAndQuery);
        Assert.Equal($"{Marking}: Load high on web-1", hooks.Requests[1].Json().GetProperty("title").GetString());
        var disk = await AlertAsync(host, world, "disk-web-1");
        var load = await AlertAsync(host, world, "load-web-1");
        Assert.Equal(disk.GetProperty("groupId").GetGuid(), load.GetProperty("groupId").GetGuid());

        // A repeat of the acknowledged alert is not new: nobody is paged again.
        await EnqueueAsync(host, world, "disk-web-1", "Disk full on web-1", "warning");
        await host.AdvanceAsync(TimeSpan.FromMinutes(10));
        await Task.Delay(300, cancel);
        Assert.Equal(2, hooks.Requests.Count);
    }

    [Fact]
    public async Task WhenTheSenderAcknowledgedTheGroupANewAlertTriggersItAgainForNoPersonCanBeTold()
    {
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var world = await PagingWorld.CreateAsync(host, hooks, service: new { groupBy = Array.Empty<string>() });
        await EnqueueAsync(host, world, "disk-web-1", "Disk full on web-1", "warning");
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 1, "ann's page");
        var acknowledge = await host.Anonymous().PostAsJsonAsync("/v2/enqueue", new { routing_key = world.Key, event_action = "acknowledge", dedup_key = "disk-web-1" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, acknowledge.StatusCode);
        await PagingWorld.EventuallyAsync(async () => (await AlertAsync(host, world, "disk-web-1")).GetProperty("status").GetString() == "acknowledged", "the acknowledgement from the source");

        await host.AdvanceAsync(TimeSpan.FromMinutes(20));
        await EnqueueAsync(host, world, "load-web-1", "Load high on web-1", "warning");
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 2, "step 1 again");
        Assert.Equal("Load high on web-1", hooks.Requests[1].Json().GetProperty("title").GetString());
        var detail = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/alerts/{(await AlertAsync(host, world, "load-web-1")).GetProperty("id").GetGuid()}", TestContext.Current.CancellationToken);
        Assert.Contains("not a person who can be paged", detail.GetProperty("joinedAcknowledgedGroup").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AReopenedGroupPagesWithItsNewAlertsTitle()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var world = await PagingWorld.CreateAsync(host, hooks, service: new { groupBy = Array.Empty<string>(), groupWindowSeconds = 600 });
        await GenericAsync(host, world, new { summary = "disk full on db-ack-1", dedup_key = "disk", severity = "critical" });
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 1, "the first page");
        Assert.Equal("disk full on db-ack-1", hooks.Requests[0].Json().GetProperty("title").GetString());
        await GenericAsync(host, world, new { dedup_key = "disk", status = "resolved" });

        await host.AdvanceAsync(TimeSpan.FromMinutes(3));
        await GenericAsync(host, world, new { summary = "cpu hot on web-3", dedup_key = "cpu", severity = "warning" });
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 2, "the page of the reopened group");
        var page = hooks.Requests[1].Json();
        Assert.Equal("cpu hot on web-3", page.GetProperty("title").GetString());
        Assert.Equal("warning", page.GetProperty("severity").GetString());
        var cpu = await AlertAsync(host, world, "cpu");
        var disk = await AlertAsync(host, world, "disk", "resolved");
        Assert.Equal(disk.GetProperty("groupId").GetGuid(), cpu.GetProperty("groupId").GetGuid());
        var group = (await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/alerts/{cpu.GetProperty("id").GetGuid()}", cancel)).GetProperty("group");
        Assert.Equal("cpu hot on web-3", group.GetProperty("title").GetString());

        var ackPage = await new ConsoleClient(host).GetPageAsync(new Uri(page.GetProperty("ackUrl").GetString()!).PathAndQuery);
        Assert.Contains("cpu hot on web-3", ackPage, StringComparison.Ordinal);
        Assert.DoesNotContain("disk full on db-ack-1", ackPage, StringComparison.Ordinal);
    }

    private static async Task EnqueueAsync(SteadyHost host, PagingWorld world, string dedupKey, string summary, string severity)
    {
        var response = await host.Anonymous().PostAsJsonAsync("/v2/enqueue", new
        {
            routing_key = world.Key,
            event_action = "trigger",
            dedup_key = dedupKey,
            payload = new { summary, source = "web-1", severity },
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static async Task GenericAsync(SteadyHost host, PagingWorld world, object alert)
    {
        var response = await host.Anonymous().PostAsJsonAsync($"/intake/{world.Key}/generic", alert);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonElement> AlertAsync(SteadyHost host, PagingWorld world, string dedupKey, string status = "open")
    {
        var page = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/alerts?service={world.Service}&status={status}&limit=500");
        return Assert.Single(page.GetProperty("items").EnumerateArray(), a => a.GetProperty("dedupKey").GetString() == dedupKey);
    }

    private static async Task<string> SetAdminPasswordAsync(SteadyHost host)
    {
        const string password = "grouping test password 1234";
        (await host.Admin().PutAsJsonAsync("/api/v1/users/admin@steady.local/password", new { newPassword = password })).EnsureSuccessStatusCode();
        return password;
    }
}
