using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Prometheus;
using Steady.Core.Paging;
using Steady.Core.StatusPage;
using Steady.Server.Data;
using Steady.Server.Features.Paging;

namespace Steady.Server.Features.Health;

/// <summary>
/// The gauges /metrics reads from the database at each scrape, in this server's own registry (so two servers in one
/// process never mix theirs): how late the engine is (the oldest due escalation step and the oldest unsent due page,
/// in seconds; 0 when nothing is overdue), the notice outboxes' depth, and how many nodes are alive. When the database
/// cannot be read they are left out, and the scrape still answers with everything else.
/// </summary>
public sealed class StateMetrics
{
    private readonly Gauge _escalationLag;
    private readonly Gauge _deliveryLag;
    private readonly Gauge _notices;
    private readonly Gauge _nodes;

    public StateMetrics()
    {
        var metrics = Metrics.WithCustomRegistry(Registry);
        _escalationLag = metrics.CreateGauge("steady_engine_escalation_lag_seconds", "Age of the oldest escalation step that is due and has not run (0: none is overdue).");
        _deliveryLag = metrics.CreateGauge("steady_engine_delivery_lag_seconds", "Age of the oldest page that is due and not sent, nor being sent (0: none is overdue).");
        _notices = metrics.CreateGauge("steady_notices_outbox_depth", "Notices waiting to be sent, by outbox: incident (updates, reminders to people and channels), status (status page subscribers), status-broadcast (fan-outs to subscribers).", "outbox");
        _nodes = metrics.CreateGauge("steady_nodes_alive", "Steady nodes working on this database (PostgreSQL: sessions holding a presence lock; SQLite: 1).");
    }

    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    /// <summary>Reads the numbers afresh; false when the database could not be read (the gauges are then not exported).</summary>
    public async Task<bool> RefreshAsync(SteadyDb db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var step = await db.EscalationRuns.AsNoTracking().Where(r => r.NextDueAt != null && r.NextDueAt <= now && (r.LeaseUntil == null || r.LeaseUntil <= now))
                .OrderBy(r => r.NextDueAt).Select(r => r.NextDueAt).FirstOrDefaultAsync(cancellationToken);
            var page = await db.Deliveries.AsNoTracking().Where(d => DeliveryStates.Pending.Contains(d.State) && d.DueAt <= now)
                .OrderBy(d => d.DueAt).Select(d => (DateTimeOffset?)d.DueAt).FirstOrDefaultAsync(cancellationToken);
            _escalationLag.Set(Age(step, now));
            _deliveryLag.Set(Age(page, now));
            _notices.WithLabels("incident").Set(await db.IncidentNotices.CountAsync(n => n.DueAt != null, cancellationToken));
            _notices.WithLabels("status").Set(await db.Set<StatusNotice>().CountAsync(n => n.DueAt != null, cancellationToken));
            _notices.WithLabels("status-broadcast").Set(await db.Set<StatusBroadcast>().CountAsync(n => n.DueAt != null, cancellationToken));
            _nodes.Set(db.IsSqlite ? 1 : await db.Database.SqlQueryRaw<long>(NodePresence.CountLiveNodes).SingleAsync(cancellationToken));
            return true;
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException)
        {
            return false;
        }
    }

    private static double Age(DateTimeOffset? due, DateTimeOffset now) => due is { } at ? Math.Max(0, (now - at).TotalSeconds) : 0;
}
