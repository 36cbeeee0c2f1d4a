using Steady.Core.OnCall;

namespace Steady.Server.Notify;

/// <summary>A voice call through any HTTP provider's request template; {{message}} is the text to speak, with no links.</summary>
public sealed class VoiceChannel(HttpDelivery delivery) : INotificationChannel
{
    public ContactKind Kind => ContactKind.Voice;

    public Task<DeliveryResult> SendAsync(ContactTarget target, Notification notification, CancellationToken cancellationToken) =>
        ProviderTemplate.SendAsync(delivery, target, notification, NotificationText.Spoken(notification), cancellationToken);
}
