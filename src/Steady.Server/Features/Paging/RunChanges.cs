using Microsoft.EntityFrameworkCore;
using Steady.Core.Alerts;
using Steady.Core.OnCall;
using Steady.Core.Services;
using Steady.Server.Data;
using Steady.Core.Paging;

namespace Steady.Server.Features.Paging;

/// <summary>
/// What alert changes mean for escalation runs, written in the same transaction as the alerts:
/// a group that triggers (new, reopened, or an alert nobody silenced) starts or restarts its run;
/// a new alert joining an acknowledged group pages the person who acknowledged it, or (more severe
/// than the group's worst, or nobody to tell) restarts the run (<see cref="NewAlertInAcknowledgedGroup"/>);
/// a new alert joining a group whose run ended unanswered (every step ran, or nobody was there to page)
/// starts the run over, since nobody has seen it;
/// an acknowledgement stops it (and, with the service's acknowledgement timeout, sets when it
/// re-triggers); a group that resolves ends it. Either way deliveries not yet sent are cancelled.
/// Collect changes while applying a batch, then <see cref="ApplyAsync"/> once before saving.
/// </summary>
public sealed class RunChanges
{
    private readonly Dictionary<Guid, (AlertGroup Group, Service Service)> _triggered = [];
    private readonly Dictionary<Guid, (string By, Service? Service)> _acknowledged = [];
    private readonly Dictionary<Guid, string> _resolved = [];
    private readonly Dictionary<Guid, List<(Alert Alert, Severity GroupWorst)>> _joined = [];
    private readonly List<(Alert Alert, string Note)> _joinedNotes = [];
    private readonly List<(Alert Alert, string Note)> _restartedNotes = [];

    public bool IsEmpty => _triggered.Count == 0 && _acknowledged.Count == 0 && _resolved.Count == 0;

    /// <summary>
    /// An alert that reaches people (not silenced, not in maintenance) triggered in the group. <paramref name="joined"/>:
    /// the alert, when it is new to the group (a dedup key the group had not seen), with the group's worst severity before it.
    /// </summary>
    public void Triggered(AlertGroup group, Service service, Alert? joined = null, Severity groupWorst = Severity.Info)
    {
        _triggered[group.Id] = (group, service);
        if (joined is not null)
        {
            if (!_joined.TryGetValue(group.Id, out var alerts))
                _joined[group.Id] = alerts = [];
            alerts.Add((joined, groupWorst));
        }
    }

    /// <summary>After <see cref="ApplyAsync"/>: each new alert that joined an acknowledged group, and what followed, in words (for its history).</summary>
    public IReadOnlyList<(Alert Alert, string Note)> JoinedAcknowledgedGroups => _joinedNotes;

    /// <summary>After <see cref="ApplyAsync"/>: each new alert that started over a group's escalation which had ended unanswered, in words (for its history).</summary>
    public IReadOnlyList<(Alert Alert, string Note)> RestartedEndedRuns => _restartedNotes;

    /// <summary>How many deliveries <see cref="ApplyAsync"/> planned (pages to the people who acknowledged groups new alerts joined).</summary>
    public int Planned { get; private set; }

    public void Acknowledged(Guid groupId, string by, Service? service = null) => _acknowledged[groupId] = (by, service);

    /// <summary>The group's last open alert resolved.</summary>
    public void Resolved(Guid groupId, string by) => _resolved[groupId] = by;

    /// <param name="planner">Plans the pages of new alerts joining acknowledged groups; needed when <see cref="Triggered"/> was told of one.</param>
    public async Task ApplyAsync(SteadyDb db, DateTimeOffset now, CancellationToken cancellationToken, StepPlanner? planner = null)
    {
        if (IsEmpty)
            return;
        var ids = _triggered.Keys.Concat(_acknowledged.Keys).Concat(_resolved.Keys).Distinct().ToList();
        // An alert group's run has the group's id.
        var runs = await db.EscalationRuns.Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, cancellationToken);
        var stopped = new Dictionary<Guid, string>();

