using System.Text.Json;
using System.Text.Json.Serialization;

namespace Steady.Agent;

/// <summary>An alert the agent has raised and not yet resolved.</summary>
public sealed record FiringAlert(string Check, string Summary, string Severity, DateTimeOffset SentAt);

/// <summary>
/// What the agent keeps across restarts, in its state file: what is firing (so a restart still
/// resolves it) and what waits to be sent (so a restart while the server is away loses nothing).
/// </summary>
public sealed record AgentState(
    Dictionary<string, FiringAlert> Firing,
    List<AlertChange> Pending,
    DateTimeOffset? Heartbeat,
    long Dropped)
{
    public static AgentState? Load(string path)
    {
        if (!File.Exists(path))
            return null;
        return JsonSerializer.Deserialize(File.ReadAllText(path), AgentJson.Default.AgentState);
    }

    /// <summary>Written beside, then renamed over: a crash mid-write leaves the old state.</summary>
    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, AgentJson.Default.AgentState));
        File.Move(temporary, path, overwrite: true);
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(AgentState))]
internal sealed partial class AgentJson : JsonSerializerContext;
