using Prometheus;

namespace Steady.Server.Engine;

/// <summary>The engine's Prometheus metrics.</summary>
public static class PagingMetrics
{
    public static readonly Counter Sent = Metrics.CreateCounter("steady_pages_sent_total", "Messages handed to a channel and accepted.", "channel");

    public static readonly Counter Failed = Metrics.CreateCounter("steady_pages_failed_total", "Delivery attempts that failed, by channel and whether they are retried.", "channel", "kind");

    public static readonly Gauge OutboxDepth = Metrics.CreateGauge("steady_outbox_depth", "Deliveries waiting to be sent (queued, to be retried, or being sent).");

    public static readonly Histogram EscalationLateness = Metrics.CreateHistogram("steady_escalation_lateness_seconds", "How long after its due time an escalation step ran.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 16) });
}