        foreach (var (groupId, by) in _resolved)
        {
            if (runs.TryGetValue(groupId, out var run) && run.State != RunState.Resolved)
            {
                Stop(run, RunState.Resolved, null, $"resolved by {by}", now);
                stopped[groupId] = $"resolved by {by} before it was sent";
            }
        }
        foreach (var (groupId, (by, known)) in _acknowledged)
        {
            if (_resolved.ContainsKey(groupId) || !runs.TryGetValue(groupId, out var run) || run.State is not (RunState.Active or RunState.Exhausted))
                continue;
            var service = known ?? await db.Services.AsNoTracking().FirstAsync(s => s.Id == run.ServiceId, cancellationToken);
            var timeout = service.AckTimeoutSeconds is > 0 ? now.AddSeconds(service.AckTimeoutSeconds.Value) : (DateTimeOffset?)null;
            Stop(run, RunState.Acknowledged, timeout, timeout is null ? $"acknowledged by {by}" : $"acknowledged by {by}; re-triggers if not resolved by then", now);
            stopped[groupId] = $"acknowledged by {by} before it was sent";
        }
        foreach (var (groupId, (group, service)) in _triggered)
        {
            if (_resolved.ContainsKey(groupId) || _acknowledged.ContainsKey(groupId) || !group.IsOpen)
                continue;
            var urgency = Urgencies.For(group.Severity, service.Urgency);
            runs.TryGetValue(groupId, out var run);
            if (run is null)
            {
                if (service.EscalationPolicyId is not { } policyId)
                    continue; // nobody to page: the service has no policy (the alert page says so)
                db.EscalationRuns.Add(new EscalationRunRecord
                {
                    Id = groupId,
                    GroupId = groupId,
                    ServiceId = service.Id,
                    PolicyId = policyId,
                    State = RunState.Active,
                    Urgency = urgency,
                    NextDueAt = now,
                    StartedAt = now,
                    UpdatedAt = now,
                });
            }
            else if (run.State is RunState.Resolved or RunState.Suppressed or RunState.Failed)
            {
                // A failed run starts over too: what it failed on may have been fixed, and if not, it fails again, visibly.
                Restart(run, service, urgency, now);
            }
            else if (run.State == RunState.Acknowledged && _joined.TryGetValue(groupId, out var joined))
            {
                Planned += await NewAlertInAcknowledgedGroup.ApplyAsync(db, planner ?? throw new InvalidOperationException("New alerts joined acknowledged groups: a planner is needed."),
                    run, group, service, joined, _joinedNotes, now, cancellationToken);
            }
            else if (run.State == RunState.Exhausted && _joined.TryGetValue(groupId, out var late))
            {
                // Everyone the policy names was paged and nobody acknowledged (or nobody was on it): the group stays
                // triggered, but this alert is news nobody has seen. Silence here would look like calm, so it starts over.
                var ended = run.Note;
                Restart(run, service, urgency, now);
                foreach (var (alert, _) in late)
                    _restartedNotes.Add((alert, $"joined a group whose escalation had ended unanswered ({ended ?? "every step ran"}): the escalation starts over from step 1"));
            }
            else if (run.State == RunState.Active && run.Urgency == Urgency.Low && urgency == Urgency.High)
            {
                // A more severe alert joined a group waiting for business hours: page now.
                run.Urgency = urgency;
                run.NextDueAt = run.NextDueAt is { } due && due < now ? due : now;
                run.Note = null;
                run.UpdatedAt = now;
                run.Version++;
            }
        }
        await CancelPendingAsync(db, stopped, cancellationToken);
    }

    /// <summary>Starts the run over from the first step, with the service's current policy.</summary>
    internal static void Restart(EscalationRunRecord run, Service service, Urgency urgency, DateTimeOffset now)
    {
        run.PolicyId = service.EscalationPolicyId ?? run.PolicyId;
        run.State = RunState.Active;
        run.Urgency = urgency;
        run.Step = 0;
        run.Pass = 0;
        run.NextDueAt = now;
        run.StartedAt = now;
        run.UpdatedAt = now;
        run.Note = null;
        run.Version++;
    }

    /// <summary>
    /// A run whose policy changed under it (edited while it escalated: the change applies at its next
    /// step) goes on where the policy now allows (<see cref="Escalations.Fit"/>): from the new last step
    /// when the policy was shortened. Returns what changed, in words for people, or null when nothing did;
    /// <c>Goes</c> is false when nothing is left to run, and the caller ends the run with that reason.
    /// </summary>
    internal static (bool Goes, string? Change) Fit(EscalationRunRecord run, EscalationPolicy policy)
    {
        var at = new EscalationPosition(run.Step, run.Pass);
        var fitted = Escalations.Fit(policy, at);
        if (fitted == at)
            return (true, null);
        if (fitted is null)
        {
            return (false, policy.Steps.Count == 0
                ? $"{policy.Name} has no steps any more"
                : $"{policy.Name} was changed while this escalated: it now runs {Passes(policy.Repeat + 1)}, and this escalation was at pass {run.Pass + 1}");
        }
        run.Step = fitted.Step;
        run.Pass = fitted.Pass;
        return (true, $"{policy.Name} was changed to {policy.Steps.Count} step{(policy.Steps.Count == 1 ? "" : "s")} while this escalated (it was due to run step {at.Step + 1}); it goes on from its last step, step {fitted.Step + 1}");
    }

    private static string Passes(int count) => count == 1 ? "once" : $"{count} times";

    /// <summary>After a step ran: on to the next one after its wait, or exhausted when it was the last.</summary>
    internal static void Advance(EscalationRunRecord run, EscalationRun step, DateTimeOffset now)
    {
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
            run.State = RunState.Exhausted;
            run.NextDueAt = null;
            run.Note = "the last step ran" + (step.SkippedSteps > 0 ? $" (skipped {step.SkippedSteps} empty step(s) before it)" : "") + "; nobody else to escalate to";
        }
    }

    /// <summary>The engine ends a run it was stepping (resolved, acknowledged, suppressed, exhausted); returns the deliveries planned: none.</summary>
    internal static int End(EscalationRunRecord run, RunState state, string note, DateTimeOffset now)
    {
        run.State = state;
        run.NextDueAt = null;
        run.Note = note;
        run.UpdatedAt = now;
        return 0;
    }

    /// <summary>
    /// The one way a run stops because of people (acknowledged, resolved; an alert group's or an incident's): its
    /// state, when it acts next (a re-trigger after the acknowledgement timeout, or never), and why. Its deliveries
    /// not yet sent are cancelled with <see cref="CancelPendingAsync"/>.
    /// </summary>
    internal static void Stop(EscalationRunRecord run, RunState state, DateTimeOffset? nextDue, string note, DateTimeOffset now)
    {
        run.State = state;
        run.NextDueAt = nextDue;
        run.Note = note;
        run.UpdatedAt = now;
        run.Version++;
    }

    /// <summary>
    /// Deliveries of stopped runs (by run id: an alert group's is the group's) that have not gone out are cancelled,
    /// saying why. Written at once (a worker claiming one meanwhile keeps it): the caller saves in a transaction.
    /// </summary>
    internal static async Task CancelPendingAsync(SteadyDb db, Dictionary<Guid, string> stopped, CancellationToken cancellationToken)
    {
        foreach (var reasons in stopped.GroupBy(s => s.Value))
        {
            var groups = reasons.Select(r => r.Key).ToList();
            var reason = reasons.Key;
            await db.Deliveries
                .Where(d => groups.Contains(d.RunId) && (d.State == DeliveryState.Queued || d.State == DeliveryState.FailedTemporary))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.State, DeliveryState.Cancelled).SetProperty(d => d.Error, reason), cancellationToken);
        }
    }
}
