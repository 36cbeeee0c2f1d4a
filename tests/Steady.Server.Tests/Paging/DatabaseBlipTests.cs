using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Paging;
using Steady.Server.Tests.Notify;

namespace Steady.Server.Tests.Paging;

/// <summary>
/// A database that goes away for a moment delays nothing by more than the moment: a pass that fails lets go of its
/// claims at once (not after their lease), a send whose outcome could not be stored is stored when the database is
/// back and never sent again, one slow receiver holds up nobody else's page, and intake answers 503 with Retry-After
/// meanwhile.
/// </summary>
public sealed class DatabaseBlipTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task APassThatFailsAfterClaimingLetsGoOfItsClaimAtOnceAndThePageGoesWhenTheDatabaseIsBack()
    {
        var faults = new DbFaults();
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync(DbFaults.In(faults));
        var world = await PagingWorld.CreateAsync(host, hooks);
        var away = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        faults.After(DbFaults.IsDeliveryClaim, (_, _) =>
        {
            faults.Away = _ => true; // right after the claim committed, the database goes away
            away.TrySetResult();
            return Task.CompletedTask;
        });

        await world.FireAsync();
        await away.Task.WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        await PagingWorld.EventuallyAsync(() => faults.Failed > 0, "the pass to fail");
        await Task.Delay(300, Cancel);
        faults.Away = null; // back

        // Well within the two-minute lease: the claim the failed pass held is let go of, and the page goes.
        await AdvanceUntilAsync(host, TimeSpan.FromSeconds(10), () => Task.FromResult(hooks.Requests.Count == 1), "the page, seconds after the database came back");
        await PagingWorld.EventuallyAsync(async () => await host.WithDbAsync((db, _) => db.Deliveries.AnyAsync(d => d.State == DeliveryState.Sent, Cancel)), "its outcome stored");
        Assert.Single(hooks.Requests);
    }

    [Fact]
    public async Task AnOutcomeTheDatabaseCouldNotTakeIsStoredWhenItIsBackAndTheMessageIsNotSentAgain()
    {
        var faults = new DbFaults();
        using var hooks = new LoopbackReceiver();
        // The database goes away while the page is on its way: the receiver has it, its outcome cannot be stored.
        hooks.StatusOf = _ =>
        {
            faults.Away = _ => true;
            return 200;
        };
        await using var host = await SteadyHost.StartAsync(DbFaults.In(faults));
        var world = await PagingWorld.CreateAsync(host, hooks);
        await world.FireAsync();
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 1 && faults.Failed > 0, "the page sent and its outcome refused");
        hooks.StatusOf = null;
        faults.Away = null;

        // The outcome is tried again a second later (well within the lease).
        await AdvanceUntilAsync(host, TimeSpan.FromSeconds(10), () => host.WithDbAsync((db, _) => db.Deliveries.AnyAsync(d => d.State == DeliveryState.Sent, Cancel)), "the outcome stored once the database is back");
        var delivery = await host.WithDbAsync((db, _) => db.Deliveries.AsNoTracking().SingleAsync(Cancel));
        Assert.Equal((1, 0, null), (delivery.Attempts, delivery.Repeats, delivery.LeaseOwner));

        // Past its lease: it is not sent again.
        host.Clock.Advance(TimeSpan.FromMinutes(3));
        await Task.Delay(500, Cancel);
        Assert.Single(hooks.Requests);
    }

    [Fact]
    public async Task WhileTheDatabaseIsAwayIntakeAndApiWritesAnswer503WithRetryAfterAndReadyzSaysWhy()
    {
        var faults = new DbFaults();
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync(DbFaults.In(faults));
        var world = await PagingWorld.CreateAsync(host, hooks);

        faults.Away = _ => true;
        var intake = await host.Anonymous().PostAsJsonAsync($"/intake/{world.Key}/generic", new { summary = "during the outage", dedup_key = "outage" }, Cancel);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, intake.StatusCode);
        Assert.NotNull(intake.Headers.RetryAfter);
        Assert.Contains("Retry shortly", await intake.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        var write = await host.Admin().PostAsJsonAsync("/api/v1/teams", new { name = "During the outage" }, Cancel);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
        Assert.NotNull(write.Headers.RetryAfter);
        var ready = await host.Anonymous().GetAsync("/readyz", Cancel);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var why = await ready.Content.ReadAsStringAsync(Cancel);
        Assert.True(why.Contains("the connection to the database was lost", StringComparison.Ordinal), why);

        faults.Away = null;
        var after = await host.Anonymous().PostAsJsonAsync($"/intake/{world.Key}/generic", new { summary = "after the outage", dedup_key = "outage" }, Cancel);
        Assert.Equal(HttpStatusCode.Accepted, after.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Anonymous().GetAsync("/readyz", Cancel)).StatusCode);
        Assert.Equal(1, await host.WithDbAsync((db, _) => db.Alerts.CountAsync(a => a.DedupKey == "outage", Cancel)));
    }

    [Fact]
    public async Task OneHangingReceiverDoesNotHoldUpAnotherPersonsPage()
    {
        using var hooks = new LoopbackReceiver();
        hooks.DelayFor["/ann"] = TimeSpan.FromSeconds(6); // Ann's receiver hangs
        await using var host = await SteadyHost.StartAsync(b => b.UseSetting("Steady:Notify:HttpTimeout", "00:00:08"));
        var payments = await PagingWorld.CreateAsync(host, hooks);
        var search = await PagingWorld.CreateAsync(host, hooks, people: ["bob", "cid"]);
        await payments.FireAsync();
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Any(r => r.PathAndQuery == "/ann"), "Ann's page on its way");

        // Another service pages Bob while Ann's page still hangs: his goes at once.
        var started = DateTime.UtcNow;
        await search.FireAsync();
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Any(r => r.PathAndQuery == "/bob"), "Bob's page");
        var took = DateTime.UtcNow - started;
        Assert.True(took < TimeSpan.FromSeconds(3), $"Bob's page took {took.TotalSeconds:0.0} s, behind Ann's hanging receiver");
    }

    /// <summary>Moves the clock on in small steps (a second's worth each look) until <paramref name="condition"/> holds, at most by <paramref name="most"/>.</summary>
    private static async Task AdvanceUntilAsync(SteadyHost host, TimeSpan most, Func<Task<bool>> condition, string what)
    {
        var moved = TimeSpan.Zero;
        await PagingWorld.EventuallyAsync(async () =>
        {
            if (await condition())
                return true;
            if (moved < most)
            {
                host.Clock.Advance(TimeSpan.FromMilliseconds(250));
                moved += TimeSpan.FromMilliseconds(250);
            }
            await Task.Delay(50, Cancel);
            return false;
        }, $"{what} (the clock moved on by {most.TotalSeconds:0} s at most)");
    }
}
