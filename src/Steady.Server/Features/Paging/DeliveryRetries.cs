using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Paging;
using Steady.Server.Data;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Paging;

/// <summary>
/// An organization admin sends a failed page again (once the channel is set up, or the contact method fixed), for
/// the API and the delivery-failures page. The whole message it was part of goes again, with the same idempotency
/// keys, so a receiver that did get it can tell; a page whose escalation has stopped (acknowledged, resolved,
/// suppressed) is not sent again. The retry is an audit entry.
/// </summary>
public sealed class DeliveryRetries(SteadyDb db, WakeSignal<DeliveryWorker> deliveries, TimeProvider time)
{
    public async Task<Outcome<IReadOnlyList<Delivery>>> RetryAsync(Actor actor, Guid deliveryId, CancellationToken cancellationToken)
    {
        if (!actor.IsAdmin)
            return Failure.Forbidden("Sending a failed page again is for organization admins.");
        var delivery = await db.Deliveries.AsNoTracking().FirstOrDefaultAsync(d => d.Id == deliveryId, cancellationToken);
        if (delivery is null)
            return Failure.NotFound("The delivery");
        if (delivery.State is not (DeliveryState.FailedPermanent or DeliveryState.FailedTemporary))
            return Failure.Conflict($"This page is {delivery.State.ToWire()}: only a failed page is sent again.");
        if (delivery.Kind == DeliveryKinds.Page
            && await db.EscalationRuns.AsNoTracking().Where(r => r.Id == delivery.RunId).Select(r => (RunState?)r.State).FirstOrDefaultAsync(cancellationToken) is { } run
            && run.Stops())
            return Failure.Conflict($"Nobody needs this page any more: its escalation is {run.ToWire()}.");
        var failed = new[] { DeliveryState.FailedPermanent, DeliveryState.FailedTemporary };
        var rows = delivery.SentAs is { } message
            ? await db.Deliveries.AsNoTracking().Where(d => d.SentAs == message && failed.Contains(d.State)).OrderBy(d => d.Id).ToListAsync(cancellationToken)
            : [delivery];
        var now = time.GetUtcNow();
        // Each row only while it is still failed: the engine may be retrying a temporary failure this very moment.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var queued = new List<Delivery>();
        foreach (var row in rows)
        {
            var reason = row.Reason is { } earlier && earlier.Contains("sent again by", StringComparison.Ordinal) ? earlier : $"{row.Reason}{(row.Reason is null ? "" : "; ")}sent again by {actor.Name}";
            var changed = await db.Deliveries.Where(d => d.Id == row.Id && failed.Contains(d.State)).ExecuteUpdateAsync(u => u
                .SetProperty(d => d.State, DeliveryState.Queued)
                .SetProperty(d => d.DueAt, now)
                .SetProperty(d => d.LeaseOwner, (string?)null)
                .SetProperty(d => d.Reason, reason), cancellationToken);
            if (changed == 1)
                queued.Add(row);
        }
        if (queued.Count == 0)
            return Failure.Conflict("The page is being sent again already.");
        AuditWriter.Event(db, time, "retried", "delivery", delivery.Id.ToString(), actor.UserId, actor.Name, new Dictionary<string, string?>
        {
            ["channel"] = delivery.Channel,
            ["userId"] = delivery.UserId.ToString(),
            ["error"] = delivery.Error,
            ["deliveries"] = queued.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        deliveries.Wake();
        return queued;
    }
}
