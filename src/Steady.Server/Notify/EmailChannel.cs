using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Steady.Core.OnCall;

namespace Steady.Server.Notify;

/// <summary>
/// Email over SMTP with MailKit, one connection per send. SMTP 4xx replies, timeouts and connection
/// errors are retried; 5xx replies, failed authentication, TLS problems and bad addresses fail.
/// </summary>
public sealed class EmailChannel(IOptionsMonitor<SmtpOptions> options) : INotificationChannel
{
    public ContactKind Kind => ContactKind.Email;

    public async Task<DeliveryResult> SendAsync(ContactTarget target, Notification notification, CancellationToken cancellationToken)
    {
        var smtp = options.CurrentValue;
        if (string.IsNullOrWhiteSpace(smtp.Host))
            return DeliveryResult.Failed("email is not set up: Steady:Smtp:Host is empty");
        if (!MailboxAddress.TryParse(smtp.From, out var from))
            return DeliveryResult.Failed("Steady:Smtp:From is not an email address");
        if (!MailboxAddress.TryParse(target.Address, out var to) || string.IsNullOrEmpty(to.Domain))
            return DeliveryResult.Failed("the address is not an email address");
        var message = EmailMessage.Build(notification, from, to);

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(smtp.Timeout);
        using var client = new SmtpClient { Timeout = (int)Math.Clamp(smtp.Timeout.TotalMilliseconds, 1, int.MaxValue) };
        try
        {
            await client.ConnectAsync(smtp.Host, smtp.EffectivePort, Socket(smtp.Security), limit.Token);
            if (!string.IsNullOrEmpty(smtp.Username))
                await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", limit.Token);
            var reply = await client.SendAsync(message, limit.Token);
            await QuitAsync(client, limit.Token);
            return DeliveryResult.Sent(string.IsNullOrWhiteSpace(reply) ? "accepted by the SMTP server" : $"accepted by the SMTP server: {NotificationText.OneLine(reply)}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DeliveryResult.Retry($"the SMTP server did not finish within {smtp.Timeout.TotalSeconds:0.###} s");
        }
        catch (Exception e) when (Classify(e) is { } result)
        {
            return result;
        }
    }

    /// <summary>
    /// What an SMTP failure means for a send: 4xx replies, connection errors and timeouts are retried; 5xx replies,
    /// failed authentication and TLS problems fail. Null for an exception that is no SMTP failure.
    /// </summary>
    public static DeliveryResult? Classify(Exception e)
    {
        switch (e)
        {
            case SmtpCommandException command:
                var detail = $"SMTP {(int)command.StatusCode}: {NotificationText.OneLine(command.Message)}";
                return (int)command.StatusCode is >= 400 and < 500 ? DeliveryResult.Retry(detail) : DeliveryResult.Failed(detail);
            case AuthenticationException:
                return DeliveryResult.Failed("the SMTP server refused the username and password");
            case SslHandshakeException:
                return DeliveryResult.Failed($"TLS with the SMTP server failed: {NotificationText.OneLine(e.Message)}");
            case NotSupportedException:
                return DeliveryResult.Failed($"the SMTP server cannot do what the settings ask: {NotificationText.OneLine(e.Message)}");
            case SocketException socket:
                return DeliveryResult.Retry($"could not connect to the SMTP server: {socket.SocketErrorCode}");
            case IOException or TimeoutException or SmtpProtocolException or ServiceNotConnectedException:
                return DeliveryResult.Retry($"the SMTP connection failed: {NotificationText.OneLine(e.Message)}");
            default:
                return null;
        }
    }

    public static SecureSocketOptions Socket(SmtpSecurity security) => security switch
    {
        SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        _ => SecureSocketOptions.None,
    };

    /// <summary>The message is accepted: a failure to say goodbye must not turn it into a retry.</summary>
    public static async Task QuitAsync(SmtpClient client, CancellationToken cancellationToken)
    {
        try
        {
            await client.DisconnectAsync(true, cancellationToken);
        }
        catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or SmtpCommandException or OperationCanceledException)
        {
        }
    }
}
