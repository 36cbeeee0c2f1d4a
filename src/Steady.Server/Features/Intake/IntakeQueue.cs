using System.Threading.Channels;
using Prometheus;
using Steady.Server.Features.Alerts;

namespace Steady.Server.Features.Intake;

public sealed class IntakeOptions
{
    /// <summary>Alerts accepted but not yet committed, at most; beyond it intake answers 429.</summary>
    public int QueueCapacity { get; set; } = 50_000;

    /// <summary>Alerts committed together in one transaction, at most.</summary>
    public int MaxBatchAlerts { get; set; } = 2_000;

    /// <summary>Requests per second per integration key (token bucket); 0 turns the limit off.</summary>
    public int RequestsPerSecondPerKey { get; set; } = 50;

    /// <summary>How many requests a key may send at once before the rate applies.</summary>
    public int BurstPerKey { get; set; } = 200;
}

public enum IntakeResult
{
    Stored,
    StorageFailed,
}

/// <summary>One request's events, and how the request learns that they are committed.</summary>
public sealed class IntakeItem(IReadOnlyList<ServiceEvent> events)
{
    public IReadOnlyList<ServiceEvent> Events { get; } = events;

    public TaskCompletionSource<IntakeResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// The bounded queue between intake requests and the single writer. Bounded by alerts, not
/// requests: a full queue refuses new work (429) rather than growing without bound.
/// </summary>
public sealed class IntakeQueue
{
    private static readonly Gauge Depth = Metrics.CreateGauge("steady_intake_queue_alerts", "Alerts accepted and waiting to be committed.");
    private readonly Channel<IntakeItem> _channel = Channel.CreateUnbounded<IntakeItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int _capacity;
    private int _queued;

    public IntakeQueue(Microsoft.Extensions.Options.IOptions<IntakeOptions> options) => _capacity = options.Value.QueueCapacity;

    public ChannelReader<IntakeItem> Reader => _channel.Reader;

    public int Queued => Volatile.Read(ref _queued);

    public bool TryEnqueue(IntakeItem item)
    {
        var count = item.Events.Count;
        if (Interlocked.Add(ref _queued, count) > _capacity && count < _capacity)
        {
            Interlocked.Add(ref _queued, -count);
            return false;
        }
        Depth.Set(Queued);
        if (_channel.Writer.TryWrite(item))
            return true;
        Interlocked.Add(ref _queued, -count);
        return false;
    }

    /// <summary>Queues the events and waits until they are committed (or storage failed).</summary>
    public async Task<IntakeResult?> SubmitAsync(IReadOnlyList<ServiceEvent> events)
    {
        var item = new IntakeItem(events);
        if (!TryEnqueue(item))
            return null;
        return await item.Done.Task;
    }

    internal void Release(int count) => Depth.Set(Interlocked.Add(ref _queued, -count));
}
