using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Steady.Server.Features.Paging;
using Steady.Server.Tests.Notify;
using Steady.Core.Paging;

namespace Steady.Server.Tests.Paging;

/// <summary>On PostgreSQL, the claims of a node that is gone are released at once, not when their lease runs out.</summary>
public sealed class NodePresenceTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheClaimsOfANodeThatIsGoneAreReleasedAndThoseOfALiveNodeAreKept()
    {
        Assert.SkipUnless(TestDatabase.UsePostgres, "Node presence is PostgreSQL's: on SQLite one process holds the database and takes back its predecessor's claims when it starts.");
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var world = await PagingWorld.CreateAsync(host, hooks);
        await world.FireAsync();
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 1, "step 1's page");
        var key = hooks.Single().Header("Idempotency-Key");
        var farAway = host.Clock.GetUtcNow().AddHours(1);

        // Node 777 is alive (its session holds its presence lock) and is sending the page again; node 778 is gone and held the run.
        var alive = new NpgsqlConnectionStringBuilder(host.Database.ConnectionString) { Pooling = false }.ConnectionString;
        await using var other = new NpgsqlConnection(alive);
        await other.OpenAsync(Cancel);
        await using (var command = new NpgsqlCommand($"SELECT pg_advisory_lock({NodePresence.LockClass}, 777)", other))
            await command.ExecuteNonQueryAsync(Cancel);
        await host.WithDbAsync(async (db, _) =>
        {
            await db.Database.ExecuteSqlRawAsync("UPDATE deliveries SET state = 'sending', lease_owner = 'node-777/other/1/claim', due_at = {0}", [farAway], Cancel);
            return await db.Database.ExecuteSqlRawAsync("UPDATE escalation_runs SET lease_owner = 'node-778/gone/1/claim', lease_until = {0}", [farAway], Cancel);
        });

        var presence = host.Services.GetServices<IHostedService>().OfType<NodePresence>().Single();
        await presence.LookAsync(Cancel);
        var (runOwner, deliveryOwner) = await OwnersAsync(host);
        Assert.Null(runOwner);
        Assert.Equal("node-777/other/1/claim", deliveryOwner);

        // Node 777 dies: its session ends, and with it the lock. The page it was sending goes again, with the same key.
        await other.CloseAsync();
        await PagingWorld.EventuallyAsync(async () =>
        {
            await presence.LookAsync(Cancel);
            return (await OwnersAsync(host)).Delivery?.StartsWith("node-777/", StringComparison.Ordinal) == true ? null : (bool?)true;
        }, "node 777's claim to be released");
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 2, "the page sent again");
        Assert.All(hooks.Requests, r => Assert.Equal(key, r.Header("Idempotency-Key")));
    }

    private static Task<(string? Run, string? Delivery)> OwnersAsync(SteadyHost host) => host.WithDbAsync(async (db, _) =>
        (await db.EscalationRuns.AsNoTracking().Select(r => r.LeaseOwner).SingleAsync(Cancel),
         await db.Deliveries.AsNoTracking().Select(d => d.LeaseOwner).SingleAsync(Cancel)));
}
