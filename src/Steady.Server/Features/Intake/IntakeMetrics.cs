using Prometheus;

namespace Steady.Server.Features.Intake;

/// <summary>
/// What intake received, stored (in batches of what size, committed in how long) and turned away, for /metrics (the
/// queue's depth is <see cref="IntakeQueue"/>'s). Every reason is shown from the start, at 0, so an alert rule on one works before
/// the first rejection.
/// </summary>
public static class IntakeMetrics
{
    public const string RateLimited = "rate_limited";
    public const string UnknownKey = "unknown_key";
    public const string Invalid = "invalid";
    public const string QueueFull = "queue_full";
    public const string StorageFailed = "storage_failed";

    public static readonly Histogram BatchSize = Metrics.CreateHistogram("steady_intake_batch_alerts", "Alerts committed per intake transaction.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1, 2, 13) });

    public static readonly Histogram CommitSeconds = Metrics.CreateHistogram("steady_intake_commit_seconds", "Time to fold and commit one intake batch.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 14) });

    public static readonly Counter Stored = Metrics.CreateCounter("steady_intake_alerts_stored_total", "Alert events committed by intake.");

    public static readonly Counter Received = Metrics.CreateCounter("steady_intake_requests_total", "Intake requests received (alert webhooks and PagerDuty events), whatever their outcome.");

    public static readonly Counter Rejected = Published(Metrics.CreateCounter("steady_intake_rejected_total",
        "Intake requests answered without storing, by reason: rate_limited and queue_full (429), unknown_key (404), invalid (400), storage_failed (503).", "reason"),
        RateLimited, UnknownKey, Invalid, QueueFull, StorageFailed);

    /// <summary>Shows the counters on /metrics from the start (they are created when this class is first used).</summary>
    public static void Publish() => GC.KeepAlive(Rejected);

    public static void Reject(string reason) => Rejected.WithLabels(reason).Inc();

    private static Counter Published(Counter counter, params string[] labels)
    {
        foreach (var label in labels)
            counter.WithLabels(label);
        return counter;
    }
}
