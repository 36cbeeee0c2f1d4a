using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Steady.Server.Tests.Notify;

namespace Steady.Server.Tests.Paging;

/// <summary>The engine on the real clock, with waits of two seconds: in the test server, and as a separate process killed with SIGKILL.</summary>
public sealed class RealTimeTests
{
    [Fact]
    public async Task TheRunningServerPagesInMillisecondsEscalatesAfterTheWaitAndStopsOnAck()
    {
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync(b =>
        {
            b.UseSetting("Steady:Paging:BundleWindow", "00:00:00");
            b.ConfigureTestServices(s => s.AddSingleton(TimeProvider.System));
        });
        var world = await PagingWorld.CreateAsync(host, hooks, service: new { groupBy = new[] { "alertname" } });
        await host.WithDbAsync((db, _) => db.Database.ExecuteSqlRawAsync(PagingWorld.ShortWaitsSql));

        // A first page warms the process up (JIT, query compilation), then is resolved.
        await world.FireAsync("WarmUp", "critical");
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 1, "the warm-up page");
        (await host.Admin().PostAsJsonAsync($"/api/v1/alerts/{(await world.AlertAsync()).GetProperty("id").GetGuid()}/resolve", new { })).EnsureSuccessStatusCode();

        var fired = Stopwatch.StartNew();
        await world.FireAsync("HighErrorRate", "critical");
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 2, "the first page");
        var first = fired.Elapsed;
        Assert.True(first < TimeSpan.FromMilliseconds(500), $"the first page took {first.TotalMilliseconds:0} ms");
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 3, "step 2 after its wait");
        var second = fired.Elapsed;
        Assert.True(second >= TimeSpan.FromSeconds(1.9), $"step 2 came after {second.TotalMilliseconds:0} ms, before its wait");
        Assert.Equal(["/ann", "/ann", "/ben"], hooks.Requests.Select(r => r.PathAndQuery));

        var alertId = (await world.AlertAsync()).GetProperty("id").GetGuid();
        (await host.Admin().PostAsJsonAsync($"/api/v1/alerts/{alertId}/ack", new { })).EnsureSuccessStatusCode();
        await Task.Delay(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken); // the repeat would have paged twice by now
        Assert.Equal(3, hooks.Requests.Count);
    }

    /// <summary>
    /// The default lease (2 min): the restarted server must take over the killed one's claims at once, on both databases.
    /// No bundle window: with the default 60 s, the repeat's pages wait a minute behind the first ones, as they should,
    /// which is not what this test is about. The server's log lines (the engine's at Information) go to the test's output.
    /// </summary>
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Steady__Paging__BundleWindow"] = "00:00:00",
        ["Logging__LogLevel__Steady"] = "Information",
    };

    [Fact]
    public async Task EveryDuePageArrivesExactlyOnceAcrossASigkillMidEscalation()
    {
        await using var database = await TestDatabase.CreateAsync();
        using var hooks = new LoopbackReceiver { Delay = TimeSpan.FromMilliseconds(300) };
        const string token = "stdy_crash-test-token-0123456789abcdef";
        await using var first = ServerProcess.Start(database, token, Settings);
        await first.WaitReadyAsync();
        var server = first.Client.BaseAddress!;
        HttpClient Admin()
        {
            var client = new HttpClient { BaseAddress = server };
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
            return client;
        }
        var world = await PagingWorld.CreateAsync(Admin, () => new HttpClient { BaseAddress = server }, hooks);
        await ExecuteAsync(database, PagingWorld.ShortWaitsSql);

        // Steps: ann, ben (2 s apart), then the same again: four pages, each due once.
        await world.FireAsync();
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 2, "step 2 to be on its way", 30);
        await first.KillAsync(); // SIGKILL while step 2's page is being sent (the receiver answers after 300 ms)
        var beforeKill = hooks.Requests.Count;

        await using var second = ServerProcess.Start(database, token, Settings);
        await second.WaitReadyAsync();
        server = second.Client.BaseAddress!; // on a port of its own
        await PagingWorld.EventuallyAsync(() => Keys(hooks).Count == 4, "all four pages after the restart", 30);
        await Task.Delay(TimeSpan.FromSeconds(4), TestContext.Current.CancellationToken); // nothing more comes

        var keys = Keys(hooks);
        Assert.Equal(4, keys.Count);
        Assert.Equal(2, keys.Count(k => k.Value == "/ann"));
        Assert.Equal(2, keys.Count(k => k.Value == "/ben"));
        Assert.True(hooks.Requests.Count >= beforeKill);
        var alertId = (await world.AlertAsync()).GetProperty("id").GetGuid();
        var deliveries = (await world.NotificationsAsync(alertId)).GetProperty("deliveries").EnumerateArray().ToList();
        Assert.Equal(4, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal("sent", d.GetProperty("state").GetString()));
    }

    /// <summary>Distinct idempotency keys received, with the path each went to: what a receiver that dedups keeps.</summary>
    private static Dictionary<string, string> Keys(LoopbackReceiver hooks)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var request in hooks.Requests)
        {
            var key = request.Header("Idempotency-Key")!;
            if (keys.TryGetValue(key, out var path))
                Assert.Equal(path, request.PathAndQuery);
            keys[key] = request.PathAndQuery;
        }
        return keys;
    }

    private static async Task ExecuteAsync(TestDatabase database, string sql)
    {
        if (database.IsSqlite)
        {
            await using var connection = new SqliteConnection(database.ConnectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
        else
        {
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
