using System.Net.Http.Json;
using System.Text.Json;
using Steady.Server.Tests.Notify;

namespace Steady.Server.Tests.Paging;

/// <summary>
/// A group whose escalation ran every step with nobody acknowledging stays triggered; a new alert joining it
/// is news nobody has seen, so the escalation starts over from step 1 and the alert's history says why. The
/// same alert firing again (Alertmanager repeating itself) is not news and pages nobody.
/// </summary>
public sealed class NewAlertAfterEscalationEndedTests
{
    [Fact]
    public async Task ANewAlertJoiningAGroupWhoseEscalationEndedUnansweredStartsItOver()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var world = await PagingWorld.CreateAsync(host, hooks);

        // Ann, then Ben five minutes later; five minutes after that the policy has nothing left.
        await world.FireAsync(("DiskFull", "fp-disk", "warning", "web-1"));
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 1, "ann's page");
        await host.AdvanceAsync(TimeSpan.FromMinutes(5));
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 2, "ben's page");
        await host.AdvanceAsync(TimeSpan.FromMinutes(5));
        var diskId = (await AlertAsync(host, world, "fp-disk")).GetProperty("id").GetGuid();
        await PagingWorld.EventuallyAsync(async () => (await world.NotificationsAsync(diskId)).GetProperty("escalation").GetProperty("state").GetString() == "exhausted", "the escalation to end");

        // Alertmanager sends the same alert again: nobody is paged for a repeat.
        await world.FireAsync(("DiskFull", "fp-disk", "warning", "web-1"));
        await Task.Delay(300, cancel);
        Assert.Equal(2, hooks.Requests.Count);
        Assert.Equal("exhausted", (await world.NotificationsAsync(diskId)).GetProperty("escalation").GetProperty("state").GetString());

        // A new alert joins the group: the escalation starts over, Ann first, then Ben.
        await world.FireAsync(("LoadHigh", "fp-load", "warning", "web-1"));
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 3, "ann's page for the new alert");
        Assert.Equal("/ann", hooks.Requests[2].PathAndQuery);
        var load = await AlertAsync(host, world, "fp-load");
        var loadId = load.GetProperty("id").GetGuid();
        Assert.Equal(diskId, (await AlertAsync(host, world, "fp-disk")).GetProperty("id").GetGuid());
        Assert.Equal("active", (await world.NotificationsAsync(loadId)).GetProperty("escalation").GetProperty("state").GetString());
        var detail = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/alerts/{loadId}", cancel);
        var note = Assert.Single(detail.GetProperty("history").EnumerateArray(), e => e.GetProperty("kind").GetString() == "paging").GetProperty("note").GetString()!;
        Assert.Contains("escalation had ended unanswered (the last step ran; nobody else to escalate to)", note, StringComparison.Ordinal);
        Assert.Contains("starts over from step 1", note, StringComparison.Ordinal);

        await host.AdvanceAsync(TimeSpan.FromMinutes(5));
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 4, "ben's page again");
        Assert.Equal("/ben", hooks.Requests[3].PathAndQuery);
    }

    private static async Task<JsonElement> AlertAsync(SteadyHost host, PagingWorld world, string fingerprint)
    {
        var page = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/alerts?service={world.Service}&limit=50", TestContext.Current.CancellationToken);
        return page.GetProperty("items").EnumerateArray().Single(a => a.GetProperty("dedupKey").GetString() == fingerprint);
    }
}
