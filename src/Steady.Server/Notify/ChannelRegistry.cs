using Steady.Core;
using Steady.Core.Alerts;
using Steady.Core.OnCall;

namespace Steady.Server.Notify;

/// <summary>
/// Picks the channel for a contact method and sends through it, logging each outcome (kind, delivery
/// key, outcome, detail: never an address, a URL or a setting, which may hold secrets).
/// </summary>
public sealed partial class ChannelRegistry
{
    private readonly Dictionary<ContactKind, INotificationChannel> _channels;
    private readonly TimeProvider _time;
    private readonly ILogger<ChannelRegistry> _logger;

    public ChannelRegistry(IEnumerable<INotificationChannel> channels, TimeProvider time, ILogger<ChannelRegistry> logger)
    {
        _channels = [];
        foreach (var channel in channels)
        {
            if (!_channels.TryAdd(channel.Kind, channel))
                throw new InvalidOperationException($"Two notification channels for {channel.Kind}.");
        }
        _time = time;
        _logger = logger;
    }

    public IReadOnlyCollection<ContactKind> Kinds => _channels.Keys;

    public INotificationChannel For(ContactKind kind) =>
        _channels.TryGetValue(kind, out var channel) ? channel : throw new InvalidOperationException($"No notification channel for {kind}.");

    public async Task<DeliveryResult> SendAsync(ContactTarget target, Notification notification, CancellationToken cancellationToken)
    {
        DeliveryResult result;
        try
        {
            result = await For(target.Kind).SendAsync(target, notification, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A bug in a channel must not lose the page: retried, and loud in the log.
            LogChannelFailed(_logger, e, target.Kind, notification.IdempotencyKey);
            return DeliveryResult.Retry($"the {target.Kind} channel failed unexpectedly: {e.GetType().Name}");
        }
        switch (result.Outcome)
        {
            case DeliveryOutcome.Sent:
                LogSent(_logger, target.Kind, notification.IdempotencyKey, result.Detail);
                break;
            case DeliveryOutcome.Retry:
                LogRetry(_logger, target.Kind, notification.IdempotencyKey, result.Detail, result.RetryAfter);
                break;
            default:
                LogFailed(_logger, target.Kind, notification.IdempotencyKey, result.Detail);
                break;
        }
        return result;
    }

    /// <summary>The "send test" action: a harmless test notification through this contact method, now; the result says whether it went and, over HTTP, the status code only (<see cref="DeliveryResult.ForTest"/>).</summary>
    public async Task<DeliveryResult> SendTestAsync(ContactTarget target, Uri? detailsUrl, CancellationToken cancellationToken) =>
        (await SendAsync(target, TestNotification(detailsUrl), cancellationToken)).ForTest();

    public Notification TestNotification(Uri? detailsUrl = null) => new(
        NotificationKind.Test,
        "Test notification",
        "This is a test from Steady. If you can read this, this contact method works and pages will reach you here.",
        Severity.Info,
        "Steady",
        0,
        [],
        null,
        null,
        detailsUrl,
        "test-" + Ids.New(_time).ToString("N"),
        _time.GetUtcNow());

    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "Notification {Key} sent by {Kind}: {Detail}")]
    private static partial void LogSent(ILogger logger, ContactKind kind, string key, string detail);

    [LoggerMessage(EventId = 701, Level = LogLevel.Warning, Message = "Notification {Key} by {Kind} to be retried (after {RetryAfter}): {Detail}")]
    private static partial void LogRetry(ILogger logger, ContactKind kind, string key, string detail, TimeSpan? retryAfter);

    [LoggerMessage(EventId = 702, Level = LogLevel.Warning, Message = "Notification {Key} by {Kind} failed: {Detail}")]
    private static partial void LogFailed(ILogger logger, ContactKind kind, string key, string detail);

    [LoggerMessage(EventId = 703, Level = LogLevel.Error, Message = "Notification {Key}: the {Kind} channel threw")]
    private static partial void LogChannelFailed(ILogger logger, Exception exception, ContactKind kind, string key);
}
