using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steady.Core;
using Steady.Core.Alerts;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Server.Infrastructure;
using Steady.Core.Paging;

namespace Steady.Server.Features.Paging;

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
    OutboxClaims claims,
    TimeProvider time,
    ILogger<EscalationWorker> logger) : DueTimeWorker<EscalationWorker>(signal, time, logger)
{
    private const int BatchSize = 200;

    protected override TimeSpan Sweep => TimeSpan.FromSeconds(5);

    protected override Task StartingAsync(CancellationToken cancellationToken) =>
        claims.ReleaseOnStartAsync(ClaimedTable.EscalationRuns, e => LogReleaseFailed(logger, e), cancellationToken);

    protected internal override async Task<DateTimeOffset?> RunDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        scope.ServiceProvider.GetRequiredService<AuditContext>().Set(null, "steady");
        var planner = scope.ServiceProvider.GetRequiredService<StepPlanner>();
        await claims.LetGoLeftAsync(db, ClaimedTable.EscalationRuns, cancellationToken);
        var planned = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = Time.GetUtcNow();
            // Looking first is a read, which never waits: woken after every intake commit, the worker
            // mostly finds nothing due, and the claim (a write) would queue for the database's one writer.
            if (!await db.EscalationRuns.AsNoTracking().AnyAsync(r => r.NextDueAt <= now && (r.LeaseUntil == null || r.LeaseUntil <= now), cancellationToken))
                break;
            var token = claims.NewOwner();
            int claimed;
            try
            {
                claimed = await claims.ClaimAsync(db, ClaimedTable.EscalationRuns, token, now, BatchSize, cancellationToken);
                if (claimed == 0)
                    break;
                planned += await ProcessClaimAsync(db, planner, token, cancellationToken);
            }
            catch
            {
                // The database went away mid-pass (or the process is stopping): what this claim still holds is due again
                // at once, not after its lease — now, or as soon as the database takes it.
                await claims.LetGoAsync(db, ClaimedTable.EscalationRuns, token);
                throw;
            }
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
    /// When that fails — one of them changed meanwhile (someone acknowledged it), or one cannot be run —
    /// the transaction is dropped and the runs go one by one at once, so the others still move on, on
    /// time, and only the one that fails is set aside (<see cref="ProcessOneAsync"/>). Returns how many
    /// deliveries were planned.
    /// </summary>
    private async Task<int> ProcessClaimAsync(SteadyDb db, StepPlanner planner, string token, CancellationToken cancellationToken)
    {
        var runIds = await db.EscalationRuns.AsNoTracking().Where(r => r.LeaseOwner == token).Select(r => r.Id).ToListAsync(cancellationToken);
        if (runIds.Count > 1)
        {
            try
            {
                return await ProcessAsync(db, planner, runIds, token, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (EngineFailures.IsTransient(e))
                    throw; // the database is away: the whole claim is let go of, and goes again when it is back
                if (e is not DbUpdateConcurrencyException and not ClaimLostException)
                    LogBatchFailed(logger, runIds.Count, EngineFailures.Describe(e));
            }
        }
        var planned = 0;
        foreach (var runId in runIds)
            planned += await ProcessOneAsync(db, planner, runId, token, cancellationToken);
        return planned;
    }

    /// <summary>
    /// One run alone. Changed meanwhile: let go, and look again on the next pass. A failure that passes
    /// (the database busy or briefly away): let go, and try again after a sweep. Any other failure
    /// would come back every pass: the run is marked failed (<see cref="FailAsync"/>).
    /// </summary>
    private async Task<int> ProcessOneAsync(SteadyDb db, StepPlanner planner, Guid runId, string token, CancellationToken cancellationToken)
    {
        try
        {
            return await ProcessAsync(db, planner, [runId], token, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            await LetGoAsync(db, runId, token, null, cancellationToken);
        }
        catch (ClaimLostException)
        {
            // another node took it over while this one stalled: it is that node's now
        }
        catch (Exception e) when ((e is not OperationCanceledException || !cancellationToken.IsCancellationRequested) && EngineFailures.IsTransient(e))
        {
            LogRunRetried(logger, runId, EngineFailures.Describe(e));
            await LetGoAsync(db, runId, token, Time.GetUtcNow() + Sweep, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await FailAsync(db, runId, token, e, cancellationToken);
        }
        return 0;
    }

    /// <summary>Runs in one transaction with their effects; returns how many deliveries they planned.</summary>
    private async Task<int> ProcessAsync(SteadyDb db, StepPlanner planner, List<Guid> runIds, string token, CancellationToken cancellationToken)
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
            // Fencing: commit only while every run is still this claim's (a node that stalled past its lease may have lost
            // some to another node, which runs their steps); on PostgreSQL the check locks them until the commit.
            var ids = batch.Runs.Select(r => r.Id).ToList();
            var leaseUntil = Time.GetUtcNow() + claims.Lease;
            if (await db.EscalationRuns.Where(r => ids.Contains(r.Id) && r.LeaseOwner == token).ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseUntil, leaseUntil), cancellationToken) != ids.Count)
                throw new ClaimLostException();
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return planned;
        }
        finally
        {
            planner.Reset();
        }
    }

    /// <summary>Gives the claim up; with <paramref name="until"/>, nobody claims the run before then.</summary>
    private static async Task LetGoAsync(SteadyDb db, Guid runId, string token, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        await db.EscalationRuns.Where(r => r.Id == runId && r.LeaseOwner == token)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseOwner, (string?)null).SetProperty(r => r.LeaseUntil, until), cancellationToken);
    }

    /// <summary>
    /// A run the engine cannot move on (data it cannot read, a bug) would fail the same way every pass:
    /// it is marked failed, with the reason in its note (the alert's Paging section and API, the
    /// incident's Pages card) and on the alert's history or the incident's timeline, and counted on
    /// /metrics. Nobody else is paged by it until its group triggers again; pages it planned before still go.
    /// </summary>
    private async Task FailAsync(SteadyDb db, Guid runId, string token, Exception error, CancellationToken cancellationToken)
    {
        var reason = EngineFailures.Describe(error);
        LogRunFailed(logger, error, runId, reason);
        EngineFailures.Count(EngineFailures.Escalation);
        db.ChangeTracker.Clear();
        var now = Time.GetUtcNow();
        var run = await db.EscalationRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId && r.LeaseOwner == token, cancellationToken);
        if (run is null)
            return;
        var note = $"failed: Steady could not run step {run.Step + 1} ({reason}); nobody else is paged by this escalation"
            + (run.IncidentId is null ? " until its alerts trigger again" : "");
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await RunNotes.AddAsync(db, run, $"Escalation failed: Steady could not run step {run.Step + 1} of it ({reason}). Nobody else is paged by it"
                + (run.IncidentId is null ? " until the alerts trigger again; acknowledge or page by hand." : "; page by hand."), now, Time, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await MarkFailedAsync(db, runId, token, note, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Telling people failed too (what is wrong may be in what the note touches): the run is marked failed all the same.
            db.ChangeTracker.Clear();
            try
            {
                await MarkFailedAsync(db, runId, token, note, now, cancellationToken);
            }
            catch (Exception again) when (again is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Not even that: it stays claimed until its lease runs out and is tried again then; the others go on.
                LogMarkFailed(logger, again, runId);
            }
        }
    }

    private static Task<int> MarkFailedAsync(SteadyDb db, Guid runId, string token, string note, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.EscalationRuns.Where(r => r.Id == runId && r.LeaseOwner == token).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.State, RunState.Failed)
            .SetProperty(r => r.NextDueAt, (DateTimeOffset?)null)
            .SetProperty(r => r.Note, note)
            .SetProperty(r => r.UpdatedAt, now)
            .SetProperty(r => r.LeaseOwner, (string?)null)
            .SetProperty(r => r.LeaseUntil, (DateTimeOffset?)null)
            .SetProperty(r => r.Version, r => r.Version + 1), cancellationToken);

    private async Task<int> DecideAsync(SteadyDb db, StepPlanner planner, RunBatch batch, EscalationRunRecord run, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        // Claimed while due, then changed by a person before it was read here (acknowledged: not due any more, or due
        // when the acknowledgement times out): what they did stands. Read as due, an acknowledged run would re-trigger.
        if (run.NextDueAt is not { } due || due > now)
            return 0;
        if (run.IncidentId is not null)
            return await IncidentRunSteps.DecideAsync(db, planner, run, batch.Policies, Time, cancellationToken);
        var group = batch.Groups[run.GroupId!.Value];
        var service = batch.Services[run.ServiceId!.Value];
        var decision = RunDecisions.OnDue(run.State, group.IsOpen);
        var retriggered = false;
        if (decision.Action == RunAction.Retrigger)
        {
            decision = RunDecisions.AfterAcknowledgement(await RetriggerAsync(db, run, group, service, now, cancellationToken), run.Note);
            if (decision.Action == RunAction.Retrigger)
            {
                await db.SaveChangesAsync(cancellationToken); // what follows reads the alerts as re-triggered
                retriggered = true;
            }
        }
        if (decision.Action == RunAction.Step || retriggered)
        {
            var paging = retriggered
                ? await db.Alerts.AsNoTracking()
                    .Where(a => a.GroupId == group.Id && a.Status == AlertStatus.Triggered && a.SilencedBy == null && a.MaintenanceId == null)
                    .AnyAsync(cancellationToken)
                : batch.Paging.Contains(group.Id);
            var acknowledged = !paging && (retriggered
                ? await db.Alerts.AsNoTracking().AnyAsync(a => a.GroupId == group.Id && a.Status == AlertStatus.Acknowledged, cancellationToken)
                : batch.Acknowledged.Contains(group.Id));
            decision = RunDecisions.BeforeStep(group.FlappingUntil, paging, acknowledged, run.Urgency, service.ReadBusinessHours(), now);
        }
        switch (decision.Action)
        {
            case RunAction.End:
                return RunChanges.End(run, decision.State!.Value, decision.Note!, now);
            case RunAction.Hold:
                run.NextDueAt = decision.Until;
                run.Note = decision.Note;
                run.UpdatedAt = now;
                return 0;
            case RunAction.Idle:
                run.NextDueAt = null;
                return 0;
        }

        // The policy as it is now: edits made while the run escalated apply from this step on.
        string? change = null;
        if (batch.Policies.GetValueOrDefault(run.PolicyId) is not { } policy)
        {
            // Deleted under it (its service was given another policy first): on with the service's policy, from its first step.
            if (service.EscalationPolicyId is not { } current || batch.Policies.GetValueOrDefault(current) is not { } replacement)
                return await EndNotedAsync(db, run, "its escalation policy was deleted", now, cancellationToken);
            (policy, run.PolicyId, run.Step, run.Pass) = (replacement, current, 0, 0);
            change = $"its escalation policy was deleted; it goes on with {service.Name}'s policy {replacement.Name}, from step 1";
        }
        var (goes, fitted) = RunChanges.Fit(run, policy);
        change ??= fitted;
        if (!goes)
            return await EndNotedAsync(db, run, change!, now, cancellationToken);
        var step = await planner.RunStepAsync(run, policy, policy.Steps.SelectMany(s => s.Targets).ToList(), cancellationToken);
        PagingMetrics.EscalationLateness.Observe(Math.Max(0, (now - due).TotalSeconds));
        if (step is null)
        {
            if (run.LastStepAt is null || change is not null)
                return await FallBackAsync(db, planner, run, policy, service, (change is null ? "" : change + "; ") + $"nobody to notify: every step of {policy.Name} is empty right now", now, cancellationToken);
            return RunChanges.End(run, RunState.Exhausted, "every step ran; nobody acknowledged", now);
        }
        var planned = await planner.PlanAsync(run, step, cancellationToken);
        RunChanges.Advance(run, step, now);
        if (change is not null)
        {
            await RunNotes.AddAsync(db, run, char.ToUpperInvariant(change[0]) + change[1..] + ".", now, Time, cancellationToken);
            run.Note = run.Note is null ? change : $"{change}; {run.Note}";
        }
        LogStep(logger, run.Id, step.Ran.Step + 1, step.Ran.Pass, step.Notify.Count, planned);
        return planned;
    }

    /// <summary>
    /// Every step of the policy is empty right now: rather than end in silence, the run pages the admins of the service's team
    /// (else the organization's admins) once, through their own rules, and ends; the run and its alerts' history say who and why.
    /// </summary>
    private async Task<int> FallBackAsync(SteadyDb db, StepPlanner planner, EscalationRunRecord run, EscalationPolicy policy, Steady.Core.Services.Service service, string why, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var team = await db.Teams.AsNoTracking().Where(t => t.Id == service.TeamId).Select(t => t.Name).FirstOrDefaultAsync(cancellationToken) ?? "its team";
        var (names, planned) = await planner.PlanFallbackAsync(run, service.TeamId, $"nobody on call for {policy.Name}: paged as an admin", cancellationToken);
        if (names.Count == 0)
            return await EndNotedAsync(db, run, why + "; and there is no admin to page instead", now, cancellationToken);
        var who = string.Join(", ", names);
        await RunNotes.AddAsync(db, run, $"Nobody to notify: every step of {policy.Name} is empty right now, so {who} ({team}'s admins, or the organization's when the team has none) are paged instead. Put someone on call: the escalation ends here.", now, Time, cancellationToken);
        RunChanges.End(run, RunState.Exhausted, $"{why}; paged {who} instead", now);
        return planned;
    }

    /// <summary>Ends a run that cannot go on (nothing left to run, nobody to page), saying why on the run and in its alerts' history.</summary>
    private async Task<int> EndNotedAsync(SteadyDb db, EscalationRunRecord run, string why, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await RunNotes.AddAsync(db, run, $"Escalation ended: {why}. Nobody else is paged for these alerts unless they trigger again.", now, Time, cancellationToken);
        return RunChanges.End(run, RunState.Exhausted, why, now);
    }

    /// <summary>An acknowledgement timed out with the group still open: its acknowledged alerts trigger again and the run starts over.</summary>
    private async Task<bool> RetriggerAsync(SteadyDb db, EscalationRunRecord run, AlertGroup group, Steady.Core.Services.Service service, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var acknowledged = await db.Alerts.Where(a => a.GroupId == group.Id && a.Status == AlertStatus.Acknowledged).ToListAsync(cancellationToken);
        if (acknowledged.Count == 0)
            return false;
        foreach (var alert in acknowledged)
            db.AlertEvents.Add(alert.Retrigger(Ids.New(Time), now));
        group.Version++;
        RunChanges.Restart(run, service, Urgencies.For(group.Severity, service.Urgency), now);
        run.Note = "re-triggered: the acknowledgement timed out";
        return true;
    }

    [LoggerMessage(EventId = 800, Level = LogLevel.Information, Message = "Run {RunId}: step {Step} (pass {Pass}) notifies {People} people with {Deliveries} deliveries")]
    private static partial void LogStep(ILogger logger, Guid runId, int step, int pass, int people, int deliveries);

    [LoggerMessage(EventId = 801, Level = LogLevel.Warning, Message = "Could not release the claims of an earlier process; they expire by themselves")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 802, Level = LogLevel.Warning, Message = "{Count} escalation runs claimed together could not be run together ({Reason}); running them one by one")]
    private static partial void LogBatchFailed(ILogger logger, int count, string reason);

    [LoggerMessage(EventId = 803, Level = LogLevel.Warning, Message = "Run {RunId} could not be run for now ({Reason}); trying again shortly")]
    private static partial void LogRunRetried(ILogger logger, Guid runId, string reason);

    [LoggerMessage(EventId = 805, Level = LogLevel.Error, Message = "Run {RunId} could not even be marked failed; it is tried again when its lease runs out")]
    private static partial void LogMarkFailed(ILogger logger, Exception exception, Guid runId);

    [LoggerMessage(EventId = 804, Level = LogLevel.Error, Message = "Run {RunId} failed and is set aside: {Reason}")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, Guid runId, string reason);
}
