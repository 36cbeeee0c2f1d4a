using System.Net.Http.Json;
using System.Text.Json;
using Steady.Server.Tests.Notify;

namespace Steady.Server.Tests.Paging;

/// <summary>
/// Every step of the policy is empty when the alert comes (the one person it names has left: disabled): the alert must
/// still reach a person. The service's team admins are paged instead, once, through their own rules; the alert's history
/// and the escalation say who and why. With no admin in the team, the organization's admins are.
/// </summary>
public sealed class NobodyOnCallTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WhenEveryStepIsEmptyTheTeamsAdminsArePagedInsteadAndTheAlertSaysSo()
    {
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var world = await PagingWorld.CreateAsync(host, hooks, people: ["ann", "ben", "cleo"]);
        var admin = host.Admin();
        (await admin.PutAsJsonAsync($"/api/v1/teams/{world.TeamId}/members/{world.People["cleo"]}", new { role = "admin" }, Cancel)).EnsureSuccessStatusCode();
        await EmptyPolicyAsync(world, admin);

        await world.FireAsync(("DiskFull", "fp-nobody", "critical", "web-1"));
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 1, "a page to the team's admin");
        Assert.Equal("/cleo", hooks.Requests[0].PathAndQuery);

        var alert = await world.AlertAsync();
        var id = alert.GetProperty("id").GetGuid();
        var paging = await world.NotificationsAsync(id);
        Assert.Equal("exhausted", paging.GetProperty("escalation").GetProperty("state").GetString());
        var detail = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/alerts/{id}", Cancel);
        var notes = detail.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("note").GetString() ?? "").ToList();
        Assert.Contains(notes, n => n.Contains($"every step of {world.Policy} is empty right now, so cleo-{world.Suffix}", StringComparison.Ordinal)
            && n.Contains($"{world.TeamName}'s admins", StringComparison.Ordinal));

        // Nothing more for this run: ann and ben were never paged, cleo once.
        await host.AdvanceAsync(TimeSpan.FromMinutes(10));
        await Task.Delay(300, Cancel);
        Assert.Single(hooks.Requests);
    }

    [Fact]
    public async Task WithNoAdminInTheTeamTheOrganizationsAdminsAreNamed()
    {
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var world = await PagingWorld.CreateAsync(host, hooks);
        var admin = host.Admin();
        await EmptyPolicyAsync(world, admin);

        await world.FireAsync(("DiskFull", "fp-nobody-2", "critical", "web-1"));
        var id = (await PagingWorld.EventuallyAsync(async () =>
        {
            var a = await world.AlertAsync();
            var n = await world.NotificationsAsync(a.GetProperty("id").GetGuid());
            return n.GetProperty("escalation").GetProperty("state").GetString() == "exhausted" ? (JsonElement?)a : null;
        }, "the escalation to end")).GetProperty("id").GetGuid();
        // The organization's admin (the test host's) has no contact method: the page to them is a visible failure, not silence.
        var deliveries = (await world.NotificationsAsync(id)).GetProperty("deliveries").EnumerateArray().ToList();
        var delivery = Assert.Single(deliveries);
        Assert.Equal("failed-permanent", delivery.GetProperty("state").GetString());
        Assert.Contains("has no contact method", delivery.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.StartsWith($"nobody on call for {world.Policy}: paged as an admin", delivery.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Empty(hooks.Requests);
    }

    /// <summary>The policy's one step names ben, who is then disabled: nobody to notify on any step.</summary>
    private static async Task EmptyPolicyAsync(PagingWorld world, HttpClient admin)
    {
        await world.ReplacePolicyAsync(($"ben.{world.Suffix}@example.test", "5m"));
        (await admin.PatchAsJsonAsync($"/api/v1/users/{world.People["ben"]}", new { disabled = true }, Cancel)).EnsureSuccessStatusCode();
    }
}
