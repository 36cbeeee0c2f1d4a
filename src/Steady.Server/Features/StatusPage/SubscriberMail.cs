using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;
using Steady.Server.Notify;

namespace Steady.Server.Features.StatusPage;

/// <summary>How one message to a subscriber went, and whether a failure is the subscriber's (their address or endpoint) rather than ours.</summary>
public sealed record SubscriberResult(DeliveryResult Result, bool Theirs);

/// <summary>
/// Emails to subscribers, many over one SMTP connection (<c>Steady:StatusPage:EmailsPerConnection</c>), so
/// thousands of subscribers cost a few connections to one mail server, not thousands. A recipient the server
/// refuses fails alone (theirs: the subscriber is marked); a connection that breaks retries what it had not sent.
/// </summary>
public sealed class SubscriberMail(IOptionsMonitor<SmtpOptions> smtpOptions, IOptionsMonitor<StatusPageOptions> options)
{
    public MailboxAddress? From => MailboxAddress.TryParse(smtpOptions.CurrentValue.From, out var from) ? from : null;

    public bool IsSetUp => !string.IsNullOrWhiteSpace(smtpOptions.CurrentValue.Host) && From is not null;

    public async Task<Dictionary<Guid, SubscriberResult>> SendAsync(IReadOnlyList<(Guid Id, MimeMessage Message)> messages, CancellationToken cancellationToken)
    {
        var results = new Dictionary<Guid, SubscriberResult>();
        var smtp = smtpOptions.CurrentValue;
        if (!IsSetUp)
        {
            foreach (var (id, _) in messages)
                results[id] = new SubscriberResult(DeliveryResult.Retry("email is not set up: Steady:Smtp:Host or Steady:Smtp:From is missing"), false);
            return results;
        }
        foreach (var chunk in messages.Chunk(Math.Max(1, options.CurrentValue.EmailsPerConnection)))
        {
            using var client = new SmtpClient { Timeout = (int)Math.Clamp(smtp.Timeout.TotalMilliseconds, 1, int.MaxValue) };
            var sent = 0;
            try
            {
                using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    connecting.CancelAfter(smtp.Timeout);
                    await client.ConnectAsync(smtp.Host!, smtp.EffectivePort, EmailChannel.Socket(smtp.Security), connecting.Token);
                    if (!string.IsNullOrEmpty(smtp.Username))
                        await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", connecting.Token);
                }
                foreach (var (id, message) in chunk)
                {
                    using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    limit.CancelAfter(smtp.Timeout);
                    try
                    {
                        var reply = await client.SendAsync(message, limit.Token);
                        results[id] = new SubscriberResult(DeliveryResult.Sent(string.IsNullOrWhiteSpace(reply) ? "accepted by the SMTP server" : $"accepted by the SMTP server: {NotificationText.OneLine(reply)}"), false);
                    }
                    catch (SmtpCommandException e) when (e.ErrorCode == SmtpErrorCode.RecipientNotAccepted)
                    {
                        results[id] = new SubscriberResult(EmailChannel.Classify(e)!, true);
                    }
                    catch (SmtpCommandException e) when (e.ErrorCode == SmtpErrorCode.MessageNotAccepted)
                    {
                        results[id] = new SubscriberResult(EmailChannel.Classify(e)!, false);
                    }
                    sent++;
                }
                await EmailChannel.QuitAsync(client, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The connection is gone: what it had not sent goes again later (not the subscribers' fault).
                var why = e is OperationCanceledException
                    ? DeliveryResult.Retry($"the SMTP server did not answer within {smtp.Timeout.TotalSeconds:0.###} s")
                    : EmailChannel.Classify(e) ?? DeliveryResult.Retry($"the SMTP connection failed: {e.GetType().Name}");
                foreach (var (id, _) in chunk.Skip(sent))
                    results.TryAdd(id, new SubscriberResult(why.Outcome == DeliveryOutcome.Failed ? DeliveryResult.Retry(why.Detail) : why, false));
            }
        }
        return results;
    }
}
