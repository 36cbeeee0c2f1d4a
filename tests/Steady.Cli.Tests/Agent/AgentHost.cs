using System.Globalization;
using Steady.Agent;

namespace Steady.Cli.Tests.Agent;

/// <summary>
/// A host the agent tests control: a folder standing for / (proc/pressure/memory, proc/vmstat the
/// tests write), and a YAML config pointing the agent at it.
/// </summary>
public sealed class AgentHost : IDisposable
{
    public AgentHost()
    {
        Root = Directory.CreateTempSubdirectory("steady-agent-host-").FullName;
        Directory.CreateDirectory(Path.Combine(Root, "proc", "pressure"));
        MemoryPressure(0);
        OomKills(0);
    }

    public string Root { get; }

    public string StatePath => Path.Combine(Root, "state", "agent.json");

    public void MemoryPressure(double avg10) =>
        File.WriteAllText(Path.Combine(Root, "proc", "pressure", "memory"), string.Create(CultureInfo.InvariantCulture,
            $"some avg10={avg10:0.00} avg60={avg10 / 2:0.00} avg300=0.00 total=123456\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"));

    public void OomKills(long count) =>
        File.WriteAllText(Path.Combine(Root, "proc", "vmstat"), $"nr_free_pages 1000\noom_kill {count}\n");

    public string Yaml(string server, string key, string checks, string extra = "") => $"""
        server: {server}
        integrationKey: {key}
        host: web-1
        interval: 30s
        heartbeat:
          interval: 60s
          grace: 30s
        root: {Root}
        {extra}
        checks:
        {checks}
        """;

    public AgentConfig Config(string server, string key, string checks, string extra = "") =>
        AgentConfigReader.Read(Yaml(server, key, checks, extra), "agent.yaml", new Dictionary<string, string?>());

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
