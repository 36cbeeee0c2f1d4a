using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;
using Steady.Core;
using Steady.Core.Alerts;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Server.Infrastructure;

namespace Steady.Server.Engine;

/// <summary>
/// Moves escalation runs on when they fall due: claims due runs (a lease; on PostgreSQL with
/// FOR UPDATE SKIP LOCKED, so nodes share the work), and for each, in one transaction, runs its
/// step — or holds it (flapping, low urgency outside business hours), stops it (nothing left to
/// page), or re-triggers it when an acknowledgement timed out. Woken by intake's commits and by
/// acknowledgements; otherwise asleep until the next due time. An incident's runs are decided by
/// <see cref="IncidentRunSteps"/>.
/// </summary>
public sealed partial class EscalationWorker(
    WakeSignal<EscalationWorker> signal,
    WakeSignal<DeliveryWorker> deliveries,
    IServiceScopeFactory scopes,
    EngineNode node,
    IOptionsMonitor<PagingOptions> options,
    TimeProvider time,
    ILogger<EscalationWorker> logger) : DueTimeWorker<EscalationWorker>(signal, time, logger)
{
    private const int BatchSize = 200;

    private const string ClaimSql = "UPDATE escalation_runs SET lease_owner = {0}, lease_until = {1} WHERE id IN (" +
        "SELECT id FROM escalation_runs WHERE next_due_at <= {2} AND (lease_until IS NULL OR lease_until <= {2}) ORDER BY next_due_at LIMIT {3}";
    private readonly string _node = node.Id;

    protected override TimeSpan Sweep => TimeSpan.FromSeconds(5);

    protected override Task StartingAsync(CancellationToken cancellationToken) => ReleaseStaleLeasesAsync(cancellationToken);

    protected internal override async Task<DateTimeOffset?> RunDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        scope.ServiceProvider.GetRequiredService<AuditContext>().Set(null, "steady");
        var planner = scope.ServiceProvider.GetRequiredService<StepPlanner>();
        var planned = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = Time.GetUtcNow();
            // Looking first is a read, which never waits: woken after every intake commit, the worker
            // mostly finds nothing due, and the claim (a write) would queue for the database's one writer.
            if (!await db.EscalationRuns.AsNoTracking().AnyAsync(r => r.NextDueAt <= now && (r.LeaseUntil == null || r.LeaseUntil <= now), cancellationToken))
                break;
            var token = _node + "/" + Guid.NewGuid().ToString("N");
            var claimed = await db.Database.ExecuteSqlRawAsync(
                db.IsSqlite ? ClaimSql + ")" : ClaimSql + DbTime.SkipLocked + ")",
                [token, db.Param(now + options.CurrentValue.Lease), db.Param(now), BatchSize],
                cancellationToken);
            if (claimed == 0)
                break;
            planned += await ProcessClaimAsync(db, planner, token, cancellationToken);
            if (claimed < BatchSize)
                break;
        }
        if (planned > 0)
            deliveries.Wake();
        db.ChangeTracker.Clear();
        // The earliest due run nobody holds (in index order); runs another node holds come back with the sweep.
        var checkedAt = Time.GetUtcNow();
        return await db.EscalationRuns.AsNoTracking()
            .Where(r => r.NextDueAt != null && (r.LeaseUntil == null || r.LeaseUntil <= checkedAt))
            .OrderBy(r => r.NextDueAt)
            .Select(r => r.NextDueAt)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// The runs of one claim, in one transaction with their effects: what they need is read once for
    /// all of them (groups, services, policies, which groups still page, the people the steps name).
    /// When one of them changed meanwhile (someone acknowledged it), the transaction is dropped and the
    /// runs go one by one, so the others still move on. Returns how many deliveries were planned.
    /// </summary>
    private async Task<int> ProcessClaimAsync(SteadyDb db, StepPlanner planner, string token, CancellationToken cancellationToken)
    {
        var runIds = await db.EscalationRuns.AsNoTracking().Where(r => r.LeaseOwner == token).Select(r => r.Id).ToListAsync(cancellationToken);
        if (runIds.Count <= 1)
            return runIds.Count == 0 ? 0 : await ProcessAsync(db, planner, runIds, token, cancellationToken);
        try
        {
            return await ProcessAsync(db, planner, runIds, token, cancellationToken, rethrow: true);
        }
        catch (DbUpdateConcurrencyException)
        {
            var planned = 0;
            foreach (var runId in runIds)
                planned += await ProcessAsync(db, planner, [runId], token, cancellationToken);
            return planned;
        }
    }

    /// <summary>Runs in one transaction with their effects; returns how many deliveries they planned.</summary>
    private async Task<int> ProcessAsync(SteadyDb db, StepPlanner planner, List<Guid> runIds, string token, CancellationToken cancellationToken, bool rethrow = false)
    {
        db.ChangeTracker.Clear();
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var batch = await RunBatch.LoadAsync(db, runIds, token, cancellationToken);
            if (batch.Runs.Count == 0)
                return 0;
            await planner.PrepareAsync(batch.Policies.Values.SelectMany(p => p.Steps).SelectMany(s => s.Targets).Concat(IncidentRunSteps.Targets(batch.Runs)), cancellationToken);
            var planned = 0;
            foreach (var run in batch.Runs)
            {
                planned += await DecideAsync(db, planner, batch, run, cancellationToken);
                run.LeaseOwner = null;
                run.LeaseUntil = null;
                run.Version++;
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return planned;
        }
        catch (DbUpdateConcurrencyException) when (!rethrow)
        {
            // Someone acknowledged or resolved it meanwhile: let go, and look again on the next pass.
            db.ChangeTracker.Clear();
            await db.EscalationRuns.Where(r => runIds.Contains(r.Id) && r.LeaseOwner == token)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseOwner, (string?)null).SetProperty(r => r.LeaseUntil, (DateTimeOffset?)null), cancellationToken);
            return 0;
        }
        finally
        {
            planner.Reset();
        }
    }

    private async Task<int> DecideAsync(SteadyDb db, StepPlanner planner, RunBatch batch, EscalationRunRecord run, CancellationToken cancellationToken)
    {
        if (run.IncidentId is not null)
            return await IncidentRunSteps.DecideAsync(db, planner, run, batch.Policies, Time, cancellationToken);
        var now = Time.GetUtcNow();
        var due = run.NextDueAt ?? now;
        var group = batch.Groups[run.GroupId!.Value];
        var service = batch.Services[run.ServiceId!.Value];
        if (!group.IsOpen)
            return RunChanges.End(run, RunStates.Resolved, "resolved", now);

        var retriggered = false;
        if (run.State == RunStates.Acknowledged)
        {
            if (!await RetriggerAsync(db, run, group, service, now, cancellationToken))
                return RunChanges.End(run, RunStates.Acknowledged, run.Note ?? "acknowledged", now);
            await db.SaveChangesAsync(cancellationToken); // the step below reads the alerts as re-triggered
            retriggered = true;
        }
        else if (run.State != RunStates.Active)
        {
            run.NextDueAt = null;
            return 0;
        }

        if (group.IsFlappingAt(now))
        {
            run.NextDueAt = group.FlappingUntil;
            run.Note = "held while the group is flapping";
            run.UpdatedAt = now;
            return 0;
        }
        var paging = retriggered
            ? await db.Alerts.AsNoTracking()
                .Where(a => a.GroupId == group.Id && a.Status == AlertStatus.Triggered && a.SilencedBy == null && a.MaintenanceId == null)
                .AnyAsync(cancellationToken)
            : batch.Paging.Contains(group.Id);
        if (!paging)
        {
            var acknowledged = retriggered
                ? await db.Alerts.AsNoTracking().AnyAsync(a => a.GroupId == group.Id && a.Status == AlertStatus.Acknowledged, cancellationToken)
                : batch.Acknowledged.Contains(group.Id);
            return acknowledged
                ? RunChanges.End(run, RunStates.Acknowledged, "acknowledged", now)
                : RunChanges.End(run, RunStates.Suppressed, "every triggered alert is silenced or in maintenance", now);
        }
        if (run.Urgency == "low" && service.ReadBusinessHours() is { } hours && !hours.IsOpenAt(Instant.FromDateTimeOffset(now)))
        {
            run.NextDueAt = hours.NextOpening(Instant.FromDateTimeOffset(now)).ToDateTimeOffset();
            run.Note = $"low urgency: waits for business hours ({hours.Describe()})";
            run.UpdatedAt = now;
            return 0;
        }

        if (batch.Policies.GetValueOrDefault(run.PolicyId) is not { } policy)
            return RunChanges.End(run, RunStates.Exhausted, "its escalation policy was deleted", now);
        var step = await planner.RunStepAsync(run, policy, policy.Steps.SelectMany(s => s.Targets).ToList(), cancellationToken);
        PagingMetrics.EscalationLateness.Observe(Math.Max(0, (now - due).TotalSeconds));
        if (step is null)
            return RunChanges.End(run, RunStates.Exhausted, run.LastStepAt is null ? "nobody to notify: every step is empty right now" : "every step ran; nobody acknowledged", now);
        var planned = await planner.PlanAsync(run, step, cancellationToken);
        RunChanges.Advance(run, step, now);
        LogStep(logger, run.Id, step.Ran.Step + 1, step.Ran.Pass, step.Notify.Count, planned);
        return planned;
    }

    /// <summary>An acknowledgement timed out with the group still open: its acknowledged alerts trigger again and the run starts over.</summary>
    private async Task<bool> RetriggerAsync(SteadyDb db, EscalationRunRecord run, AlertGroup group, Steady.Core.Services.Service service, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var acknowledged = await db.Alerts.Where(a => a.GroupId == group.Id && a.Status == AlertStatus.Acknowledged).ToListAsync(cancellationToken);
        if (acknowledged.Count == 0)
            return false;
        foreach (var alert in acknowledged)
        {
            var note = $"acknowledged by {alert.AcknowledgedBy} at {alert.AcknowledgedAt:HH:mm} UTC and not resolved within the acknowledgement timeout";
            alert.Status = AlertStatus.Triggered;
            alert.AcknowledgedAt = null;
            alert.AcknowledgedById = null;
            alert.AcknowledgedBy = null;
            alert.Version++;
            db.AlertEvents.Add(new AlertEvent
            {
                Id = Ids.New(Time),
                AlertId = alert.Id,
                ServiceId = alert.ServiceId,
                DedupKey = alert.DedupKey,
                At = now,
                Kind = AlertEventKinds.Retriggered,
                ActorName = "steady",
                Note = note,
            });
        }
        group.Version++;
        RunChanges.Restart(run, service, Urgencies.For(group.Severity, service.Urgency).ToWire(), now);
        run.Note = "re-triggered: the acknowledgement timed out";
        return true;
    }

    /// <summary>What a claim's runs need, read once for all of them.</summary>
    private sealed class RunBatch
    {
        public required List<EscalationRunRecord> Runs { get; init; }

        public required Dictionary<Guid, AlertGroup> Groups { get; init; }

        public required Dictionary<Guid, Steady.Core.Services.Service> Services { get; init; }

        public required Dictionary<Guid, EscalationPolicy> Policies { get; init; }

        /// <summary>Groups with a triggered alert that reaches people (not silenced, not in maintenance).</summary>
        public required HashSet<Guid> Paging { get; init; }

        /// <summary>Groups with an acknowledged alert.</summary>
        public required HashSet<Guid> Acknowledged { get; init; }

        public static async Task<RunBatch> LoadAsync(SteadyDb db, List<Guid> runIds, string token, CancellationToken cancellationToken)
        {
            var runs = await db.EscalationRuns.Where(r => runIds.Contains(r.Id) && r.LeaseOwner == token).OrderBy(r => r.NextDueAt).ToListAsync(cancellationToken);
            var ids = runs.Select(r => r.GroupId).OfType<Guid>().ToList();
            var serviceIds = runs.Select(r => r.ServiceId).OfType<Guid>().Distinct().ToList();
            var policyIds = runs.Select(r => r.PolicyId).Distinct().ToList();
            var groups = await db.AlertGroups.Where(g => ids.Contains(g.Id)).ToDictionaryAsync(g => g.Id, cancellationToken);
            var services = await db.Services.AsNoTracking().Where(s => serviceIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, cancellationToken);
            var policies = await db.EscalationPolicies.AsNoTracking().Where(p => policyIds.Contains(p.Id)).ToListAsync(cancellationToken);
            var paging = await db.Alerts.AsNoTracking()
                .Where(a => ids.Contains(a.GroupId) && a.Status == AlertStatus.Triggered && a.SilencedBy == null && a.MaintenanceId == null)
                .Select(a => a.GroupId).Distinct().ToListAsync(cancellationToken);
            var acknowledged = await db.Alerts.AsNoTracking()
                .Where(a => ids.Contains(a.GroupId) && a.Status == AlertStatus.Acknowledged)
                .Select(a => a.GroupId).Distinct().ToListAsync(cancellationToken);
            return new RunBatch
            {
                Runs = runs,
                Groups = groups,
                Services = services,
                Policies = policies.ToDictionary(p => p.Id, p => p.ToPolicy()),
                Paging = paging.ToHashSet(),
                Acknowledged = acknowledged.ToHashSet(),
            };
        }
    }

    /// <summary>On SQLite this process is the only one (it holds the file lock): claims of a process that died are void at once.</summary>
    private async Task ReleaseStaleLeasesAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
            if (!db.IsSqlite)
                return;
            await db.EscalationRuns.Where(r => r.LeaseOwner != null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseOwner, (string?)null).SetProperty(r => r.LeaseUntil, (DateTimeOffset?)null), cancellationToken);
        }
        catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException or InvalidOperationException)
        {
            LogReleaseFailed(logger, e);
        }
    }

    [LoggerMessage(EventId = 800, Level = LogLevel.Information, Message = "Run {RunId}: step {Step} (pass {Pass}) notifies {People} people with {Deliveries} deliveries")]
    private static partial void LogStep(ILogger logger, Guid runId, int step, int pass, int people, int deliveries);

    [LoggerMessage(EventId = 801, Level = LogLevel.Warning, Message = "Could not release the claims of an earlier process; they expire by themselves")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);
}
