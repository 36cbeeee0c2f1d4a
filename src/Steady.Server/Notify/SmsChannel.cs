using Steady.Core.OnCall;

namespace Steady.Server.Notify;

/// <summary>SMS through any HTTP provider's request template, with the short text (160 characters where the link allows).</summary>
public sealed class SmsChannel(HttpDelivery delivery) : INotificationChannel
{
    public ContactKind Kind => ContactKind.Sms;

    public Task<DeliveryResult> SendAsync(ContactTarget target, Notification notification, CancellationToken cancellationToken) =>
        ProviderTemplate.SendAsync(delivery, target, notification, NotificationText.Sms(notification), cancellationToken);
}
