using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Steady.Server.Tests.Notify;

namespace Steady.Server.Tests.Paging;

/// <summary>The outbox: retries with backoff, failures that stay visible, bundling, throttles.</summary>
public sealed class DeliveryTests
{
    [Fact]
    public async Task ATemporaryFailureIsRetriedWithBackoffUnderTheSameKeyUntilItIsSent()
    {
        using var hooks = new LoopbackReceiver { Status = 503, Body = "busy" };
        await using var host = await SteadyHost.StartAsync();
        var world = await PagingWorld.CreateAsync(host, hooks);
        await world.FireAsync();
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 1, "the first attempt");
        var alertId = (await world.AlertAsync()).GetProperty("id").GetGuid();
        var delivery = await PagingWorld.EventuallyAsync(async () =>
        {
            var d = (await world.NotificationsAsync(alertId)).GetProperty("deliveries")[0];
            return d.GetProperty("state").GetString() == "failed-temporary" ? d : (JsonElement?)null;
        }, "the failure to be recorded");
        Assert.Equal(1, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal("HTTP 503: busy", delivery.GetProperty("error").GetString());
        Assert.Equal(host.Clock.GetUtcNow().AddSeconds(10), delivery.GetProperty("dueAt").GetDateTimeOffset());

        await host.AdvanceAsync(TimeSpan.FromSeconds(10));
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 2, "the second attempt after 10 s");
        delivery = await PagingWorld.EventuallyAsync(async () =>
        {
            var d = (await world.NotificationsAsync(alertId)).GetProperty("deliveries")[0];
            return d.GetProperty("attempts").GetInt32() == 2 ? d : (JsonElement?)null;
        }, "the second failure to be recorded");
        Assert.Equal(host.Clock.GetUtcNow().AddSeconds(20), delivery.GetProperty("dueAt").GetDateTimeOffset()); // doubled

        hooks.Status = 200;
        await host.AdvanceAsync(TimeSpan.FromSeconds(19));
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Equal(2, hooks.Requests.Count);
        await host.AdvanceAsync(TimeSpan.FromSeconds(1));
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 3, "the third attempt after 20 s more");
        Assert.Single(hooks.Requests.Select(r => r.Header("Idempotency-Key")).Distinct());
        delivery = await PagingWorld.EventuallyAsync(async () =>
        {
            var d = (await world.NotificationsAsync(alertId)).GetProperty("deliveries")[0];
            return d.GetProperty("state").GetString() == "sent" ? d : (JsonElement?)null;
        }, "the delivery to be sent");
        Assert.Equal(3, delivery.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task APermanentFailureIsVisibleOnTheAlertAndToAdmins()
    {
        using var hooks = new LoopbackReceiver { Status = 404, Body = "no_such_hook" };
        await using var host = await SteadyHost.StartAsync();
        var world = await PagingWorld.CreateAsync(host, hooks);
        await world.FireAsync();
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 1, "the attempt");
        var alertId = (await world.AlertAsync()).GetProperty("id").GetGuid();
        var delivery = await PagingWorld.EventuallyAsync(async () =>
        {
            var d = (await world.NotificationsAsync(alertId)).GetProperty("deliveries")[0];
            return d.GetProperty("state").GetString() == "failed-permanent" ? d : (JsonElement?)null;
        }, "the permanent failure");
        Assert.Equal("HTTP 404: no_such_hook", delivery.GetProperty("error").GetString());
        Assert.Equal("webhook", delivery.GetProperty("channel").GetString());
        Assert.Equal("pager", delivery.GetProperty("target").GetString());
        Assert.DoesNotContain(hooks.Root, delivery.GetRawText(), StringComparison.Ordinal); // never the address

        var failed = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/deliveries?state=failed&service={world.Service}", TestContext.Current.CancellationToken);
        Assert.True(failed.GetProperty("items").GetArrayLength() == 1, failed.GetRawText());
        var row = failed.GetProperty("items")[0];
        Assert.Equal(delivery.GetProperty("id").GetGuid(), row.GetProperty("id").GetGuid());
        var bad = await host.Admin().GetAsync("/api/v1/deliveries?state=lost", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);

        await host.AdvanceAsync(TimeSpan.FromHours(1));
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Single(hooks.Requests, r => r.PathAndQuery == "/ann"); // not retried
    }

    [Fact]
    public async Task AStormOfTwoHundredAlertsInTwentyGroupsPagesEachPersonOnce()
    {
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var world = await PagingWorld.CreateAsync(host, hooks, service: new { groupBy = new[] { "instance" } });

        await world.FireAsync(Enumerable.Range(0, 200).Select(i => ("NodeDown", $"storm-{i:D3}", "critical", $"node-{i % 20}:9100")).ToArray());

        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count >= 1, "the page");
        await Task.Delay(500, TestContext.Current.CancellationToken);
        var page = Assert.Single(hooks.Requests).Json();
        Assert.Equal(200, page.GetProperty("alertCount").GetInt32());
        Assert.Equal($"200 alerts on {world.Service}", page.GetProperty("title").GetString());

        // The same person's deliveries for all twenty groups went as that one message.
        var alertId = (await world.AlertAsync()).GetProperty("id").GetGuid();
        var deliveries = (await world.NotificationsAsync(alertId)).GetProperty("deliveries");
        var sent = Assert.Single(deliveries.EnumerateArray());
        Assert.Equal("sent", sent.GetProperty("state").GetString());
        Assert.Equal(sent.GetProperty("sentAs").GetGuid(), (await OutboxAsync(host, world)).Select(d => d.GetProperty("sentAs").GetGuid()).Distinct().Single());

        // More of the storm within the bundle window waits for it to end, then goes as one more message.
        await host.AdvanceAsync(TimeSpan.FromSeconds(10));
        await world.FireAsync(Enumerable.Range(0, 30).Select(i => ("NodeDown", $"late-{i:D3}", "critical", $"late-{i % 3}:9100")).ToArray());
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.Single(hooks.Requests);
        await host.AdvanceAsync(TimeSpan.FromSeconds(50));
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 2, "the bundle after the window");
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Equal(2, hooks.Requests.Count);
    }

    [Fact]
    public async Task AContactMethodsThrottleHoldsPagesAndSendsThemTogetherLater()
    {
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync(b =>
        {
            b.UseSetting("Steady:Paging:ThrottlePerMinute", "2");
            b.UseSetting("Steady:Paging:BundleWindow", "00:00:00");
        });
        var world = await PagingWorld.CreateAsync(host, hooks, service: new { groupBy = new[] { "alertname" } });
        for (var i = 1; i <= 4; i++)
        {
            await world.FireAsync("Alert" + i, "critical");
            if (i <= 2)
                await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == i, $"page {i}");
            await host.AdvanceAsync(TimeSpan.FromSeconds(5));
        }
        await Task.Delay(500, TestContext.Current.CancellationToken);
        Assert.Equal(2, hooks.Requests.Count);
        await host.AdvanceAsync(TimeSpan.FromSeconds(45)); // a minute after the first
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 3, "the held pages");
        await Task.Delay(300, TestContext.Current.CancellationToken);
        var last = Assert.Single(hooks.Requests.Skip(2)).Json();
        Assert.Equal(2, last.GetProperty("alertCount").GetInt32()); // alerts 3 and 4, together
    }

    private static async Task<List<JsonElement>> OutboxAsync(SteadyHost host, PagingWorld world)
    {
        var page = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/deliveries?service={world.Service}&limit=500");
        return page.GetProperty("items").EnumerateArray().ToList();
    }
}
