using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Steady.Agent;
using Steady.Cli.Tests.Agent;

namespace Steady.Cli.Tests.Integration;

/// <summary>steady agent against the real server: alerts raised and resolved, heartbeats, and the buffer while the server is away. The clock is fake; nothing sleeps.</summary>
public sealed class AgentTests(SteadyServer server) : IClassFixture<SteadyServer>, IDisposable
{
    private const string PressureCheck = """
          - type: memory-pressure
            name: memory
            threshold: 20
        """;

    private readonly Person _person = AlertPeople.Responder(server);
    private readonly AgentHost _host = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 13, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        _person.Dispose();
        _host.Dispose();
    }

    private CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AFailingCheckRaisesAnAlertAndAPassingOneResolvesIt()
    {
        var key = await _person.ServiceWithKeyAsync("agent-svc");
        var checks = PressureCheck + $"""

              - type: http
                name: health
                url: {server.Url}/healthz
              - type: http
                name: broken-page
                url: {server.Url}/no-such-page
                expectStatus: 200
            """;
        using var agent = new Steady.Agent.Agent(_host.Config(server.Url, key, checks), new AgentOptions { Time = _clock });
        _host.MemoryPressure(55);

        await agent.RunOnceAsync(Cancel);

        var open = await _person.AlertsAsync("--service", "agent-svc");
        Assert.Equal(["broken-page on web-1: " + server.Url + "/no-such-page answered 404 (expected 200) in", "Memory pressure on web-1: 55% of the last 10 s stalled on memory (60 s: 27.5%; threshold 20%)"],
            open.Select(a => a.GetProperty("summary").GetString()!).Select(s => s.StartsWith("broken", StringComparison.Ordinal) ? s[..s.LastIndexOf(" in", StringComparison.Ordinal)] + " in" : s).Order());
        var memory = open.Single(a => a.GetProperty("summary").GetString()!.StartsWith("Memory", StringComparison.Ordinal));
        Assert.Equal(("warning", "web-1", "web-1", "memory"), (memory.GetProperty("severity").GetString(), memory.GetProperty("source").GetString(),
            memory.GetProperty("labels").GetProperty("host").GetString(), memory.GetProperty("labels").GetProperty("check").GetString()));
        Assert.Equal(0, agent.Outbox.Count);
        var heartbeat = Assert.Single(await HeartbeatsAsync("agent-svc"));
        Assert.Equal(("web-1", 60, 30, false), (heartbeat.GetProperty("name").GetString(), heartbeat.GetProperty("intervalSeconds").GetInt32(), heartbeat.GetProperty("graceSeconds").GetInt32(), heartbeat.GetProperty("down").GetBoolean()));

        // Still failing a round later: no second alert, no repeat counted.
        _clock.Advance(TimeSpan.FromSeconds(30));
        await agent.RunOnceAsync(Cancel);
        Assert.Equal(1, (await _person.AlertsAsync("--service", "agent-svc")).Single(a => a.Id() == memory.Id()).GetProperty("eventCount").GetInt32());

        _host.MemoryPressure(3);
        _clock.Advance(TimeSpan.FromSeconds(30));
        await agent.RunOnceAsync(Cancel);

        var still = Assert.Single(await _person.AlertsAsync("--service", "agent-svc"));
        Assert.StartsWith("broken-page on web-1", still.GetProperty("summary").GetString(), StringComparison.Ordinal);
        var resolved = Assert.Single(await _person.AlertsAsync("--service", "agent-svc", "--status", "resolved"));
        Assert.Equal(memory.Id(), resolved.Id());
        Assert.Equal(["agent/web-1/broken-page"], agent.Firing.Keys);
    }

    [Fact]
    public async Task WhileTheServerIsUnreachableChangesWaitAndGoOutWithBackoffWhenItAnswers()
    {
        var key = await _person.ServiceWithKeyAsync("away-svc");
        var network = new Network();
        using var agent = new Steady.Agent.Agent(_host.Config(server.Url, key, PressureCheck), new AgentOptions { Time = _clock, IntakeHandler = network.Handler });
        _host.MemoryPressure(80);
        network.Down = true;

        await agent.RunOnceAsync(Cancel);

        Assert.Empty(await _person.AlertsAsync("--service", "away-svc"));
        Assert.Equal(2, agent.Outbox.Count); // the alert and the heartbeat
        Assert.Equal(_clock.GetUtcNow().AddSeconds(2), agent.RetryAt);
        Assert.StartsWith($"cannot reach {server.Url}", agent.LastSendError, StringComparison.Ordinal);
        Assert.Equal(1, network.Attempts);

        // Before the retry is due, nothing is tried; after it, the wait doubles.
        _clock.Advance(TimeSpan.FromSeconds(1));
        await agent.RunOnceAsync(Cancel);
        Assert.Equal(1, network.Attempts);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var next = await agent.RunOnceAsync(Cancel);
        Assert.Equal(2, network.Attempts);
        Assert.Equal(_clock.GetUtcNow().AddSeconds(4), agent.RetryAt);
        Assert.Equal(agent.RetryAt, next);

        // The server answers again: what waited is delivered, once.
        network.Down = false;
        _clock.Advance(TimeSpan.FromSeconds(4));
        await agent.RunOnceAsync(Cancel);

        Assert.Equal(0, agent.Outbox.Count);
        Assert.Null(agent.RetryAt);
        var alert = Assert.Single(await _person.AlertsAsync("--service", "away-svc"));
        Assert.Equal(1, alert.GetProperty("eventCount").GetInt32());
        Assert.Single(await HeartbeatsAsync("away-svc"));
    }

    [Fact]
    public async Task WhatWaitsSurvivesARestartThroughTheStateFile()
    {
        var key = await _person.ServiceWithKeyAsync("restart-svc");
        var network = new Network { Down = true };
        var config = _host.Config(server.Url, key, PressureCheck, $"state: {_host.StatePath}");
        _host.MemoryPressure(90);
        using (var first = new Steady.Agent.Agent(config, new AgentOptions { Time = _clock, IntakeHandler = network.Handler }))
            await first.RunOnceAsync(Cancel);

        using var second = new Steady.Agent.Agent(config, new AgentOptions { Time = _clock });

        Assert.Equal(2, second.Outbox.Count);
        Assert.Equal(["agent/web-1/memory"], second.Firing.Keys);
        await second.RunOnceAsync(Cancel);
        Assert.Equal(0, second.Outbox.Count);
        Assert.Single(await _person.AlertsAsync("--service", "restart-svc"));
    }

    [Fact]
    public async Task AgentOnceShowsEachCheckAndWhatItSent()
    {
        var key = await _person.ServiceWithKeyAsync("once-svc");
        var path = Path.Combine(_host.Root, "agent.yaml");
        File.WriteAllText(path, _host.Yaml(server.Url, key, PressureCheck + $"""

              - type: http
                name: health
                url: {server.Url}/healthz
            """));
        _host.MemoryPressure(42.5);

        var result = (await _person.RunAsync("agent", "--config", path, "--once")).Succeeded();

        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^CHECK\s+TYPE\s+STATUS\s+DETAIL$", lines[0]);
        Assert.Matches(@"^memory\s+memory-pressure\s+failing\s+Memory pressure on web-1: 42\.5% of the last 10 s", lines[1]);
        Assert.Matches(@"^health\s+http\s+ok\s+-$", lines[2]);
        Assert.Equal($"Sent to {server.Url}/: heartbeat 'web-1', 1 firing.", lines[3]);
        Assert.Single(await _person.AlertsAsync("--service", "once-svc"));
    }

    [Fact]
    public async Task AgentOnceWithTheServerAwaySaysSoInOneLine()
    {
        var path = Path.Combine(_host.Root, "agent.yaml");
        File.WriteAllText(path, _host.Yaml("http://127.0.0.1:9", "somekey", PressureCheck));

        var result = await _person.RunAsync("agent", "--config", path, "--once");

        Assert.Equal("steady: cannot reach http://127.0.0.1:9/: ConnectionRefused; 1 waiting", result.SingleErrorLine(ExitCodes.Error));
    }

    private async Task<List<JsonElement>> HeartbeatsAsync(string service)
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", SteadyServer.AdminToken);
        return (await http.GetFromJsonAsync<List<JsonElement>>($"{server.Url}/api/v1/services/{service}/heartbeats", Cancel))!;
    }

    /// <summary>The agent's connection to the real server, which the test can cut: connecting is refused while Down.</summary>
    private sealed class Network
    {
        public bool Down { get; set; }

        public int Attempts { get; private set; }

        public SocketsHttpHandler Handler => new()
        {
            PooledConnectionLifetime = TimeSpan.Zero,
            ConnectCallback = async (context, cancellationToken) =>
            {
                Attempts++;
                if (Down)
                    throw new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused));
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
    }
}
