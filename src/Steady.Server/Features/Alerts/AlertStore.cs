using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Alerts;
using Steady.Server.Data;
using Steady.Server.Features.Paging;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Alerts;

/// <summary>An incoming alert event for a service, as queued by intake, heartbeats and checks.</summary>
public sealed record ServiceEvent(Guid ServiceId, IncomingAlert Alert);

/// <summary>
/// Folds a batch of incoming events into alerts in one transaction: dedup by (service, dedup key),
/// occurrences, groups, silences, maintenance, flapping and history. Events apply in order, so
/// a trigger then a resolve in one batch ends resolved. A new alert joining an acknowledged group
/// pages whoever acknowledged it (or triggers the group again) in the same transaction.
/// This file is the write path (the transaction, the batch writer, history rows); the fold itself is in
/// <c>AlertFold.cs</c> and what a batch loads up front in <c>AlertBatch.cs</c>.
/// </summary>
public sealed partial class AlertStore(SteadyDb db, TimeProvider time, StepPlanner planner, WakeSignal<DeliveryWorker> deliveries)
{
    /// <summary>
    /// New alerts and history rows of the intake batch being applied on SQLite, kept out of the change
    /// tracker and written by <see cref="SqliteBatchWriter"/>; null elsewhere (they go to the context).
    /// </summary>
    private List<object>? _inserts;

    public async Task ApplyAsync(IReadOnlyList<ServiceEvent> events, CancellationToken cancellationToken)
    {
        _inserts = db.IsSqlite ? [] : null;
        try
        {
            await ApplyBatchAsync(events, cancellationToken);
        }
        finally
        {
            _inserts = null;
        }
    }

    private async Task ApplyBatchAsync(IReadOnlyList<ServiceEvent> events, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cpu = new PhaseCpu();
        var batch = await Batch.LoadAsync(db, events, now, cancellationToken);
        cpu.Lap("load");
        var runs = new RunChanges();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var (serviceId, incoming) in events)
        {
            if (batch.Services.TryGetValue(serviceId, out var service))
                await FoldAsync(service, incoming, batch, runs, now, cancellationToken);
            // else deleted since the request was accepted; nothing to attach the alert to
        }
        await runs.ApplyAsync(db, now, cancellationToken, planner);
        foreach (var (alert, note) in runs.JoinedAcknowledgedGroups)
            History(alert, AlertEventKinds.JoinedAcknowledgedGroup, now, null, "steady", note);
        foreach (var (alert, note) in runs.RestartedEndedRuns)
            History(alert, AlertEventKinds.Paging, now, null, "steady", note);
        cpu.Lap("fold");
        await SaveAsync(cancellationToken);
        cpu.Lap("write");
        await transaction.CommitAsync(cancellationToken);
        cpu.Lap("commit");
        if (runs.Planned > 0)
            deliveries.Wake(); // the acknowledger's page goes now, not at the next sweep
    }

    /// <summary>
    /// Writes the batch: on SQLite through prepared statements reused row after row (the intake hot path:
    /// EF's SaveChanges prepares a new statement per row), elsewhere through SaveChanges, which batches
    /// the rows into few round trips on PostgreSQL.
    /// </summary>
    private async Task SaveAsync(CancellationToken cancellationToken, bool more = false)
    {
        var inserts = _inserts ?? [];
        if (db.IsSqlite)
        {
            // Entries() detects the changes to the tracked alerts and groups first.
            var pending = db.ChangeTracker.Entries().Where(e => e.State != EntityState.Unchanged).ToList();
            if (SqliteBatchWriter.CanWrite(pending, WriteOrder))
            {
                await SqliteBatchWriter.WriteAsync(db, pending, inserts, WriteOrder, cancellationToken);
                if (more)
                {
                    // The rest of the batch may still change the alerts just written: track them from here on.
                    foreach (var alert in inserts.OfType<Alert>())
                        db.Attach(alert);
                }
                inserts.Clear();
                return;
            }
        }
        db.AddRange(inserts);
        inserts.Clear();
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Groups before their escalation runs and the alerts that belong to them, alerts before their history and the pages about them.</summary>
    private static readonly Type[] WriteOrder = [typeof(AlertGroup), typeof(Steady.Core.Paging.EscalationRunRecord), typeof(Alert), typeof(AlertEvent), typeof(Steady.Core.Paging.Delivery)];

    /// <summary>Applies a new silence or maintenance window to the alerts already open on the services it covers.</summary>
    public async Task<int> SuppressOpenAsync(Guid? serviceId, IReadOnlyList<Silence> silences, IReadOnlyList<MaintenanceWindow> windows, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var query = db.Alerts.Where(a => a.Status != AlertStatus.Resolved);
        if (serviceId is { } id)
            query = query.Where(a => a.ServiceId == id);
        var marked = 0;
        foreach (var alert in await query.ToListAsync(cancellationToken))
        {
            var labels = JsonSerializer.Deserialize<Dictionary<string, string>>(alert.Labels) ?? [];
            if (Suppress(alert, labels, silences, windows, now))
            {
                alert.Version++;
                marked++;
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        return marked;
    }

    /// <summary>A new row: kept for the batch writer during an intake batch on SQLite, otherwise added to the context.</summary>
    private void Insert(object entity)
    {
        if (_inserts is not null)
            _inserts.Add(entity);
        else
            db.Add(entity);
    }

    internal void History(Alert alert, string kind, DateTimeOffset now, Guid? actorId, string actorName, string? note = null) =>
        Record(alert.Event(NewEventId(), kind, now, actorId, actorName, note));

    /// <summary>Stores a history event (one an <see cref="AlertTransitions"/> change returned) with the batch or the caller's unit of work.</summary>
    internal void Record(AlertEvent happened) => Insert(happened);

    /// <summary>A sortable id for the next history event.</summary>
    internal Guid NewEventId() => Ids.New(time);

    /// <summary>
    /// CPU time of the thread that folds alert batches (intake's writer, heartbeats, checks), by phase: <c>load</c> (what the
    /// batch reads first), <c>fold</c>, <c>write</c> (the rows) and <c>commit</c>. Divided by the alerts stored, it is the writer's
    /// cost per alert, which bounds intake's rate (there is one writer). Linux only.
    /// </summary>
    private static readonly Prometheus.Counter WriterCpu = Prometheus.Metrics.CreateCounter("steady_alert_writer_cpu_seconds_total",
        "CPU seconds of the thread folding alert batches into the database, by phase (load, fold, write, commit).", "phase");

    /// <summary>
    /// The writer thread's CPU per phase, into <see cref="WriterCpu"/>. On SQLite each phase runs on one
    /// thread (its awaits complete synchronously); where a phase moved to another thread (PostgreSQL's real awaits) its
    /// reading is dropped rather than counted wrong.
    /// </summary>
    private struct PhaseCpu()
    {
        private int _thread = Environment.CurrentManagedThreadId;
        private long _at = ThreadCpu.Nanoseconds();

        public void Lap(string phase)
        {
            var now = ThreadCpu.Nanoseconds();
            if (Environment.CurrentManagedThreadId == _thread && now > _at)
                WriterCpu.WithLabels(phase).Inc((now - _at) / 1e9);
            _thread = Environment.CurrentManagedThreadId;
            _at = ThreadCpu.Nanoseconds();
        }
    }
}
