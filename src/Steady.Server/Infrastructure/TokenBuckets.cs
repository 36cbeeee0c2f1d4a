namespace Steady.Server.Infrastructure;

/// <summary>
/// Token buckets by key on the injected clock (so tests move time instead of sleeping): each key may
/// spend <c>burst</c> requests at once, refilled at <c>perMinute</c>. Per node, in memory, like the
/// intake's per-key limit. Keys idle long enough to be full again are forgotten.
/// </summary>
public sealed class TokenBuckets(int perMinute, int burst, TimeProvider time)
{
    private readonly Dictionary<string, (double Tokens, DateTimeOffset At)> _buckets = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private DateTimeOffset _swept;

    /// <summary>Takes a token for <paramref name="key"/>: null when it had one, else how long until it has one again.</summary>
    public TimeSpan? TryTake(string key)
    {
        if (perMinute <= 0)
            return null;
        var capacity = Math.Max(1, burst);
        var now = time.GetUtcNow();
        lock (_lock)
        {
            Sweep(now, capacity);
            var (tokens, at) = _buckets.TryGetValue(key, out var bucket) ? bucket : (capacity, now);
            tokens = Math.Min(capacity, tokens + ((now - at).TotalMinutes * perMinute));
            if (tokens >= 1)
            {
                _buckets[key] = (tokens - 1, now);
                return null;
            }
            _buckets[key] = (tokens, now);
            return TimeSpan.FromMinutes((1 - tokens) / perMinute);
        }
    }

    private void Sweep(DateTimeOffset now, int capacity)
    {
        var refill = TimeSpan.FromMinutes((double)capacity / perMinute);
        if (now - _swept < refill)
            return;
        _swept = now;
        foreach (var (key, (_, at)) in _buckets.ToList())
        {
            if (now - at >= refill)
                _buckets.Remove(key);
        }
    }
}
