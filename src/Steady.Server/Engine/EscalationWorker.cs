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
/// acknowledgements; otherwise asleep until the next due time.
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

    private const string ClaimSql = "UPDATE escalation_runs SET lease_owner = {0}, lease_until = {1} WHERE group_id IN (" +
        "SELECT group_id FROM escalation_runs WHERE next_due_at <= {2} AND (lease_until IS NULL OR lease_until <= {2}) ORDER BY next_due_at LIMIT {3}";
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
            var token = _node + "/" + Guid.NewGuid().ToString("N");
            var claimed = await db.Database.ExecuteSqlRawAsync(
                db.IsSqlite ? ClaimSql + ")" : ClaimSql + DbTime.SkipLocked + ")",
                [token, db.Param(now + options.CurrentValue.Lease), db.Param(now), BatchSize],
                cancellationToken);
            if (claimed == 0)
                break;
            var runs = await db.EscalationRuns.AsNoTracking().Where(r => r.LeaseOwner == token).Select(r => r.GroupId).ToListAsync(cancellationToken);
            foreach (var groupId in runs)
                planned += await ProcessAsync(db, planner, groupId, token, cancellationToken);
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

    /// <summary>One run, in one transaction with its effects; returns how many deliveries it planned.</summary>
    private async Task<int> ProcessAsync(SteadyDb db, StepPlanner planner, Guid groupId, string token, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var run = await db.EscalationRuns.FirstOrDefaultAsync(r => r.GroupId == groupId && r.LeaseOwner == token, cancellationToken);
            if (run is null)
                return 0;
            var planned = await DecideAsync(db, planner, run, cancellationToken);
            run.LeaseOwner = null;
            run.LeaseUntil = null;
            run.Version++;
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return planned;
        }
        catch (DbUpdateConcurrencyException)
        {
            // Someone acknowledged or resolved it meanwhile: let go, and look again on the next pass.
            db.ChangeTracker.Clear();
            await db.EscalationRuns.Where(r => r.GroupId == groupId && r.LeaseOwner == token)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseOwner, (string?)null).SetProperty(r => r.LeaseUntil, (DateTimeOffset?)null), cancellationToken);
            return 0;
        }
    }

    private async Task<int> DecideAsync(SteadyDb db, StepPlanner planner, EscalationRunRecord run, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var due = run.NextDueAt ?? now;
        var group = await db.AlertGroups.FirstAsync(g => g.Id == run.GroupId, cancellationToken);
        var service = await db.Services.AsNoTracking().FirstAsync(s => s.Id == run.ServiceId, cancellationToken);
        if (!group.IsOpen)
            return Stop(run, RunStates.Resolved, "resolved", now);

        if (run.State == RunStates.Acknowledged)
        {
            if (!await RetriggerAsync(db, run, group, service, now, cancellationToken))
                return Stop(run, RunStates.Acknowledged, run.Note ?? "acknowledged", now);
            await db.SaveChangesAsync(cancellationToken); // the step below reads the alerts as re-triggered
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
        var paging = await db.Alerts.AsNoTracking()
            .Where(a => a.GroupId == group.Id && a.Status == AlertStatus.Triggered && a.SilencedBy == null && a.MaintenanceId == null)
            .AnyAsync(cancellationToken);
        if (!paging)
        {
            var acknowledged = await db.Alerts.AsNoTracking().AnyAsync(a => a.GroupId == group.Id && a.Status == AlertStatus.Acknowledged, cancellationToken);
            return acknowledged
                ? Stop(run, RunStates.Acknowledged, "acknowledged", now)
                : Stop(run, RunStates.Suppressed, "every triggered alert is silenced or in maintenance", now);
        }
        if (run.Urgency == "low" && service.ReadBusinessHours() is { } hours && !hours.IsOpenAt(Instant.FromDateTimeOffset(now)))
        {
            run.NextDueAt = hours.NextOpening(Instant.FromDateTimeOffset(now)).ToDateTimeOffset();
            run.Note = $"low urgency: waits for business hours ({hours.Describe()})";
            run.UpdatedAt = now;
            return 0;
        }

        var record = await db.EscalationPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Id == run.PolicyId, cancellationToken);
        if (record is null)
            return Stop(run, RunStates.Exhausted, "its escalation policy was deleted", now);
        var policy = record.ToPolicy();
        var step = await planner.RunStepAsync(run, policy, policy.Steps.SelectMany(s => s.Targets).ToList(), cancellationToken);
        PagingMetrics.EscalationLateness.Observe(Math.Max(0, (now - due).TotalSeconds));
        if (step is null)
            return Stop(run, RunStates.Exhausted, run.LastStepAt is null ? "nobody to notify: every step is empty right now" : "every step ran; nobody acknowledged", now);
        var planned = await planner.PlanAsync(run, step, cancellationToken);
        run.LastStepAt = now;
        run.UpdatedAt = now;
        if (step.Next is { } next)
        {
            run.Step = next.Step;
            run.Pass = next.Pass;
            run.NextDueAt = now + step.Wait.ToTimeSpan();
            run.Note = step.SkippedSteps > 0 ? $"skipped {step.SkippedSteps} empty step(s)" : null;
        }
        else
        {
            run.State = RunStates.Exhausted;
            run.NextDueAt = null;
            run.Note = "the last step ran; nobody else to escalate to";
        }
        LogStep(logger, run.GroupId, step.Ran.Step + 1, step.Ran.Pass, step.Notify.Count, planned);
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

    private static int Stop(EscalationRunRecord run, string state, string note, DateTimeOffset now)
    {
        run.State = state;
        run.NextDueAt = null;
        run.Note = note;
        run.UpdatedAt = now;
        return 0;
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

    [LoggerMessage(EventId = 800, Level = LogLevel.Information, Message = "Group {GroupId}: step {Step} (pass {Pass}) notifies {People} people with {Deliveries} deliveries")]
    private static partial void LogStep(ILogger logger, Guid groupId, int step, int pass, int people, int deliveries);

    [LoggerMessage(EventId = 801, Level = LogLevel.Warning, Message = "Could not release the claims of an earlier process; they expire by themselves")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);
}
