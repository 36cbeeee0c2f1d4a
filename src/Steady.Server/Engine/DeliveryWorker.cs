using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Server.Infrastructure;
using Steady.Server.Notify;

namespace Steady.Server.Engine;

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
    EngineNode node,
    ChannelRegistry channels,
    MessageBuilder messages,
    IOptionsMonitor<PagingOptions> options,
    TimeProvider time,
    ILogger<DeliveryWorker> logger) : DueTimeWorker<DeliveryWorker>(signal, time, logger)
{
    private const int BatchSize = 200;

    private const string ClaimSql = "UPDATE deliveries SET state = 'sending', lease_owner = {0}, due_at = {1} WHERE id IN (" +
        "SELECT id FROM deliveries WHERE state IN ('queued', 'failed-temporary', 'sending') AND due_at <= {2} ORDER BY due_at LIMIT {3}";
    private readonly string _node = node.Id;

    protected override TimeSpan Sweep => TimeSpan.FromSeconds(5);

    protected override async Task StartingAsync(CancellationToken cancellationToken)
    {
        // On SQLite this process is the only one (it holds the file lock): a dead process's sends are due again now.
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
            if (db.IsSqlite)
            {
                var now = Time.GetUtcNow();
                // By owner (an index of the claimed rows only): a released claim has none and is due already.
                await db.Deliveries.Where(d => d.LeaseOwner != null && d.State == DeliveryStates.Sending)
                    .ExecuteUpdateAsync(s => s.SetProperty(d => d.DueAt, now).SetProperty(d => d.LeaseOwner, (string?)null), cancellationToken);
            }
        }
        catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException or InvalidOperationException)
        {
            LogReleaseFailed(logger, e);
        }
    }

    protected internal override async Task<DateTimeOffset?> RunDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        while (!cancellationToken.IsCancellationRequested)
        {
            var token = _node + "/" + Guid.NewGuid().ToString("N");
            var claimed = await ClaimAsync(db, token, cancellationToken);
            if (claimed.Count == 0)
                break;
            var bundles = await BundleAsync(db, claimed, cancellationToken);
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
        await db.Database.ExecuteSqlRawAsync(
            db.IsSqlite ? ClaimSql + ")" : ClaimSql + DbTime.SkipLocked + ")",
            [token, db.Param(now + options.CurrentValue.Lease), db.Param(now), BatchSize],
            cancellationToken);
        return await db.Deliveries.Where(d => d.LeaseOwner == token && d.State == DeliveryStates.Sending).OrderBy(d => d.Id).ToListAsync(cancellationToken);
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
                delivery.State = DeliveryStates.Cancelled;
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
                    row.State = DeliveryStates.Queued;
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
        var prepared = new List<(List<Delivery> Rows, ContactTarget? Target, Notification? Message, string? Problem)>();
        foreach (var rows in bundles)
        {
            var (target, message, problem) = await messages.BuildAsync(db, rows, cancellationToken);
            prepared.Add((rows, target, message, problem));
        }
        var results = new DeliveryResult[prepared.Count];
        var attempted = Time.GetUtcNow(); // when they were handed to their channels: what "sent at" means
        await Parallel.ForAsync(0, prepared.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.CurrentValue.SendConcurrency), CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var (rows, target, message, problem) = prepared[i];
            if (target is null || message is null)
            {
                results[i] = DeliveryResult.Failed(problem ?? "nothing to send");
                return;
            }
            results[i] = await channels.SendAsync(target, message, ct);
        });
        var now = Time.GetUtcNow();
        var settings = options.CurrentValue;
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
                        row.State = DeliveryStates.Sent;
                        row.SentAt = attempted;
                        row.Error = null;
                        break;
                    case DeliveryOutcome.Retry when row.Attempts < settings.MaxAttempts:
                        row.State = DeliveryStates.FailedTemporary;
                        row.DueAt = now + Backoff.After(row.Attempts, settings.RetryInitial, settings.RetryCap, result.RetryAfter);
                        row.Error = result.Detail;
                        break;
                    case DeliveryOutcome.Retry:
                        row.State = DeliveryStates.FailedPermanent;
                        row.Error = $"gave up after {row.Attempts} attempts: {result.Detail}";
                        break;
                    default:
                        row.State = DeliveryStates.FailedPermanent;
                        row.Error = result.Detail;
                        break;
                }
            }
            if (result.Outcome == DeliveryOutcome.Sent)
                PagingMetrics.Sent.WithLabels(channel).Inc();
            else
                PagingMetrics.Failed.WithLabels(channel, rows[0].State == DeliveryStates.FailedTemporary ? "temporary" : "permanent").Inc();
        }
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>
    /// Why a delivery is no longer to be sent, or null: a page, when its run stopped; a new alert told to whoever
    /// acknowledged its group, when the alert was acknowledged or resolved meanwhile, or the group resolved.
    /// </summary>
    private static string? Stopped(Delivery delivery, EscalationRunRecord? run, Dictionary<Guid, Steady.Core.Alerts.AlertStatus> alerts)
    {
        if (delivery.Kind != DeliveryKinds.NewAlertInAcknowledgedGroup)
            return run is not null && RunStates.Stops(run.State) ? $"{run.State} before it was sent" : null;
        if (delivery.AlertId is { } alertId && alerts.GetValueOrDefault(alertId, Steady.Core.Alerts.AlertStatus.Triggered) is var status and not Steady.Core.Alerts.AlertStatus.Triggered)
            return $"the alert was {status.ToString().ToLowerInvariant()} before it was sent";
        return run?.State == RunStates.Resolved ? "resolved before it was sent" : null;
    }

    private static string AppendOnce(string? text, string addition) =>
        text is null ? addition : text.Contains(addition, StringComparison.Ordinal) ? text : $"{text}; {addition}";

    [LoggerMessage(EventId = 810, Level = LogLevel.Warning, Message = "Could not release the sends of an earlier process; their leases expire by themselves")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);
}
