using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Steady.Core;
using Steady.Core.StatusPage;
using Steady.Server.Data;
using Steady.Server.Features.Paging;
using Steady.Server.Infrastructure;
using Steady.Server.Notify;

namespace Steady.Server.Features.StatusPage;

/// <summary>
/// The status pages' clockwork, on the injected clock, woken by every change that has something to do:
/// scheduled maintenance's due steps (remind, start, complete: <see cref="MaintenanceCommands"/>); fanning
/// each broadcast out to one notice per subscriber who wants it, a batch at a time; and sending the
/// notices — claimed through <see cref="OutboxClaims"/> like every outbox, many emails per SMTP connection,
/// no more than <c>Steady:StatusPage:SendsPerSecond</c>, retried with the engine's backoff. A subscriber whose
/// address is refused, or whose webhook fails for good, is marked failed and not tried again.
/// </summary>
public sealed partial class StatusPageWorker(
    IServiceScopeFactory scopes,
    WakeSignal<StatusPageWorker> signal,
    OutboxClaims claims,
    SubscriberMail mail,
    HttpDelivery http,
    IOptionsMonitor<StatusPageOptions> options,
    TimeProvider time,
    ILogger<StatusPageWorker> logger) : DueTimeWorker<StatusPageWorker>(signal, time, logger)
{
    private const int FanOutBatch = 1000;
    private const int SendBatch = 200;
    private const int WebhooksAtOnce = 8;

    private double _tokens = double.NaN;
    private DateTimeOffset _tokensAt;

    protected override TimeSpan Sweep => TimeSpan.FromSeconds(5);

    protected override async Task StartingAsync(CancellationToken cancellationToken)
    {
        await claims.ReleaseOnStartAsync(ClaimedTable.StatusBroadcasts, e => LogReleaseFailed(logger, e), cancellationToken);
        await claims.ReleaseOnStartAsync(ClaimedTable.StatusNotices, e => LogReleaseFailed(logger, e), cancellationToken);
    }

    protected internal override async Task<DateTimeOffset?> RunDueAsync(CancellationToken cancellationToken)
    {
        // SQLite's "async" calls complete synchronously: yield first, so the first pass never holds up the host's start.
        await Task.Yield();
        var maintenance = await RunMaintenanceAsync(cancellationToken);
        var fanOut = await FanOutAsync(cancellationToken);
        var send = await SendAsync(cancellationToken);
        return new[] { maintenance, fanOut, send }.Where(d => d is not null).Min();
    }

    private async Task<DateTimeOffset?> RunMaintenanceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        var now = Time.GetUtcNow();
        var due = await db.Set<StatusMaintenance>().AsNoTracking().Where(m => m.NextDueAt != null && m.NextDueAt <= now).OrderBy(m => m.NextDueAt).Select(m => m.Id).Take(50).ToListAsync(cancellationToken);
        foreach (var id in due)
        {
            try
            {
                await using var stepScope = scopes.CreateAsyncScope();
                await stepScope.ServiceProvider.GetRequiredService<MaintenanceCommands>().RunDueAsync(id, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // One maintenance that cannot take its step never holds back the others; it is tried again at the next sweep.
                LogMaintenanceFailed(logger, e, id);
            }
        }
        var next = await db.Set<StatusMaintenance>().AsNoTracking().Where(m => m.NextDueAt != null).MinAsync(m => m.NextDueAt, cancellationToken);
        return next is { } at && at <= now ? now + Sweep : next; // one that failed waits for the sweep, not a busy loop
    }

    /// <summary>Fans each due broadcast out, <see cref="FanOutBatch"/> subscribers at a time (the cursor and the notices in one transaction).</summary>
    private async Task<DateTimeOffset?> FanOutAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        var now = Time.GetUtcNow();
        for (var round = 0; round < 100 && await db.Set<StatusBroadcast>().AsNoTracking().AnyAsync(b => b.DueAt != null && b.DueAt <= now, cancellationToken); round++)
        {
            var owner = claims.NewOwner();
            if (await claims.ClaimAsync(db, ClaimedTable.StatusBroadcasts, owner, now, 10, cancellationToken) == 0)
                break;
            foreach (var broadcast in await db.Set<StatusBroadcast>().Where(b => b.LeaseOwner == owner).OrderBy(b => b.CreatedAt).ThenBy(b => b.Id).ToListAsync(cancellationToken))
            {
                try
                {
                    await FanOutBatchAsync(db, broadcast, now, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    LogFanOutFailed(logger, e, broadcast.Id);
                    db.ChangeTracker.Clear();
                    await db.Set<StatusBroadcast>().Where(b => b.Id == broadcast.Id && b.LeaseOwner == owner)
                        .ExecuteUpdateAsync(s => s.SetProperty(b => b.LeaseOwner, (string?)null).SetProperty(b => b.DueAt, now + Sweep), cancellationToken);
                }
            }
            db.ChangeTracker.Clear();
        }
        return await db.Set<StatusBroadcast>().AsNoTracking().Where(b => b.DueAt != null).MinAsync(b => b.DueAt, cancellationToken);
    }

    private async Task FanOutBatchAsync(SteadyDb db, StatusBroadcast broadcast, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cursor = broadcast.FanoutCursor ?? Guid.Empty;
        var batch = await db.Set<StatusSubscriber>().AsNoTracking()
            .Where(s => s.PageId == broadcast.PageId && s.State == SubscriberState.Active && s.Id.CompareTo(cursor) > 0)
            .OrderBy(s => s.Id).Take(FanOutBatch).Select(s => new { s.Id, s.Kind, s.Components }).ToListAsync(cancellationToken);
        var about = broadcast.ComponentIds is null ? null : System.Text.Json.JsonSerializer.Deserialize<List<Guid>>(broadcast.ComponentIds);
        var ids = batch.Select(s => s.Id).ToList();
        var already = (await db.Set<StatusNotice>().AsNoTracking().Where(n => n.BroadcastId == broadcast.Id && ids.Contains(n.SubscriberId)).Select(n => n.SubscriberId).ToListAsync(cancellationToken)).ToHashSet();
        foreach (var subscriber in batch)
        {
            if (already.Contains(subscriber.Id) || (broadcast.WebhookOnly && subscriber.Kind != SubscriberKind.Webhook)
                || !StatusSubscriber.Wants(subscriber.Components is null ? null : System.Text.Json.JsonSerializer.Deserialize<List<Guid>>(subscriber.Components), about))
                continue;
            db.Add(new StatusNotice { Id = Ids.New(Time), SubscriberId = subscriber.Id, BroadcastId = broadcast.Id, Kind = "broadcast", CreatedAt = now, DueAt = now });
            broadcast.Recipients++;
        }
        broadcast.FanoutCursor = batch.Count > 0 ? batch[^1].Id : broadcast.FanoutCursor;
        broadcast.DueAt = batch.Count == FanOutBatch ? now : null;
        broadcast.LeaseOwner = null;
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Sends due notices within the rate, batch by batch; returns when to send again.</summary>
    private async Task<DateTimeOffset?> SendAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        var messages = scope.ServiceProvider.GetRequiredService<SubscriberMessages>();
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = Time.GetUtcNow();
            var allowed = Allowance(now);
            if (allowed == 0 || !await db.Set<StatusNotice>().AsNoTracking().AnyAsync(n => n.DueAt != null && n.DueAt <= now, cancellationToken))
                break;
            var owner = claims.NewOwner();
            var claimed = await claims.ClaimAsync(db, ClaimedTable.StatusNotices, owner, now, Math.Min(SendBatch, allowed), cancellationToken);
            if (claimed == 0)
                break;
            Spend(claimed);
            await SendClaimedAsync(db, messages, owner, cancellationToken);
            db.ChangeTracker.Clear();
        }
        var next = await db.Set<StatusNotice>().AsNoTracking().Where(n => n.DueAt != null).MinAsync(n => n.DueAt, cancellationToken);
        var rate = options.CurrentValue.SendsPerSecond;
        if (next is { } due && due <= Time.GetUtcNow() && rate > 0)
            return Time.GetUtcNow() + TimeSpan.FromSeconds(Math.Max(1, 1 - _tokens) / rate); // the rate is spent: when a token is back
        return next;
    }

    private async Task SendClaimedAsync(SteadyDb db, SubscriberMessages messages, string owner, CancellationToken cancellationToken)
    {
        var notices = await db.Set<StatusNotice>().AsNoTracking().Where(n => n.LeaseOwner == owner).OrderBy(n => n.CreatedAt).ThenBy(n => n.Id).ToListAsync(cancellationToken);
        var subscriberIds = notices.Select(n => n.SubscriberId).Distinct().ToList();
        var subscribers = await db.Set<StatusSubscriber>().AsNoTracking().Where(s => subscriberIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, cancellationToken);
        var broadcastIds = notices.Where(n => n.BroadcastId is not null).Select(n => n.BroadcastId!.Value).Distinct().ToList();
        var broadcasts = await db.Set<StatusBroadcast>().AsNoTracking().Where(b => broadcastIds.Contains(b.Id)).ToDictionaryAsync(b => b.Id, cancellationToken);
        var pageIds = subscribers.Values.Select(s => s.PageId).Distinct().ToList();
        var pages = await db.Set<PublicStatusPage>().AsNoTracking().Where(p => pageIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, cancellationToken);

        var results = new Dictionary<Guid, SubscriberResult>();
        var emails = new List<(Guid, MimeMessage)>();
        var webhooks = new List<(StatusNotice Notice, StatusSubscriber Subscriber, Func<Task<byte[]>> Body)>();
        foreach (var notice in notices)
        {
            if (!subscribers.TryGetValue(notice.SubscriberId, out var subscriber))
                continue; // unsubscribed meanwhile: its notices went with it
            if (notice.Kind == "broadcast" && subscriber.State != SubscriberState.Active)
            {
                results[notice.Id] = new SubscriberResult(DeliveryResult.Failed($"not sent: the subscriber is {subscriber.State.ToString().ToLowerInvariant()}"), false);
                continue;
            }
            var page = pages[subscriber.PageId];
            var broadcast = notice.BroadcastId is { } b ? broadcasts[b] : null;
            try
            {
                if (subscriber.Kind == SubscriberKind.Email && mail.From is { } from)
                    emails.Add((notice.Id, await messages.EmailAsync(page, subscriber, notice, broadcast, from, cancellationToken)));
                else if (subscriber.Kind == SubscriberKind.Email)
                    results[notice.Id] = new SubscriberResult(DeliveryResult.Retry("email is not set up: Steady:Smtp:From is not an address"), false);
                else if (broadcast is not null)
                    webhooks.Add((notice, subscriber, () => messages.WebhookAsync(page, subscriber, broadcast, cancellationToken)));
                else
                    results[notice.Id] = new SubscriberResult(DeliveryResult.Sent("nothing to send to a webhook"), false);
            }
            catch (Exception e) when (e is FormatException or ParseException or System.Text.Json.JsonException)
            {
                results[notice.Id] = new SubscriberResult(DeliveryResult.Failed($"Steady could not write the message ({e.GetType().Name})"), true);
            }
        }
        if (emails.Count > 0)
        {
            foreach (var (id, result) in await mail.SendAsync(emails, cancellationToken))
                results[id] = result;
        }
        await Parallel.ForEachAsync(webhooks, new ParallelOptions { MaxDegreeOfParallelism = WebhooksAtOnce, CancellationToken = cancellationToken }, async (w, ct) =>
        {
            var result = await PostAsync(w.Subscriber, w.Notice, await w.Body(), ct);
            lock (results)
                results[w.Notice.Id] = new SubscriberResult(result, true);
        });
        foreach (var notice in notices.Where(n => results.ContainsKey(n.Id)))
            await RecordAsync(db, notice, owner, results[notice.Id], subscribers[notice.SubscriberId], cancellationToken);
    }

    private async Task<DeliveryResult> PostAsync(StatusSubscriber subscriber, StatusNotice notice, byte[] body, CancellationToken cancellationToken)
    {
        if (HttpDelivery.Url(subscriber.Address) is not { } url)
            return HttpDelivery.NotAUrl;
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = HttpDelivery.JsonContent(body) };
        request.Headers.Add("Idempotency-Key", notice.Id.ToString("N"));
        request.Headers.Add("X-Steady-Delivery", notice.Id.ToString("N"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return await http.SendAsync(request, cancellationToken);
    }

    /// <summary>Records one attempt (only by the claim's owner); a failure for good that is the subscriber's marks them failed and stops their other messages.</summary>
    private async Task RecordAsync(SteadyDb db, StatusNotice notice, string owner, SubscriberResult result, StatusSubscriber subscriber, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var attempts = notice.Attempts + 1;
        var retryAt = result.Result.Outcome == DeliveryOutcome.Retry ? claims.RetryAt(attempts, now, result.Result.RetryAfter) : null;
        var givenUp = result.Result.Outcome == DeliveryOutcome.Failed || (result.Result.Outcome == DeliveryOutcome.Retry && retryAt is null);
        var outcome = NotificationText.Truncate($"{(givenUp ? "failed" : result.Result.Outcome.ToString().ToLowerInvariant())}: {result.Result.Detail}", 500);
        DateTimeOffset? sentAt = result.Result.Outcome == DeliveryOutcome.Sent ? now : null;
        try
        {
            await db.Set<StatusNotice>().Where(n => n.Id == notice.Id && n.LeaseOwner == owner).ExecuteUpdateAsync(s => s
                .SetProperty(n => n.LeaseOwner, (string?)null)
                .SetProperty(n => n.DueAt, retryAt)
                .SetProperty(n => n.SentAt, sentAt)
                .SetProperty(n => n.Attempts, attempts)
                .SetProperty(n => n.Outcome, outcome), cancellationToken);
            if (givenUp && result.Theirs && subscriber.State != SubscriberState.Failed)
            {
                var reason = NotificationText.Truncate(result.Result.Detail, 500);
                await db.Set<StatusSubscriber>().Where(s => s.Id == subscriber.Id && s.State != SubscriberState.Failed).ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.State, SubscriberState.Failed)
                    .SetProperty(x => x.FailedAt, now)
                    .SetProperty(x => x.FailedReason, reason), cancellationToken);
                await db.Set<StatusNotice>().Where(n => n.SubscriberId == subscriber.Id && n.DueAt != null && n.LeaseOwner == null).ExecuteUpdateAsync(s => s
                    .SetProperty(n => n.DueAt, (DateTimeOffset?)null)
                    .SetProperty(n => n.Outcome, "not sent: the subscriber failed for good"), cancellationToken);
                subscriber.State = SubscriberState.Failed;
                LogSubscriberFailed(logger, subscriber.Id, subscriber.Kind, reason);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Not recorded: it goes again when its lease runs out (at least once, with the same idempotency key).
            LogRecordFailed(logger, e, notice.Id);
        }
    }

    /// <summary>How many messages may go now (the rate's bucket holds one second's worth).</summary>
    private int Allowance(DateTimeOffset now)
    {
        var rate = options.CurrentValue.SendsPerSecond;
        if (rate <= 0)
            return SendBatch;
        if (double.IsNaN(_tokens))
            (_tokens, _tokensAt) = (rate, now);
        _tokens = Math.Min(rate, _tokens + ((now - _tokensAt).TotalSeconds * rate));
        _tokensAt = now;
        return (int)Math.Floor(_tokens);
    }

    private void Spend(int count)
    {
        if (options.CurrentValue.SendsPerSecond > 0)
            _tokens -= count;
    }

    [LoggerMessage(EventId = 1700, Level = LogLevel.Warning, Message = "Could not release the status page outbox claims left by an earlier process; they are due again when their leases run out")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1701, Level = LogLevel.Error, Message = "Maintenance {Maintenance}: its due step failed; tried again at the next sweep")]
    private static partial void LogMaintenanceFailed(ILogger logger, Exception exception, Guid maintenance);

    [LoggerMessage(EventId = 1702, Level = LogLevel.Error, Message = "Broadcast {Broadcast}: fanning out failed; tried again at the next sweep")]
    private static partial void LogFanOutFailed(ILogger logger, Exception exception, Guid broadcast);

    [LoggerMessage(EventId = 1703, Level = LogLevel.Warning, Message = "Subscriber {Subscriber} ({Kind}) failed for good and is marked: {Reason}")]
    private static partial void LogSubscriberFailed(ILogger logger, Guid subscriber, SubscriberKind kind, string reason);

    [LoggerMessage(EventId = 1704, Level = LogLevel.Error, Message = "Notice {Notice}: its outcome could not be recorded; it goes again after its lease")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, Guid notice);
}
