using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Steady.Server.Features.Intake;
using Steady.Server.Tests.Notify;
using Steady.Server.Tests.Paging;

namespace Steady.Server.Tests.Operations;

/// <summary>
/// Steady watching itself: /metrics shows how late the engine is, what intake turned away and why, the notice
/// outboxes and the nodes alive; /readyz names a worker that stopped or completes no pass — read from the real
/// endpoints, with the numbers made on purpose (the database refuses a worker's claims; the clock moves on).
/// </summary>
public sealed class MonitoringTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private const string EscalationClaim = "WHERE id IN (SELECT id FROM escalation_runs WHERE";
    private const string DeliveryClaim = "WHERE id IN (SELECT id FROM deliveries WHERE";

    [Fact]
    public async Task AnEscalationStepAndAPageThatCannotBeClaimedShowTheirAgeAsEngineLagAndReadyzNamesTheWorker()
    {
        var faults = new DbFaults();
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync(DbFaults.In(faults));
        var world = await PagingWorld.CreateAsync(host, hooks);
        faults.Away = sql => sql.Contains(EscalationClaim, StringComparison.Ordinal);

        await world.FireAsync();
        await PagingWorld.EventuallyAsync(() => faults.Failed > 0, "the escalation worker's claim refused");
        host.Clock.Advance(TimeSpan.FromSeconds(40));
        var metrics = await MetricsAsync(host);
        Assert.InRange(Value(metrics, "steady_engine_escalation_lag_seconds"), 39, 42);
        Assert.Equal(0, Value(metrics, "steady_engine_delivery_lag_seconds"));

        // The step runs; its pages cannot be claimed.
        faults.Away = sql => sql.Contains(DeliveryClaim, StringComparison.Ordinal);
        var refused = faults.Failed;
        host.Clock.Advance(TimeSpan.FromSeconds(2));
        await PagingWorld.EventuallyAsync(async () => await host.WithDbAsync((db, _) => db.Deliveries.AnyAsync(Cancel)), "the step's pages planned");
        await PagingWorld.EventuallyAsync(() => faults.Failed > refused, "the delivery worker's claim refused");
        host.Clock.Advance(TimeSpan.FromSeconds(90));
        metrics = await MetricsAsync(host);
        Assert.InRange(Value(metrics, "steady_engine_delivery_lag_seconds"), 89, 93);
        Assert.Equal(0, Value(metrics, "steady_engine_escalation_lag_seconds"));

        // 90 s without a pass: the delivery worker is named.
        var ready = await host.Anonymous().GetAsync("/readyz", Cancel);
        var why = await ready.Content.ReadAsStringAsync(Cancel);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Matches("DeliveryWorker has not completed a pass for 9[0-9] s", why);

        // The database takes the claim again: the page goes, the lag is 0, and the server is ready.
        faults.Away = null;
        host.Clock.Advance(TimeSpan.FromSeconds(2));
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count > 0, "the page sent");
        await PagingWorld.EventuallyAsync(async () => Value(await MetricsAsync(host), "steady_engine_delivery_lag_seconds") == 0, "no page overdue");
        await PagingWorld.EventuallyAsync(async () => (await host.Anonymous().GetAsync("/readyz", Cancel)).StatusCode == HttpStatusCode.OK, "ready again");
        var workers = (await host.Anonymous().GetFromJsonAsync<JsonElement>("/readyz", Cancel)).GetProperty("workers").EnumerateArray().ToList();
        Assert.Contains(workers, w => w.GetProperty("name").GetString() == "DeliveryWorker" && w.GetProperty("state").GetString() == "ok");
        Assert.Contains(workers, w => w.GetProperty("name").GetString() == "EscalationWorker");
    }

    [Fact]
    public async Task AWorkerThatStoppedIsNamedByReadyz()
    {
        await using var host = await SteadyHost.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.Anonymous().GetAsync("/readyz", Cancel)).StatusCode);

        await host.Services.GetServices<IHostedService>().OfType<HeartbeatMonitor>().Single().StopAsync(Cancel);

        var ready = await host.Anonymous().GetAsync("/readyz", Cancel);
        var problem = await ready.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Background work is not running: HeartbeatMonitor has stopped.", problem.GetProperty("detail").GetString());
        Assert.Contains(problem.GetProperty("workers").EnumerateArray(), w => w.GetProperty("name").GetString() == "HeartbeatMonitor" && w.GetProperty("state").GetString() == "stopped");
    }

    [Fact]
    public async Task IntakeCountsWhatItReceivedStoredAndRejectedByReason()
    {
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var world = await PagingWorld.CreateAsync(host, hooks);
        var client = host.Anonymous();
        var before = await MetricsAsync(host);

        (await client.PostAsJsonAsync($"/intake/{world.Key}/generic", new { summary = "stored", dedup_key = "m-1" }, Cancel)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync("/intake/no-such-key/generic", new { summary = "x" }, Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync("/intake/no-such-key/generic", new { summary = "x" }, Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync($"/intake/{world.Key}/generic", new { severity = "critical" }, Cancel)).StatusCode);
        var after = await MetricsAsync(host);

        // Other tests in this process may send alerts meanwhile: at least these, and every reason is there from the start.
        Assert.True(Value(after, "steady_intake_requests_total") - Counted(before, "steady_intake_requests_total") >= 4);
        Assert.True(Value(after, "steady_intake_alerts_stored_total") - Counted(before, "steady_intake_alerts_stored_total") >= 1);
        Assert.True(Value(after, "steady_intake_rejected_total{reason=\"unknown_key\"}") - Counted(before, "steady_intake_rejected_total{reason=\"unknown_key\"}") >= 2);
        Assert.True(Value(after, "steady_intake_rejected_total{reason=\"invalid\"}") - Counted(before, "steady_intake_rejected_total{reason=\"invalid\"}") >= 1);
        foreach (var reason in new[] { "rate_limited", "queue_full", "storage_failed" })
            Assert.Contains($"steady_intake_rejected_total{{reason=\"{reason}\"}} ", after, StringComparison.Ordinal);
        Assert.Contains("steady_intake_queue_alerts ", after, StringComparison.Ordinal);
        Assert.Contains("steady_intake_batch_alerts_count ", after, StringComparison.Ordinal);
        Assert.Contains("steady_intake_commit_seconds_count ", after, StringComparison.Ordinal);
        // Where the writer's time went, by phase: its own thread's CPU (on SQLite, whose awaits stay on the thread; Linux's clock).
        if (!TestDatabase.UsePostgres && OperatingSystem.IsLinux())
        {
            foreach (var phase in new[] { "load", "fold", "write", "commit" })
            {
                var sample = $"steady_alert_writer_cpu_seconds_total{{phase=\"{phase}\"}}";
                Assert.True(Value(after, sample) > Counted(before, sample), $"{sample} did not grow");
            }
        }
        Assert.Contains("steady_pages_failed_total", after, StringComparison.Ordinal);
        Assert.Equal(1, Value(after, "steady_nodes_alive"));
        Assert.Equal(0, Value(after, "steady_notices_outbox_depth{outbox=\"incident\"}"));
    }

    /// <summary>A counter's value before a test's work: 0 while nothing created it yet (a counter appears when first used).</summary>
    private static double Counted(string metrics, string sample) =>
        metrics.Contains("\n" + sample + " ", StringComparison.Ordinal) ? Value(metrics, sample) : 0;

    internal static Task<string> MetricsAsync(SteadyHost host) => host.Anonymous().GetStringAsync("/metrics", Cancel);

    /// <summary>The value of one sample, e.g. <c>steady_nodes_alive</c> or <c>steady_intake_rejected_total{reason="invalid"}</c>; a missing sample fails the test.</summary>
    internal static double Value(string metrics, string sample)
    {
        var match = Regex.Match(metrics, "^" + Regex.Escape(sample) + " ([^ \\n]+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"{sample} is not on /metrics");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
