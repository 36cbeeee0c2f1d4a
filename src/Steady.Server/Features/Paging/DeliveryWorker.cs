using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Server.Infrastructure;
using Steady.Server.Notify;
using Steady.Core.Paging;

namespace Steady.Server.Features.Paging;

/// <summary>
/// Sends the outbox. Claims due deliveries (a lease; FOR UPDATE SKIP LOCKED on PostgreSQL; a claim
/// whose node died is taken over when its lease runs out), drops those whose run stopped, bundles
/// the rest per contact method and service into messages (waiting out the bundle window and the
/// contact method's throttle), commits that, sends, and records each outcome: sent; retry later
/// with backoff; or failed for good, visible on the alert and to admins.
/// </summary>
public sealed partial class DeliveryWorker(
    WakeSignal<DeliveryWorker> signal,
    IServiceScopeFactory scopes,
    OutboxClaims claims,
    ChannelRegistry channels,
    MessageBuilder messages,
    IOptionsMonitor<PagingOptions> options,
    TimeProvider time,
    ILogger<DeliveryWorker> logger) : DueTimeWorker<DeliveryWorker>(signal, time, logger)
{
    private const int BatchSize = 200;

    protected override TimeSpan Sweep => TimeSpan.FromSeconds(5);

    // A dead process's sends are due again now.
    protected override Task StartingAsync(CancellationToken cancellationToken) =>
        claims.ReleaseOnStartAsync(ClaimedTable.Deliveries, e => LogReleaseFailed(logger, e), cancellationToken);

    protected internal override async Task<DateTimeOffset?> RunDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        while (!cancellationToken.IsCancellationRequested)
        {
            var token = claims.NewOwner();
            var claimed = await ClaimAsync(db, token, cancellationToken);
            if (claimed.Count == 0)
                break;
            var bundles = await BundleEachAsync(db, claimed, token, cancellationToken);
            await SendAsync(db, bundles, cancellationToken);
            if (claimed.Count < BatchSize)
                break;
        }
        db.ChangeTracker.Clear();
        var pending = db.Deliveries.AsNoTracking().Where(d => DeliveryStates.Pending.Contains(d.State));
        PagingMetrics.OutboxDepth.Set(await pending.CountAsync(cancellationToken));
        return await pending.OrderBy(d => d.DueAt).Select(d => (DateTimeOffset?)d.DueAt).FirstOrDefaultAsync(cancellationToken);
    }

    private async Task<List<Delivery>> ClaimAsync(SteadyDb db, string token, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var now = Time.GetUtcNow();
        await claims.ClaimAsync(db, ClaimedTable.Deliveries, token, now, BatchSize, cancellationToken);
        return await db.Deliveries.Where(d => d.LeaseOwner == token && d.State == DeliveryState.Sending).OrderBy(d => d.Id).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Bundles a claim's deliveries together; when that fails, one by one at once, so one that cannot be
    /// prepared fails alone (failed-permanent, saying why; or, when the failure passes, due again shortly)
    /// and the others go now, not after their lease.
    /// </summary>
    private async Task<List<List<Delivery>>> BundleEachAsync(SteadyDb db, List<Delivery> claimed, string token, CancellationToken cancellationToken)
    {
        try
        {
            return await BundleAsync(db, claimed, cancellationToken);
        }
        catch (Exception e) when (claimed.Count > 1 && (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
        {
            LogBundleFailed(logger, claimed.Count, EngineFailures.Describe(e));
        }
        db.ChangeTracker.Clear();
        var ids = claimed.Select(d => d.Id).ToList();
        var bundles = new List<List<Delivery>>();
        foreach (var row in await db.Deliveries.Where(d => ids.Contains(d.Id) && d.LeaseOwner == token && d.State == DeliveryState.Sending).OrderBy(d => d.Id).ToListAsync(cancellationToken))
        {
            try
            {
                bundles.AddRange(await BundleAsync(db, [row], cancellationToken));
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // What the failed attempt changed is forgotten; the rows bundled before it stay tracked, to be sent.
                foreach (var entry in db.ChangeTracker.Entries().Where(x => x.State != EntityState.Unchanged).ToList())
                    entry.State = EntityState.Detached;
                await SetAsideAsync(db, row.Id, token, e, cancellationToken);
            }
        }
        return bundles;
    }

    /// <summary>A delivery that cannot be prepared: due again shortly when the failure passes, else failed for good with the reason, counted.</summary>
    private async Task SetAsideAsync(SteadyDb db, Guid id, string token, Exception error, CancellationToken cancellationToken)
    {
        var reason = EngineFailures.Describe(error);
        var rows = db.Deliveries.Where(d => d.Id == id && d.LeaseOwner == token && d.State == DeliveryState.Sending);
        if (EngineFailures.IsTransient(error))
        {
            LogDeliveryRetried(logger, id, reason);
            var due = Time.GetUtcNow() + Sweep;
            await rows.ExecuteUpdateAsync(s => s.SetProperty(d => d.DueAt, due).SetProperty(d => d.LeaseOwner, (string?)null), cancellationToken);
            return;
        }
        LogDeliveryFailed(logger, error, id, reason);
        EngineFailures.Count(EngineFailures.Delivery);
        var text = $"Steady could not prepare this page ({reason})";
        await rows.ExecuteUpdateAsync(s => s
            .SetProperty(d => d.State, DeliveryState.FailedPermanent)
            .SetProperty(d => d.Error, text)
            .SetProperty(d => d.LeaseOwner, (string?)null), cancellationToken);
    }

    /// <summary>
    /// Drops deliveries whose run stopped; keeps earlier bundles together (a retry is the same message
    /// with the same key); forms new ones per contact method and service, or holds them while the
    /// bundle window or throttle is closed. Commits, so a crash after this resends the same messages.
    /// </summary>
    private async Task<List<List<Delivery>>> BundleAsync(SteadyDb db, List<Delivery> claimed, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var settings = options.CurrentValue;
        var runIds = claimed.Select(d => d.RunId).Distinct().ToList();
        var runs = await db.EscalationRuns.AsNoTracking().Where(r => runIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, cancellationToken);
        var alertIds = claimed.Where(d => d.AlertId is not null).Select(d => d.AlertId!.Value).Distinct().ToList();
        var alerts = alertIds.Count == 0 ? [] : await db.Alerts.AsNoTracking().Where(a => alertIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Status, cancellationToken);
        var live = new List<Delivery>();
        foreach (var delivery in claimed)
        {
            if (Stopped(delivery, runs.GetValueOrDefault(delivery.RunId), alerts) is { } why)
            {
                delivery.State = DeliveryState.Cancelled;
                delivery.LeaseOwner = null;
                delivery.Error = why;
            }
            else
            {
                live.Add(delivery);
            }
        }

        var bundles = live.Where(d => d.SentAs is not null).GroupBy(d => d.SentAs!.Value).Select(g => g.ToList()).ToList();
        // An incident's pages go as their own messages, never bundled with alerts, and do not wait out the bundle window.
        // New alerts told to whoever acknowledged their group go as that group's own message (several new alerts, one message).
        var fresh = live.Where(d => d.SentAs is null)
            .GroupBy(d => (d.ContactMethodId, d.ServiceId, d.IncidentId, NewAlertsOf: d.Kind == DeliveryKinds.NewAlertInAcknowledgedGroup ? d.GroupId : null)).ToList();
        var methodIds = fresh.Select(g => g.Key.ContactMethodId).Distinct().ToList();
        var windowStart = now - (settings.BundleWindow > TimeSpan.FromMinutes(1) ? settings.BundleWindow : TimeSpan.FromMinutes(1));
        var recent = await db.Deliveries.AsNoTracking()
            .Where(d => methodIds.Contains(d.ContactMethodId) && d.SentAt != null && d.SentAt > windowStart)
            .Select(d => new { d.ContactMethodId, d.ServiceId, d.IncidentId, d.SentAs, SentAt = d.SentAt!.Value })
            .ToListAsync(cancellationToken);
        foreach (var group in fresh)
        {
            var rows = group.ToList();
            var (method, service, incident, _) = group.Key;
            DateTimeOffset? hold = null;
            var lastForService = recent.Where(r => r.ContactMethodId == method && r.ServiceId == service && r.IncidentId == null).Select(r => (DateTimeOffset?)r.SentAt).Max();
            if (incident is null && lastForService is { } last && last + settings.BundleWindow > now)
                hold = last + settings.BundleWindow;
            var lastMinute = recent.Where(r => r.ContactMethodId == method && r.SentAt > now.AddMinutes(-1)).GroupBy(r => r.SentAs).Select(g => g.Min(r => r.SentAt)).Order().ToList();
            if (settings.ThrottlePerMinute > 0 && lastMinute.Count >= settings.ThrottlePerMinute)
            {
                var opens = lastMinute[lastMinute.Count - settings.ThrottlePerMinute].AddMinutes(1);
                hold = hold is { } h && h > opens ? h : opens;
            }
            if (hold is { } until)
            {
                foreach (var row in rows)
                {
                    row.State = DeliveryState.Queued;
                    row.LeaseOwner = null;
                    row.DueAt = until;
                    row.Reason = AppendOnce(row.Reason, "bundled: waits for the bundle window or throttle");
                }
                continue;
            }
            var lead = rows[0].Id;
            foreach (var row in rows)
                row.SentAs = lead;
            bundles.Add(rows);
            // Later groups for the same method within this pass count against its throttle too.
            recent.Add(new { ContactMethodId = method, ServiceId = service, IncidentId = incident, SentAs = (Guid?)lead, SentAt = now });
        }
        await db.SaveChangesAsync(cancellationToken);
        return bundles;
    }

    private async Task SendAsync(SteadyDb db, List<List<Delivery>> bundles, CancellationToken cancellationToken)
    {
        if (bundles.Count == 0)
            return;
        var prepared = new List<(List<Delivery> Rows, ContactTarget? Target, Notification? Message, DeliveryResult? Unsent)>();
        foreach (var rows in bundles)
        {
            try
            {
                var (target, message, problem) = await messages.BuildAsync(db, rows, cancellationToken);
                prepared.Add((rows, target, message, target is null || message is null ? DeliveryResult.Failed(problem ?? "nothing to send") : null));
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // One message that cannot be built (data it cannot read) fails alone; the others go.
                var reason = EngineFailures.Describe(e);
                if (EngineFailures.IsTransient(e))
                {
                    prepared.Add((rows, null, null, DeliveryResult.Retry($"Steady could not build the message for now ({reason})")));
                    continue;
                }
                LogDeliveryFailed(logger, e, rows[0].Id, reason);
                EngineFailures.Count(EngineFailures.Delivery);
                prepared.Add((rows, null, null, DeliveryResult.Failed($"Steady could not build the message ({reason})")));
            }
        }
        var results = new DeliveryResult[prepared.Count];
        var attempted = Time.GetUtcNow(); // when they were handed to their channels: what "sent at" means
        await Parallel.ForAsync(0, prepared.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.CurrentValue.SendConcurrency), CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var (_, target, message, unsent) = prepared[i];
            results[i] = unsent ?? await channels.SendAsync(target!, message!, ct);
        });
        var now = Time.GetUtcNow();
        for (var i = 0; i < prepared.Count; i++)
        {
            var (rows, _, _, _) = prepared[i];
            var result = results[i];
            var channel = rows[0].Channel ?? "none";
            foreach (var row in rows)
            {
                row.Attempts++;
                row.LastAttemptAt = attempted;
                row.LeaseOwner = null;
                switch (result.Outcome)
                {
                    case DeliveryOutcome.Sent:
                        row.State = DeliveryState.Sent;
                        row.SentAt = attempted;
                        row.Error = null;
                        break;
                    case DeliveryOutcome.Retry when claims.RetryAt(row.Attempts, now, result.RetryAfter) is { } retryAt:
                        row.State = DeliveryState.FailedTemporary;
                        row.DueAt = retryAt;
                        row.Error = result.Detail;
                        break;
                    case DeliveryOutcome.Retry:
                        row.State = DeliveryState.FailedPermanent;
                        row.Error = $"gave up after {row.Attempts} attempts: {result.Detail}";
                        break;
                    default:
                        row.State = DeliveryState.FailedPermanent;
                        row.Error = result.Detail;
                        break;
                }
            }
            if (result.Outcome == DeliveryOutcome.Sent)
                PagingMetrics.Sent.WithLabels(channel).Inc();
            else
                PagingMetrics.Failed.WithLabels(channel, rows[0].State == DeliveryState.FailedTemporary ? "temporary" : "permanent").Inc();
        }
        await RecordAsync(db, prepared.Select(p => p.Rows).ToList());
    }

    /// <summary>
    /// Stores the outcomes of what was just sent, together; when that fails, bundle by bundle, so one
    /// the database refuses does not leave every other message of the pass to be sent again after its
    /// lease. A bundle whose outcome cannot be stored is sent again after its lease, with the same key.
    /// </summary>
    private async Task RecordAsync(SteadyDb db, List<List<Delivery>> bundles)
    {
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
            return;
        }
        catch (Exception e) when (bundles.Count > 1)
        {
            LogRecordFailed(logger, e, bundles.Count, EngineFailures.Describe(e));
        }
        foreach (var rows in bundles)
        {
            db.ChangeTracker.Clear();
            try
            {
                db.Deliveries.UpdateRange(rows);
                await db.SaveChangesAsync(CancellationToken.None);
            }
            catch (Exception e)
            {
                LogRecordFailed(logger, e, 1, EngineFailures.Describe(e));
                if (!EngineFailures.IsTransient(e))
                    await RecordBareAsync(db, rows, EngineFailures.Describe(e));
            }
        }
        db.ChangeTracker.Clear();
    }

    /// <summary>The outcome without what it said (the part the database may have refused), so the message is not sent again and again.</summary>
    private async Task RecordBareAsync(SteadyDb db, List<Delivery> rows, string reason)
    {
        EngineFailures.Count(EngineFailures.Delivery);
        db.ChangeTracker.Clear();
        foreach (var row in rows)
        {
            try
            {
                var error = $"Steady could not store this attempt's outcome in full ({reason})";
                await db.Deliveries.Where(d => d.Id == row.Id).ExecuteUpdateAsync(s => s
                    .SetProperty(d => d.State, row.State)
                    .SetProperty(d => d.SentAt, row.SentAt)
                    .SetProperty(d => d.DueAt, row.DueAt)
                    .SetProperty(d => d.Attempts, row.Attempts)
                    .SetProperty(d => d.LastAttemptAt, row.LastAttemptAt)
                    .SetProperty(d => d.LeaseOwner, (string?)null)
                    .SetProperty(d => d.Error, error), CancellationToken.None);
            }
            catch (Exception e)
            {
                // Nothing more to do here: after its lease it is sent again, with the same key.
                LogRecordFailed(logger, e, 1, EngineFailures.Describe(e));
            }
        }
    }

    /// <summary>
    /// Why a delivery is no longer to be sent, or null: a page, when its run stopped; a new alert told to whoever
    /// acknowledged its group, when the alert was acknowledged or resolved meanwhile, or the group resolved.
    /// </summary>
    private static string? Stopped(Delivery delivery, EscalationRunRecord? run, Dictionary<Guid, Steady.Core.Alerts.AlertStatus> alerts)
    {
        if (delivery.Kind != DeliveryKinds.NewAlertInAcknowledgedGroup)
            return run is not null && RunStates.Stops(run.State) ? $"{run.State.ToWire()} before it was sent" : null;
        if (delivery.AlertId is { } alertId && alerts.GetValueOrDefault(alertId, Steady.Core.Alerts.AlertStatus.Triggered) is var status and not Steady.Core.Alerts.AlertStatus.Triggered)
            return $"the alert was {status.ToString().ToLowerInvariant()} before it was sent";
        return run?.State == RunState.Resolved ? "resolved before it was sent" : null;
    }

    private static string AppendOnce(string? text, string addition) =>
        text is null ? addition : text.Contains(addition, StringComparison.Ordinal) ? text : $"{text}; {addition}";

    [LoggerMessage(EventId = 810, Level = LogLevel.Warning, Message = "Could not release the sends of an earlier process; their leases expire by themselves")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 811, Level = LogLevel.Warning, Message = "{Count} deliveries claimed together could not be prepared together ({Reason}); preparing them one by one")]
    private static partial void LogBundleFailed(ILogger logger, int count, string reason);

    [LoggerMessage(EventId = 812, Level = LogLevel.Warning, Message = "Delivery {DeliveryId} could not be prepared for now ({Reason}); due again shortly")]
    private static partial void LogDeliveryRetried(ILogger logger, Guid deliveryId, string reason);

    [LoggerMessage(EventId = 813, Level = LogLevel.Error, Message = "Delivery {DeliveryId} failed and is set aside: {Reason}")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, Guid deliveryId, string reason);

    [LoggerMessage(EventId = 814, Level = LogLevel.Error, Message = "Could not store the outcome of {Count} message(s) just sent ({Reason}); storing them one by one, or they are sent again after their lease")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, int count, string reason);
}
