using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Steady.Server.Tests.Alerts;

/// <summary>
/// Prometheus Alertmanager itself (Debian's package), started on loopback with a webhook receiver
/// pointing at Steady: an alert fired through its API appears in Steady, and resolves there.
/// </summary>
public sealed class AlertmanagerTests
{
    private const string Binary = "/usr/bin/prometheus-alertmanager";

    [Fact]
    public async Task AnAlertFiredThroughAlertmanagerAppearsInSteadyAndResolvesThere()
    {
        Assert.SkipUnless(File.Exists(Binary), $"{Binary} is not installed (apt-get install prometheus-alertmanager; scripts/test does this).");
        await using var host = await SteadyHost.StartAsync();
        var world = await AlertWorld.CreateAsync(host);
        var folder = Directory.CreateTempSubdirectory("steady-am-").FullName;
        var port = FreePort();
        await File.WriteAllTextAsync(Path.Combine(folder, "alertmanager.yml"), $"""
            route:
              receiver: steady
              group_by: ['alertname']
              group_wait: 1s
              group_interval: 1s
              repeat_interval: 1h
            receivers:
              - name: steady
                webhook_configs:
                  - url: {host.BaseAddress}intake/{world.Key}/alertmanager
                    send_resolved: true
            """);
        using var alertmanager = Process.Start(new ProcessStartInfo(Binary,
        [
            $"--config.file={Path.Combine(folder, "alertmanager.yml")}", $"--storage.path={folder}",
            $"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=", "--log.level=warn",
        ])
        { RedirectStandardError = true, RedirectStandardOutput = true })!;
        try
        {
            using var am = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await EventuallyAsync(async () => (await TryGetAsync(am, "/-/ready")) == HttpStatusCode.OK ? true : (bool?)null, "Alertmanager to start");

            var startsAt = DateTimeOffset.UtcNow;
            object Alert(DateTimeOffset? endsAt) => new[]
            {
                new
                {
                    labels = new { alertname = "SteadyEndToEnd", severity = "critical", instance = "db1:9100" },
                    annotations = new { summary = "Replication lag above 60 s on db1", runbook_url = "https://runbooks.example.com/replication" },
                    startsAt,
                    endsAt = endsAt ?? startsAt.AddHours(1),
                    generatorURL = "http://prometheus.example.com:9090/graph?g0.expr=lag",
                },
            };
            (await am.PostAsJsonAsync("/api/v2/alerts", Alert(null))).EnsureSuccessStatusCode();

            var fired = await EventuallyAsync(async () => (await world.AlertsAsync("&status=open")) is [var only] ? only : (JsonElement?)null, "the alert to reach Steady");
            Assert.Equal("Replication lag above 60 s on db1", fired.GetProperty("summary").GetString());
            Assert.Equal("critical", fired.GetProperty("severity").GetString());
            Assert.Equal("alertmanager", fired.GetProperty("format").GetString());
            Assert.Matches("^[0-9a-f]{16}$", fired.GetProperty("dedupKey").GetString());
            Assert.Contains(fired.GetProperty("links").EnumerateArray(), l => l.GetProperty("text").GetString() == "Runbook");

            (await am.PostAsJsonAsync("/api/v2/alerts", Alert(DateTimeOffset.UtcNow.AddSeconds(-1)))).EnsureSuccessStatusCode();

            var resolved = await EventuallyAsync(async () => (await world.AlertsAsync("&status=resolved")) is [var only] ? only : (JsonElement?)null, "the resolution to reach Steady");
            Assert.Equal(fired.GetProperty("id").GetString(), resolved.GetProperty("id").GetString());
            Assert.Equal("Alertmanager", resolved.GetProperty("resolvedBy").GetString());
        }
        finally
        {
            alertmanager.Kill(entireProcessTree: true);
            await alertmanager.WaitForExitAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<HttpStatusCode?> TryGetAsync(HttpClient client, string path)
    {
        try
        {
            return (await client.GetAsync(path)).StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>Alertmanager works in real time (group_wait, group_interval): wait for it, bounded.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what) where T : struct
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (await probe() is { } found)
                return found;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Waited 30 s for {what}.");
            await Task.Delay(100);
        }
    }
}
