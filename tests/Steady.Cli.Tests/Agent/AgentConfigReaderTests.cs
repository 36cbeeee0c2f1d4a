using Steady.Agent;
using Steady.Agent.Checks;

namespace Steady.Cli.Tests.Agent;

public sealed class AgentConfigReaderTests
{
    private static readonly Dictionary<string, string?> NoEnvironment = [];

    private static AgentConfig Read(string yaml, Dictionary<string, string?>? environment = null) =>
        AgentConfigReader.Read(yaml, "agent.yaml", environment ?? NoEnvironment);

    private static string Error(string yaml) => Assert.Throws<AgentConfigException>(() => Read(yaml)).Message;

    [Fact]
    public void AFullConfigGivesEveryCheckWithItsSettings()
    {
        var config = Read("""
            server: https://steady.example.com/
            integrationKey: abc123
            host: db-1
            interval: 15s
            heartbeat:
              name: db-1-agent
              interval: 2m
              grace: 1m
            buffer: 50
            state: /var/lib/steady-agent/state.json
            checks:
              - type: systemd
                ignore: [apt-daily.service]
              - type: filesystem
                mounts: [/, /var]
                threshold: 85
                fillHours: 6
              - type: memory-pressure
              - type: oom
                quiet: 10m
              - type: journal-burst
                name: pool
                pattern: connection pool exhausted
                unit: myapp
                count: 50
                window: 5m
              - type: http
                name: api
                url: http://127.0.0.1:8080/healthz
                expectStatus: 200
                contains: ok
                timeout: 2s
                severity: warning
            """);

        Assert.Equal(("https://steady.example.com/", "abc123", "db-1", TimeSpan.FromSeconds(15)), (config.Server.AbsoluteUri, config.IntegrationKey, config.Host, config.Interval));
        Assert.Equal(("db-1-agent", TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(1), 50), (config.HeartbeatName, config.HeartbeatInterval, config.HeartbeatGrace, config.Buffer));
        Assert.Equal("/var/lib/steady-agent/state.json", config.StatePath);
        Assert.Equal(["systemd:systemd", "filesystem:filesystem", "memory-pressure:memory-pressure", "oom:oom", "pool:journal-burst", "api:http"], config.Checks.Select(c => $"{c.Name}:{c.Type}"));
        Assert.IsType<HttpCheck>(config.Checks[^1]);
    }

    [Fact]
    public void TheServerAndKeyMayComeFromTheEnvironmentAndTheHostDefaultsToThisMachine()
    {
        var config = Read("checks: []", new Dictionary<string, string?> { ["STEADY_SERVER"] = "http://127.0.0.1:8080", ["STEADY_INTEGRATION_KEY"] = "k" });

        Assert.Equal(("http://127.0.0.1:8080/", "k", Environment.MachineName, Environment.MachineName), (config.Server.AbsoluteUri, config.IntegrationKey, config.Host, config.HeartbeatName));
        Assert.Empty(config.Checks);
    }

    [Theory]
    [InlineData("integrationKey: k\n", "agent.yaml: line 1: server is missing (the Steady server's URL)")]
    [InlineData("server: ftp://x\nintegrationKey: k\n", "agent.yaml: line 1: server 'ftp://x' is not an http:// or https:// URL")]
    [InlineData("server: http://x\n", "agent.yaml: line 1: integrationKey is missing (the service's integration key; or set STEADY_INTEGRATION_KEY)")]
    [InlineData("server: http://x\nintegrationKey: k\ninterval: soon\n", "agent.yaml: line 3: interval 'soon' must be a duration between 1s and 1h, like 30s, 5m or 1h")]
    [InlineData("server: http://x\nintegrationKey: k\nchecks:\n  - type: filesystem\n    threshhold: 80\n", "agent.yaml: line 5: unknown key 'checks[0].threshhold'")]
    [InlineData("server: http://x\nintegrationKey: k\nchecks:\n  - type: disk\n", "agent.yaml: line 4: checks[0].type 'disk' is not one of systemd, filesystem, memory-pressure, oom, journal-burst, http")]
    [InlineData("server: http://x\nintegrationKey: k\nchecks:\n  - type: http\n  - type: http\n    url: http://a\n", "agent.yaml: line 4: checks[0].url is missing")]
    [InlineData("server: http://x\nintegrationKey: k\nchecks:\n  - type: oom\n  - type: oom\n", "agent.yaml: line 5: checks[1]: two checks are named 'oom'; give one a name:")]
    [InlineData("server: http://x\nintegrationKey: k\nchecks:\n  - type: journal-burst\n    pattern: '(unclosed'\n", "agent.yaml: line 5: checks[0].pattern is not a regular expression: Invalid pattern '(unclosed' at offset 9. Not enough )'s.")]
    [InlineData("server: http://x\nintegrationKey: k\nchecks:\n  - type: filesystem\n    threshold: 120\n", "agent.yaml: line 5: checks[0].threshold '120' must be a number from 1 to 100")]
    [InlineData("server: [http://x\n", "agent.yaml: line 2: While parsing a flow sequence, did not find expected ',' or ']'.")]
    public void MistakesAreReportedWithTheirLine(string yaml, string message)
    {
        Assert.Equal(message, Error(yaml));
    }

    [Fact]
    public void TheExampleConfigShippedInDeployIsValid()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "deploy", "agent.yaml")))
            directory = directory.Parent;
        Assert.NotNull(directory);

        var config = Read(File.ReadAllText(Path.Combine(directory.FullName, "deploy", "agent.yaml")));

        Assert.Equal(["systemd", "filesystem", "memory-pressure", "oom", "journal-burst", "http"], config.Checks.Select(c => c.Type));
        Assert.Equal("/var/lib/steady-agent/state.json", config.StatePath);
    }
}
