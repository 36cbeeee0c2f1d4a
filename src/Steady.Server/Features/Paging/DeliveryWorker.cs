using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Server.Infrastructure;
using Steady.Server.Notify;
using Steady.Core.Paging;

namespace Steady.Server.Features.Paging;

/// <summary>
/// Sends the outbox. Claims due deliveries (a lease; FOR UPDATE SKIP LOCKED on PostgreSQL; a message's
/// deliveries together), while fewer messages than it may send at once are outstanding, drops those whose run stopped, bundles
/// the rest per contact method and service into messages (waiting out the bundle window and the contact
/// method's throttle), and commits that — only while the claim is still its own (fencing: a node that stalled
/// past its lease finds its claim taken over, and sends nothing). Then hands each message to
/// <see cref="DeliverySends"/>, which sends it on its own (one slow receiver holds up nobody else) and records
/// its outcome: sent; retry later with backoff; or failed for good, visible on the alert and to admins.
/// A pass that fails before its messages are handed over lets go of its claim at once.
/// </summary>
public sealed partial class DeliveryWorker(
    WakeSignal<DeliveryWorker> signal,
    IServiceScopeFactory scopes,
    OutboxClaims claims,
    DeliverySends sends,
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
        await claims.LetGoLeftAsync(db, ClaimedTable.Deliveries, cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!sends.HasRoom())
                break; // a send that finishes wakes this worker
            const int limit = BatchSize;
            var token = claims.NewOwner();
            int claimed;
            List<(List<Delivery> Rows, DateTimeOffset LeaseUntil)> bundles;
            try
            {
                var rows = await ClaimAsync(db, token, limit, cancellationToken);
                claimed = rows.Count;
                bundles = claimed == 0 ? [] : await BundleEachAsync(db, rows, token, cancellationToken);
            }
            catch
            {
                await claims.LetGoAsync(db, ClaimedTable.Deliveries, token); // nothing of it was handed to a channel yet
                throw;
            }
            foreach (var (rows, leaseUntil) in bundles)
                sends.Start(rows, token, leaseUntil);
            if (claimed < limit)
                break;
        }
        db.ChangeTracker.Clear();
        var pending = db.Deliveries.AsNoTracking().Where(d => DeliveryStates.Pending.Contains(d.State));
        PagingMetrics.OutboxDepth.Set(await pending.CountAsync(cancellationToken));
        return await pending.OrderBy(d => d.DueAt).Select(d => (DateTimeOffset?)d.DueAt).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Lets the messages being sent finish (and their outcomes be stored) before the process stops.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await sends.DrainAsync(cancellationToken);
    }

    private async Task<List<Delivery>> ClaimAsync(SteadyDb db, string token, int limit, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var now = Time.GetUtcNow();
        await claims.ClaimAsync(db, ClaimedTable.Deliveries, token, now, limit, cancellationToken);
        return await db.Deliveries.Where(d => d.LeaseOwner == token && d.State == DeliveryState.Sending).OrderBy(d => d.Id).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Bundles a claim's deliveries together; when that fails, one by one at once, so one that cannot be
    /// prepared fails alone (failed-permanent, saying why; or, when the failure passes, due again shortly)
    /// and the others go now, not after their lease. Returns the messages to send, each with its lease's end.
    /// </summary>
    private async Task<List<(List<Delivery> Rows, DateTimeOffset LeaseUntil)>> BundleEachAsync(SteadyDb db, List<Delivery> claimed, string token, CancellationToken cancellationToken)
    {
        try
        {
            return await BundleAsync(db, claimed, token, cancellationToken);
        }
        catch (ClaimLostException)
        {
            return []; // stalled past the lease: what is still its own goes again now, the rest is another node's
        }
        catch (Exception e) when (claimed.Count > 1 && (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested) && !EngineFailures.IsTransient(e))
        {
            LogBundleFailed(logger, claimed.Count, EngineFailures.Describe(e));
        }
        db.ChangeTracker.Clear();
        var ids = claimed.Select(d => d.Id).ToList();
        var bundles = new List<(List<Delivery>, DateTimeOffset)>();
        foreach (var row in await db.Deliveries.Where(d => ids.Contains(d.Id) && d.LeaseOwner == token && d.State == DeliveryState.Sending).OrderBy(d => d.Id).ToListAsync(cancellationToken))
        {
            try
            {
                bundles.AddRange(await BundleAsync(db, [row], token, cancellationToken));
            }
            catch (ClaimLostException)
            {
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // What the failed attempt changed is forgotten; the rows bundled before it are committed, to be sent.
                db.ChangeTracker.Clear();
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
    /// bundle window or throttle is closed. Commits, while the claim is still <paramref name="token"/>'s (else
    /// <see cref="ClaimLostException"/>), renewing its lease and marking the messages as handed to their channels
    /// (<see cref="Delivery.SendingAt"/>): a crash after this sends the same messages again, under the same keys, and
    /// counts them as repeats (<see cref="Delivery.Repeats"/>).
    /// </summary>
    private async Task<List<(List<Delivery> Rows, DateTimeOffset LeaseUntil)>> BundleAsync(SteadyDb db, List<Delivery> claimed, string token, CancellationToken cancellationToken)
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
                delivery.SendingAt = null;
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

        var leaseUntil = now + settings.Lease;
        foreach (var row in bundles.SelectMany(b => b))
        {
            if (row.SendingAt is not null)
                row.Repeats++; // the last attempt's outcome was lost with its node: the receiver may have it already
            row.SendingAt = now;
            row.DueAt = leaseUntil;
        }
        var ids = claimed.Select(d => d.Id).ToList();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Fencing: still this claim's, every one (a row lock until the commit on PostgreSQL), and held for a lease from now.
        var held = await db.Deliveries.Where(d => ids.Contains(d.Id) && d.LeaseOwner == token && d.State == DeliveryState.Sending)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.DueAt, leaseUntil), cancellationToken);
        if (held != claimed.Count)
        {
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            LogClaimLost(logger, claimed.Count - held, claimed.Count);
            await claims.LetGoAsync(db, ClaimedTable.Deliveries, token, ids);
            throw new ClaimLostException();
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return bundles.Select(b => (b, leaseUntil)).ToList();
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

    [LoggerMessage(EventId = 815, Level = LogLevel.Warning, Message = "{Lost} of {Count} claimed deliveries were taken over by another node while this one stalled past its lease; sending none of them")]
    private static partial void LogClaimLost(ILogger logger, int lost, int count);
}

/// <summary>A claim was taken over by another node (this one stalled past its lease): its work is no longer this node's to do.</summary>
public sealed class ClaimLostException() : Exception("The claim was taken over by another node.");
