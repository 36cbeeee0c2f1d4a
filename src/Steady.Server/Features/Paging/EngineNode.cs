namespace Steady.Server.Features.Paging;

/// <summary>
/// This process as a node of the engine. Every claim it takes (a <c>lease_owner</c>) starts with
/// <see cref="Id"/>, "node-{number}/{host}/{pid}", so that other nodes can tell, from the number alone,
/// whether the node that holds a claim is still alive (see <see cref="NodePresence"/>).
/// </summary>
public sealed class EngineNode
{
    public EngineNode()
    {
        Number = Random.Shared.Next(1, int.MaxValue);
        Id = $"node-{Number}/{Environment.MachineName}/{Environment.ProcessId}";
    }

    /// <summary>The key of this node's presence lock on PostgreSQL (positive, random per process).</summary>
    public int Number { get; }

    public string Id { get; }
}

/// <summary>The process's exit code when the server stops by itself for a reason (e.g. its database's schema became newer than it knows).</summary>
public sealed class ServerExit
{
    public int Code { get; set; }
}
