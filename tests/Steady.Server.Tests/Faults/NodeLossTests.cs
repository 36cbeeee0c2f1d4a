using System.Net.Http.Json;
using Steady.Server.Tests.Notify;
using Steady.Server.Tests.Paging;

namespace Steady.Server.Tests.Faults;

/// <summary>
/// Several nodes on one PostgreSQL database, as real processes: a node killed (SIGKILL) while it holds the claims and
/// is sending, or stalled (SIGSTOP) past its lease, loses no page and sends none under a second key; a repeated key
/// is only a send that was in flight, and the delivery says so. Counted at a loopback receiver.
/// </summary>
public sealed class NodeLossTests
{
    private const string Skip = "Several nodes share one database on PostgreSQL only (SQLite serves one process).";

    /// <summary>Steps 2 s apart (the test shortens the policy in the database), no bundle window or throttle.</summary>
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task KillingTheNodeThatHoldsTheClaimsMidSendLosesNoPageAndSendsNoneUnderTwoKeysAlsoOnceItIsBack()
    {
        Assert.SkipUnless(TestDatabase.UsePostgres, Skip);
        await using var database = await TestDatabase.CreateAsync();
        using var hooks = new LoopbackReceiver { Delay = TimeSpan.FromMilliseconds(300) };
        var settings = new Dictionary<string, string>
        {
            ["Steady__Paging__BundleWindow"] = "00:00:00",
            ["Steady__Paging__ThrottlePerMinute"] = "0",
            ["Steady__Intake__RequestsPerSecondPerKey"] = "0",
        };
        // Three nodes start at once on the empty database: one of them creates the first admin, none fails.
        await using var cluster = await Cluster.StartAsync(database, 3, hooks, settings);
        Assert.Equal(1, await cluster.ScalarAsync("SELECT count(*) FROM users WHERE email = 'admin@steady.local'"));
        await cluster.ExecuteAsync(PagingWorld.ShortWaitsSql); // ann, ben, ann, ben: 2 s apart

        // Alerts arrive at every node; each pages four times. Once a node holds claims and has a send in flight, it is killed.
        var fired = 0;
        using var firing = new CancellationTokenSource();
        var firer = Task.Run(async () =>
        {
            while (!firing.IsCancellationRequested && fired < 24)
            {
                await FireSomewhereAsync(cluster, fired, $"Before{fired}");
                fired++;
                await Task.Delay(150);
            }
        });
        ServerProcess? victim = null;
        await PagingWorld.EventuallyAsync(async () => (victim = await cluster.ClaimHolderSendingAsync()) is not null, "a node holding claims with a send in flight", 60);
        var killedAt = DateTimeOffset.UtcNow;
        await victim!.KillAsync();
        await firer;
        var expected = fired * 4;
        await PagingWorld.EventuallyAsync(async () => (await cluster.PagesAsync()).Count(p => p.State == "sent") == expected, $"all {expected} pages sent by the survivors", 90);

        var pages = await cluster.PagesAsync();
        var due = Cluster.DueTimes(pages, Wait);
        var first = hooks.Requests.GroupBy(r => r.Header("Idempotency-Key")!).ToDictionary(g => g.Key, g => g.Min(r => r.At));
        // Every page that was due around the kill (from 5 s before it to 5 s after) reached its person soon after: the bar is 5 s (p99), measured in bench/takeover.
        var around = pages.Where(p => due[p.Id] > killedAt.AddSeconds(-5) && due[p.Id] < killedAt.AddSeconds(5)).ToList();
        Assert.NotEmpty(around);
        var late = around.Select(p => (first[p.Key] - (due[p.Id] > killedAt ? due[p.Id] : killedAt)).TotalSeconds).Max();
        Assert.True(late < 15, $"a page due around the kill arrived {late:0.0} s late");
        AssertOnePageOneKey(hooks, pages, expected);

        // The killed node comes back; more alerts; still no page under a second key, nothing sent again.
        var index = cluster.Nodes.IndexOf(victim);
        await cluster.RestartAsync(index);
        for (var i = 0; i < 6; i++)
            await FireSomewhereAsync(cluster, i, $"After{i}");
        expected += 6 * 4;
        await PagingWorld.EventuallyAsync(async () => (await cluster.PagesAsync()).Count(p => p.State == "sent") == expected, $"all {expected} pages sent", 90);
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken); // nothing more comes
        AssertOnePageOneKey(hooks, await cluster.PagesAsync(), expected);
    }

    [Fact]
    public async Task ANodeStalledPastItsLeaseNeitherSendsNorStoresWhatAnotherNodeTookOver()
    {
        Assert.SkipUnless(TestDatabase.UsePostgres, Skip);
        await using var database = await TestDatabase.CreateAsync();
        using var hooks = new LoopbackReceiver();
        var firstSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The first attempt of a message is held 3 s and then refused (503: retry); a later one is taken at once.
        bool First(ReceivedRequest r) => hooks.Requests.Count(x => x.Header("Idempotency-Key") == r.Header("Idempotency-Key")) <= 1;
        hooks.DelayOf = r =>
        {
            if (!First(r))
                return TimeSpan.Zero;
            firstSeen.TrySetResult();
            return TimeSpan.FromSeconds(3);
        };
        hooks.StatusOf = r => hooks.Requests.Any(x => x.Header("Idempotency-Key") == r.Header("Idempotency-Key")) ? 200 : 503;
        var settings = new Dictionary<string, string>
        {
            ["Steady__Paging__Lease"] = "00:00:04",
            ["Steady__Paging__RetryInitial"] = "00:00:01",
            ["Steady__Paging__BundleWindow"] = "00:00:00",
        };
        await using var cluster = await Cluster.StartAsync(database, 2, hooks, settings);
        await cluster.FireAsync(0, "Stalled");

        // The node sending the page stalls while the receiver holds it (SIGSTOP): its session and presence lock stay, its lease runs out.
        await firstSeen.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        ServerProcess? stalled = null;
        await PagingWorld.EventuallyAsync(async () => (stalled = await cluster.ClaimHolderSendingAsync()) is not null, "the node sending the page");
        stalled!.Stall();
        try
        {
            // The other node takes the page over when the lease runs out, sends it again (same key), and stores it as sent.
            await PagingWorld.EventuallyAsync(async () => hooks.Requests.Count == 2 && (await cluster.PagesAsync()).Single().State == "sent", "the other node to send it and store it", 30);
        }
        finally
        {
            stalled.Continue();
        }
        // The stalled node wakes to the receiver's refusal of its attempt: it stores nothing over the other node's "sent"
        // (else the page would be retried a second later, a third time).
        await PagingWorld.EventuallyAsync(() => stalled.Output.Contains("was not stored: another node took them over", StringComparison.Ordinal), "the stalled node to find its claim taken over");
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        Assert.Equal(2, hooks.Requests.Count);
        Assert.Single(hooks.Requests.Select(r => r.Header("Idempotency-Key")).Distinct());
        var page = Assert.Single(await cluster.PagesAsync());
        Assert.Equal(("sent", 1), (page.State, page.Repeats));
    }

    /// <summary>Fires at node <paramref name="node"/>, or, while that one is being killed, at the next (a repeat of a stored alert is folded into it).</summary>
    private static async Task FireSomewhereAsync(Cluster cluster, int node, string name)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await cluster.FireAsync(node + attempt, name);
                return;
            }
            catch (HttpRequestException) when (attempt < 5)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>
    /// Each page (delivery) sent, under its message's key; every key the receiver got is one of those; a key it got more than once
    /// is a message whose send was in flight when its node died, marked as a repeat on its deliveries.
    /// </summary>
    private static void AssertOnePageOneKey(LoopbackReceiver hooks, List<Cluster.Page> pages, int expected)
    {
        Assert.Equal(expected, pages.Count);
        Assert.All(pages, p => Assert.Equal("sent", p.State));
        var keys = pages.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var received = hooks.Requests.GroupBy(r => r.Header("Idempotency-Key")!).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        Assert.Equal(keys.Order(StringComparer.Ordinal), received.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, times) in received.Where(r => r.Value > 1))
            Assert.All(pages.Where(p => p.Key == key), p => Assert.True(p.Repeats >= times - 1, $"{key} arrived {times} times, its delivery counts {p.Repeats} repeat(s)"));
    }
}
