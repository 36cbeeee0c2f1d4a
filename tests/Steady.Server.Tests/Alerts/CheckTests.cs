using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Steady.Server.Tests.Alerts;

/// <summary>Built-in checks against real loopback endpoints, run on the controlled clock.</summary>
public sealed class CheckTests
{
    [Fact]
    public async Task AnHttpCheckRaisesAnAlertAfterRepeatedFailuresAndResolvesWhenHealthyAgain()
    {
        await using var host = await SteadyHost.StartAsync();
        var world = await AlertWorld.CreateAsync(host);
        using var site = new LoopbackSite();
        var created = await host.Admin().PostAsJsonAsync("/api/v1/checks", new
        {
            service = world.Service,
            name = "health page",
            kind = "http",
            target = site.Url + "healthz",
            intervalSeconds = 30,
            timeoutMs = 2000,
            bodyMatch = "ok",
            failuresToAlert = 2,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var first = await ResultsAsync(host, id!, 1);
        Assert.True(first[0].GetProperty("ok").GetBoolean(), first[0].ToString());

        site.Status = 503;
        host.Clock.Advance(TimeSpan.FromSeconds(30));
        var second = await ResultsAsync(host, id!, 2);
        Assert.Equal("HTTP 503, expected 2xx", second[0].GetProperty("message").GetString());
        Assert.Empty(await world.AlertsAsync("&status=open"));

        host.Clock.Advance(TimeSpan.FromSeconds(30));
        await ResultsAsync(host, id!, 3);
        var alert = await world.AlertAsync("check:" + Guid.Parse(id!).ToString("N"));
        Assert.Equal("Check 'health page' failing: HTTP 503, expected 2xx", alert.GetProperty("summary").GetString());
        Assert.Equal("check", alert.GetProperty("format").GetString());

        site.Status = 200;
        host.Clock.Advance(TimeSpan.FromSeconds(30));
        await ResultsAsync(host, id!, 4);
        Assert.Equal("resolved", (await world.AlertAsync("check:" + Guid.Parse(id!).ToString("N"), "resolved")).GetProperty("status").GetString());
        var check = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/checks/{id}");
        Assert.False(check.GetProperty("alerting").GetBoolean());
        Assert.True(check.GetProperty("lastOk").GetBoolean());
    }

    [Fact]
    public async Task ATcpCheckPassesOnAnOpenPortAndFailsOnAClosedOne()
    {
        await using var host = await SteadyHost.StartAsync();
        var world = await AlertWorld.CreateAsync(host);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var open = ((IPEndPoint)listener.LocalEndpoint).Port;
        var closed = FreePort();

        var up = await CreateAsync(host, world, "db port", $"127.0.0.1:{open}");
        var down = await CreateAsync(host, world, "nothing there", $"127.0.0.1:{closed}");

        Assert.True((await ResultsAsync(host, up, 1))[0].GetProperty("ok").GetBoolean());
        var failed = (await ResultsAsync(host, down, 1))[0];
        Assert.False(failed.GetProperty("ok").GetBoolean());
        Assert.Contains("refused", failed.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ABadCheckIsRefusedNamingEveryWrongField()
    {
        await using var host = await SteadyHost.StartAsync();
        var world = await AlertWorld.CreateAsync(host);
        var response = await host.Admin().PostAsJsonAsync("/api/v1/checks", new { service = world.Service, name = "x", kind = "tcp", target = "db1", intervalSeconds = 1, severity = "loud" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("target", out _));
        Assert.True(errors.TryGetProperty("intervalSeconds", out _));
        Assert.True(errors.TryGetProperty("severity", out _));
        Assert.Empty((await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/checks?service={world.Service}")).EnumerateArray());
    }

    private static async Task<string> CreateAsync(SteadyHost host, AlertWorld world, string name, string target)
    {
        var response = await host.Admin().PostAsJsonAsync("/api/v1/checks", new { service = world.Service, name, kind = "tcp", target, intervalSeconds = 60, timeoutMs = 2000 });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>Waits (real time, bounded) until the runner has recorded <paramref name="count"/> results; newest first.</summary>
    private static async Task<List<JsonElement>> ResultsAsync(SteadyHost host, string id, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var check = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/checks/{id}");
            var results = check.GetProperty("results").EnumerateArray().ToList();
            if (results.Count >= count)
                return results;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The check ran {results.Count} times, not {count}.");
            await Task.Delay(50);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A tiny HTTP server on loopback whose answer the test controls.</summary>
    private sealed class LoopbackSite : IDisposable
    {
        private readonly HttpListener _listener = new();

        public LoopbackSite()
        {
            Url = $"http://127.0.0.1:{FreePort()}/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = ServeAsync();
        }

        public string Url { get; }

        public int Status { get; set; } = 200;

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                context.Response.StatusCode = Status;
                var body = Encoding.UTF8.GetBytes(Status == 200 ? "{\"status\":\"ok\"}" : "{\"status\":\"down\"}");
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();
    }
}
