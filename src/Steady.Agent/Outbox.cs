namespace Steady.Agent;

/// <summary>
/// One change the server must hear about: an alert raised or resolved (by its dedup key), or a
/// heartbeat. Only the latest change per dedup key matters, so a newer one replaces an older one
/// still waiting.
/// </summary>
public sealed record AlertChange(string DedupKey, string Status, string Summary, string Severity, string Check, IReadOnlyDictionary<string, string>? Labels, DateTimeOffset At)
{
    public const string Firing = "firing";
    public const string Resolved = "resolved";
}

/// <summary>
/// What waits to be sent while the server cannot be reached: bounded, oldest first, one change per
/// dedup key (the latest), and at most one heartbeat (the latest). When full, the oldest change
/// goes and is counted in <see cref="Dropped"/>.
/// </summary>
public sealed class Outbox(int capacity)
{
    private readonly List<AlertChange> _changes = [];

    public int Capacity { get; } = capacity;

    public IReadOnlyList<AlertChange> Changes => _changes;

    /// <summary>When the newest heartbeat waiting was due; null when none waits.</summary>
    public DateTimeOffset? Heartbeat { get; set; }

    public long Dropped { get; private set; }

    public int Count => _changes.Count + (Heartbeat is null ? 0 : 1);

    public void Add(AlertChange change)
    {
        var index = _changes.FindIndex(c => c.DedupKey == change.DedupKey);
        if (index >= 0)
        {
            _changes[index] = change;
            return;
        }
        if (_changes.Count >= Capacity)
        {
            _changes.RemoveAt(0);
            Dropped++;
        }
        _changes.Add(change);
    }

    /// <summary>Takes out what was sent, unless a newer change for the same key came meanwhile.</summary>
    public void Sent(IEnumerable<AlertChange> sent)
    {
        foreach (var change in sent)
            _changes.Remove(change);
    }

    /// <summary>Changes that cannot ever be taken (the server refused them as malformed).</summary>
    public void Discard(IEnumerable<AlertChange> refused)
    {
        foreach (var change in refused)
        {
            if (_changes.Remove(change))
                Dropped++;
        }
    }

    internal void Restore(IEnumerable<AlertChange> changes, DateTimeOffset? heartbeat, long dropped)
    {
        foreach (var change in changes)
            Add(change);
        Heartbeat = heartbeat;
        Dropped += dropped;
    }
}
