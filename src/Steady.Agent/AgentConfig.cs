using Steady.Agent.Checks;

namespace Steady.Agent;

/// <summary>
/// What one agent does: where it sends (the server and its service's integration key), as which
/// host, how often it checks and sends its heartbeat, how much it may hold while the server is
/// away, where it keeps its state, and its checks. Read from YAML by <see cref="AgentConfigReader"/>.
/// </summary>
public sealed record AgentConfig
{
    public required Uri Server { get; init; }

    public required string IntegrationKey { get; init; }

    /// <summary>The host's name in alerts and dedup keys (default: this machine's name).</summary>
    public required string Host { get; init; }

    /// <summary>How often the checks run.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The heartbeat monitor's name on the service (default: the host).</summary>
    public required string HeartbeatName { get; init; }

    /// <summary>How often a heartbeat is sent; the server raises an alert after this plus the grace without one.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan HeartbeatGrace { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>At most this many alert changes wait for the server; past it the oldest go (and are counted).</summary>
    public int Buffer { get; init; } = 1000;

    /// <summary>Longest wait between tries while the server cannot be reached.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A still-failing check is sent again this often, so an alert resolved by hand comes back.</summary>
    public TimeSpan Reassert { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The state file (what is firing, what waits to be sent); null keeps it in memory only.</summary>
    public string? StatePath { get; init; }

    /// <summary>Where /proc, /sys and /run are read ("/", or a tree for tests).</summary>
    public string Root { get; init; } = "/";

    public IReadOnlyList<ICheck> Checks { get; init; } = [];
}

/// <summary>A config that cannot be used; the message names the file, line and key.</summary>
public sealed class AgentConfigException(string message) : Exception(message);
