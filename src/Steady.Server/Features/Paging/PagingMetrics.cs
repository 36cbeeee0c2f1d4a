using Prometheus;
using Steady.Core.Paging;

namespace Steady.Server.Features.Paging;

/// <summary>The engine's Prometheus metrics.</summary>
public static class PagingMetrics
{
    public static readonly Counter Sent = Metrics.CreateCounter("steady_pages_sent_total", "Messages handed to a channel and accepted.", "channel");

    public static readonly Counter Failed = Metrics.CreateCounter("steady_pages_failed_total", "Delivery attempts that failed, by channel and whether they are retried.", "channel", "kind");

    public static readonly Gauge OutboxDepth = Metrics.CreateGauge("steady_outbox_depth", "Deliveries waiting to be sent (queued, to be retried, or being sent).");

    /// <summary>Items set aside (see <see cref="EngineFailures"/>); every kind is shown from the start, at 0, so an alert rule on it works before the first failure.</summary>
    public static readonly Counter EngineFailed = Published(Metrics.CreateCounter("steady_engine_failures_total",
        "Items the engine set aside because they failed in a way that would come back (an escalation marked failed, a page or incident message that could not be built or recorded, an incident's cadence step), by kind of work.",
        "work"), EngineFailures.Escalation, EngineFailures.Delivery, EngineFailures.IncidentMessage, EngineFailures.IncidentCadence);

    public static readonly Histogram EscalationLateness = Metrics.CreateHistogram("steady_escalation_lateness_seconds", "How long after its due time an escalation step ran.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 16) });

    private static Counter Published(Counter counter, params string[] labels)
    {
        foreach (var label in labels)
            counter.WithLabels(label);
        return counter;
    }
}
