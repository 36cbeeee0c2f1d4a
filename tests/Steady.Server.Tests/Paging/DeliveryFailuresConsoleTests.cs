using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steady.Server.Tests.Notify;

namespace Steady.Server.Tests.Paging;

/// <summary>
/// The page of pages that failed (/deliveries), for organization admins: reached from the set-up banner, it says to
/// whom, how, for what and why, links to the person's contact method, and sends a failed page again (the API's
/// POST /api/v1/deliveries/{id}/retry) once the cause is fixed: same message, same idempotency key, audited.
/// </summary>
public sealed class DeliveryFailuresConsoleTests
{
    private const string Password = "a long enough password for tests";

    [Fact]
    public async Task AnAdminSeesWhyAPageFailedAndSendsItAgainOnceTheHookIsFixed()
    {
        using var hooks = new LoopbackReceiver { Status = 404, Body = "no_such_hook" };
        await using var host = await SteadyHost.StartAsync();
        var world = await PagingWorld.CreateAsync(host, hooks);
        (await host.Admin().PostAsJsonAsync("/api/v1/users", new { name = "Olga Admin", email = "olga@example.com", password = Password, isAdmin = true, timeZone = "Europe/Berlin" })).EnsureSuccessStatusCode();
        await world.FireAsync();
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 1, "the attempt");
        var alertId = (await world.AlertAsync()).GetProperty("id").GetGuid();
        var delivery = await FailedAsync(world, alertId);
        var deliveryId = delivery.GetProperty("id").GetGuid();
        var ann = world.People["ann"];
        var method = await host.WithDbAsync((db, _) => db.ContactMethods.AsNoTracking().Where(m => m.UserId == ann).Select(m => m.Id).SingleAsync());

        var olga = new ConsoleClient(host);
        var home = await olga.SignInAsync("olga@example.com", Password);
        Assert.Contains("1 page could not be delivered in the last day.", home, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/deliveries\">See why, and send them again</a>", home, StringComparison.Ordinal);

        var page = await olga.GetPageAsync("/deliveries");
        Assert.Contains($"<a href=\"/users/{ann}\">ann-{world.Suffix}</a>", page, StringComparison.Ordinal);
        Assert.Matches("webhook\\s*<span class=\"muted small\">\\(pager\\)</span>", page);
        Assert.Contains("HTTP 404: no_such_hook", page, StringComparison.Ordinal);
        Assert.Contains($"href=\"/alerts/{alertId}\"", page, StringComparison.Ordinal);
        Assert.Contains($"href=\"/users/{ann}?edit={method}#method-form\"", page, StringComparison.Ordinal);

        // The hook is fixed; the page goes again, as the same message under the same key.
        hooks.Status = 200;
        var sent = await olga.PostFormAsync("/deliveries", "/deliveries?handler=Retry", ("delivery", deliveryId.ToString()));
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 2, "the page sent again");
        Assert.Single(hooks.Requests.Select(r => r.Header("Idempotency-Key")).Distinct());
        await PagingWorld.EventuallyAsync(async () =>
            (await world.NotificationsAsync(alertId)).GetProperty("deliveries")[0].GetProperty("state").GetString() == "sent", "the delivery recorded as sent");
        var audit = await host.WithDbAsync((db, _) => db.AuditEntries.AsNoTracking().Where(a => a.EntityType == "delivery" && a.EntityId == deliveryId.ToString()).ToListAsync());
        Assert.Equal("retried", Assert.Single(audit).Action);
        Assert.Equal("Olga Admin", audit[0].ActorName);
        Assert.Contains("No page has failed.", await olga.GetPageAsync("/deliveries"), StringComparison.Ordinal);

        // Sent already: there is nothing to send again, and it says so.
        var again = await host.Admin().PostAsync($"/api/v1/deliveries/{deliveryId}/retry", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("only a failed page is sent again", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Admin().PostAsync($"/api/v1/deliveries/{Guid.NewGuid()}/retry", null)).StatusCode);
    }

    [Fact]
    public async Task APageWhoseAlertWasAcknowledgedIsNotSentAgainAndOnlyAdminsMayTry()
    {
        using var hooks = new LoopbackReceiver { Status = 404, Body = "no_such_hook" };
        await using var host = await SteadyHost.StartAsync();
        var world = await PagingWorld.CreateAsync(host, hooks);
        await world.FireAsync();
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 1, "the attempt");
        var alertId = (await world.AlertAsync()).GetProperty("id").GetGuid();
        var delivery = await FailedAsync(world, alertId);
        var deliveryId = delivery.GetProperty("id").GetGuid();

        // Ben responds for the team but is not an organization admin.
        (await host.Admin().PutAsJsonAsync($"/api/v1/users/{world.People["ben"]}/password", new { newPassword = Password })).EnsureSuccessStatusCode();
        var ben = new ConsoleClient(host);
        await ben.SignInAsync($"ben.{world.Suffix}@example.test", Password);
        Assert.Equal(HttpStatusCode.Forbidden, (await ben.GetAsync("/deliveries")).StatusCode);

        (await host.Admin().PostAsync($"/api/v1/alerts/{alertId}/ack", null)).EnsureSuccessStatusCode();
        var refused = await host.Admin().PostAsync($"/api/v1/deliveries/{deliveryId}/retry", null);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("Nobody needs this page any more: its escalation is acknowledged.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Single(hooks.Requests);
        Assert.Equal("failed-permanent", (await world.NotificationsAsync(alertId)).GetProperty("deliveries")[0].GetProperty("state").GetString());
    }

    private static Task<JsonElement> FailedAsync(PagingWorld world, Guid alertId) => PagingWorld.EventuallyAsync(async () =>
    {
        var deliveries = (await world.NotificationsAsync(alertId)).GetProperty("deliveries");
        return deliveries.GetArrayLength() > 0 && deliveries[0].GetProperty("state").GetString() == "failed-permanent" ? deliveries[0] : (JsonElement?)null;
    }, "the permanent failure");
}
