using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Steady.Server.Tests.Notify;
using Steady.Server.Tests.Paging;

namespace Steady.Server.Tests.Faults;

/// <summary>
/// PostgreSQL stopped under intake load and started again, beneath two nodes (real processes, a PostgreSQL of the test's
/// own): intake answers 503 with Retry-After meanwhile — never 500, never a hang, never 202 without storing — every node
/// recovers without a restart, nothing answered 202 is lost, every page goes out within seconds of the database's
/// return, and none goes twice.
/// </summary>
public sealed class DatabaseOutageTests
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task WhilePostgreSqlIsStoppedIntakeAnswers503AndWhenItIsBackEveryNodeGoesOnLosingNothingAndSendingNothingTwice()
    {
        Assert.SkipUnless(TestDatabase.UsePostgres, "The outage is PostgreSQL's (a server stopped and started); SQLite's full disk is FullDiskTests.");
        Assert.SkipWhen(PrivatePostgres.Missing is not null, PrivatePostgres.Missing ?? "");
        await using var postgres = await PrivatePostgres.StartAsync();
        await using var database = await TestDatabase.CreateOnAsync(postgres.ConnectionString);
        using var hooks = new LoopbackReceiver();
        var settings = new Dictionary<string, string>
        {
            ["Steady__Paging__BundleWindow"] = "00:00:00",
            ["Steady__Paging__ThrottlePerMinute"] = "0",
            ["Steady__Intake__RequestsPerSecondPerKey"] = "0",
        };
        await using var cluster = await Cluster.StartAsync(database, 2, hooks, settings);

        // Alerts every 100 ms, to both nodes in turn, each in a group of its own (each pages Ann once).
        var accepted = new ConcurrentDictionary<string, DateTimeOffset>();
        var answers = new ConcurrentBag<(HttpStatusCode Status, bool RetryAfter, TimeSpan Took, string Body)>();
        using var stop = new CancellationTokenSource();
        var sender = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var name = $"Outage{i}";
                var took = Stopwatch.StartNew();
                using var client = cluster.Anonymous(i % 2);
                client.Timeout = TimeSpan.FromSeconds(30);
                var response = await cluster.World.PostFiringAsync(client, "{}:{alertname=\"" + name + "\"}", (name, "f-" + name, "critical", "api-1:9100"));
                answers.Add((response.StatusCode, response.Headers.RetryAfter is not null, took.Elapsed, await response.Content.ReadAsStringAsync()));
                if (response.StatusCode == HttpStatusCode.Accepted)
                    accepted[name] = DateTimeOffset.UtcNow;
                await Task.Delay(100);
            }
        });

        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        await postgres.StopAsync();
        await Task.Delay(Outage, TestContext.Current.CancellationToken);
        var refused = answers.Count(a => a.Status == HttpStatusCode.ServiceUnavailable);
        await postgres.StartAgainAsync();
        var back = DateTimeOffset.UtcNow;
        // Both nodes are ready again by themselves.
        await PagingWorld.EventuallyAsync(async () =>
        {
            foreach (var node in cluster.Nodes)
            {
                using var client = new HttpClient { BaseAddress = node.Client.BaseAddress };
                if (!(await client.GetAsync("/readyz")).IsSuccessStatusCode)
                    return false;
            }
            return true;
        }, "both nodes ready again", 30);
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await sender;

        Assert.True(refused > 0, "intake never answered 503 while the database was stopped");
        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable, $"intake answered {(int)a.Status}: {a.Body}"));
        Assert.All(answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable), a => Assert.True(a.RetryAfter, $"a 503 without Retry-After: {a.Body}"));
        Assert.All(answers, a => Assert.True(a.Took < TimeSpan.FromSeconds(20), $"intake took {a.Took.TotalSeconds:0.0} s to answer"));

        // Nothing answered 202 is lost, and each of them pages Ann, once, within seconds of the database's return.
        foreach (var name in accepted.Keys)
            Assert.Equal(1, await cluster.ScalarAsync($"SELECT count(*) FROM alerts WHERE dedup_key = 'f-{name}'"));
        try
        {
            // Pages due together for Ann go as one message (one key for their deliveries): wait for every accepted
            // alert's message, not for as many requests as alerts.
            await PagingWorld.EventuallyAsync(async () =>
            {
                var sentAs = await cluster.QueryAsync("SELECT a.dedup_key, d.sent_as FROM alerts a JOIN deliveries d ON d.group_id = a.group_id WHERE d.sent_as IS NOT NULL",
                    r => (Alert: r.GetString(0), Key: "dlv-" + r.GetGuid(1)));
                var received = hooks.Requests.Select(r => r.Header("Idempotency-Key")).ToHashSet();
                return accepted.Keys.All(name => sentAs.Any(s => s.Alert == "f-" + name && received.Contains(s.Key)));
            }, $"a page for each of the {accepted.Count} accepted alerts", 60);
        }
        catch (TimeoutException)
        {
            // Say where the missing pages stand: each alert's run and deliveries, as the database has them.
            var rows = await cluster.QueryAsync(
                "SELECT a.dedup_key, a.status, r.state, r.next_due_at, r.lease_owner, r.lease_until, d.state, d.sent_as, d.lease_owner, d.attempts, d.error " +
                "FROM alerts a LEFT JOIN escalation_runs r ON r.group_id = a.group_id LEFT JOIN deliveries d ON d.group_id = a.group_id ORDER BY a.dedup_key",
                r => string.Join(" | ", Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "-" : Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
            throw new TimeoutException($"{hooks.Requests.Count} messages for {accepted.Count} accepted alerts; back at {back:HH:mm:ss.fff}, now {DateTimeOffset.UtcNow:HH:mm:ss.fff}:\n" + string.Join("\n", rows));
        }
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        var pages = await cluster.PagesAsync();
        Assert.Equal(accepted.Count, pages.Count);
        Assert.All(pages, p => Assert.Equal("sent", p.State));
        var first = hooks.Requests.GroupBy(r => r.Header("Idempotency-Key")!).ToDictionary(g => g.Key, g => (Count: g.Count(), At: g.Min(r => r.At)));
        Assert.All(first, f => Assert.True(f.Value.Count == 1, $"{f.Key} was sent {f.Value.Count} times"));
        // Each accepted alert's page arrived within seconds of its acceptance, or of the database's return.
        var keyOf = await cluster.QueryAsync("SELECT a.dedup_key, d.sent_as FROM deliveries d JOIN alerts a ON a.group_id = d.group_id", r => (Alert: r.GetString(0), Key: "dlv-" + r.GetGuid(1)));
        foreach (var (alert, key) in keyOf)
        {
            var acceptedAt = accepted[alert[2..]];
            var from = acceptedAt > back ? acceptedAt : back;
            Assert.True(first[key].At - from < TimeSpan.FromSeconds(10), $"{alert}'s page went {(first[key].At - from).TotalSeconds:0.0} s after it could");
        }
    }
}
