using Microsoft.AspNetCore.Hosting;
using Steady.Server.Tests.Notify;
using Steady.Server.Tests.Paging;

namespace Steady.Server.Tests.Operations;

/// <summary>
/// The watchdog pings an external dead-man's switch (Steady:Watchdog:Url) every interval while the server is healthy,
/// and stays silent while its database is away — so the switch trips and someone learns that Steady is down.
/// </summary>
public sealed class WatchdogTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AHealthyServerPingsTheSwitchEveryIntervalAndNotWhileItsDatabaseIsAway()
    {
        using var sw = new LoopbackReceiver();
        var faults = new DbFaults();
        await using var host = await SteadyHost.StartAsync(DbFaults.In(faults, b =>
        {
            b.UseSetting("Steady:Watchdog:Url", sw.Url("ping/3f0c"));
            b.UseSetting("Steady:Watchdog:Interval", "00:02:00");
        }));

        await PagingWorld.EventuallyAsync(() => sw.Requests.Count == 1, "the first ping, at start");
        Assert.Equal("GET", sw.Single().Method);
        Assert.Equal("/ping/3f0c", sw.Single().PathAndQuery);

        host.Clock.Advance(TimeSpan.FromSeconds(119));
        await Task.Delay(300, Cancel);
        Assert.Single(sw.Requests); // not before the interval
        host.Clock.Advance(TimeSpan.FromSeconds(1));
        await PagingWorld.EventuallyAsync(() => sw.Requests.Count == 2, "the second ping, an interval later");

        // The database goes away: intervals pass without a ping.
        faults.Away = _ => true;
        for (var i = 0; i < 3; i++)
        {
            var failed = faults.Failed;
            host.Clock.Advance(TimeSpan.FromMinutes(2));
            await PagingWorld.EventuallyAsync(() => faults.Failed > failed, "the server finding its database away");
        }
        await Task.Delay(300, Cancel);
        Assert.Equal(2, sw.Requests.Count);

        // Back: the next interval pings again.
        faults.Away = null;
        host.Clock.Advance(TimeSpan.FromMinutes(2));
        await PagingWorld.EventuallyAsync(() => sw.Requests.Count == 3, "a ping once the database is back");
    }

    [Fact]
    public async Task TheSwitchCanBePingedWithPost()
    {
        using var sw = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync(b =>
        {
            b.UseSetting("Steady:Watchdog:Url", sw.Url("ping"));
            b.UseSetting("Steady:Watchdog:Method", "post");
        });
        await PagingWorld.EventuallyAsync(() => sw.Requests.Count == 1, "the first ping");
        Assert.Equal("POST", sw.Single().Method);
    }
}
