using Microsoft.EntityFrameworkCore;
using NodaTime;
using Steady.Core;
using Steady.Core.Incidents;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Core.Paging;

namespace Steady.Server.Features.Paging;

/// <summary>
/// What the escalation worker does with an incident's run (the SEV1 page, a raised severity, the
/// emergency line, the overdue update's escalation): it stops once the incident is resolved; otherwise
/// it runs the policy (or pages the one person it names) step by step with the policy's waits, like an
/// alert group's run, and each page lands on the incident's timeline. Acknowledging (the link in the
/// page, or the API) stops it: <see cref="StopAsync"/>.
/// </summary>
public static class IncidentRunSteps
{
    /// <summary>Incidents page at any hour.</summary>
    public const Urgency Urgency = Steady.Core.OnCall.Urgency.High;

    /// <summary>The states of a run still waiting for an answer (escalating, or every step ran): what acknowledging stops.</summary>
    public static readonly RunState[] Unanswered = [RunState.Active, RunState.Exhausted];

    /// <summary>The people the runs' one-person pages name, for the planner to read with the policies' targets.</summary>
    public static IEnumerable<EscalationTarget> Targets(IEnumerable<EscalationRunRecord> runs) =>
        runs.Where(r => r.TargetUserId is not null).Select(r => new EscalationTarget(TargetKind.User, r.TargetUserId!.Value));

    /// <summary>The policy an incident's run follows: its escalation policy, or one step that pages its one person.</summary>
    public static EscalationPolicy? PolicyOf(EscalationRunRecord run, IReadOnlyDictionary<Guid, EscalationPolicy> policies) =>
        run.TargetUserId is { } person
            ? new EscalationPolicy("the commander", [new EscalationStep([new EscalationTarget(TargetKind.User, person)], Duration.Zero)])
            : policies.GetValueOrDefault(run.PolicyId);

    public static async Task<int> DecideAsync(SteadyDb db, StepPlanner planner, EscalationRunRecord run, IReadOnlyDictionary<Guid, EscalationPolicy> policies, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var incident = await db.Incidents.AsNoTracking().FirstAsync(i => i.Id == run.IncidentId, cancellationToken);
        if (!incident.IsOpen)
            return RunChanges.End(run, RunState.Resolved, "the incident was resolved", now);
        if (run.State != RunState.Active)
        {
            run.NextDueAt = null;
            return 0;
        }
        var policy = PolicyOf(run, policies);
        if (policy is null)
        {
            Entry(db, incident.Id, $"Could not page: the escalation policy was deleted ({run.Reason})", now, time);
            return RunChanges.End(run, RunState.Exhausted, "its escalation policy was deleted", now);
        }
        // The policy as it is now: edits made while the run escalated apply from this step on.
        var (goes, change) = RunChanges.Fit(run, policy);
        if (!goes)
        {
            Entry(db, incident.Id, $"Paging ended: {change} ({run.Reason})", now, time);
            return RunChanges.End(run, RunState.Exhausted, change!, now);
        }
        var step = await planner.RunStepAsync(run, policy, policy.Steps.SelectMany(s => s.Targets).ToList(), cancellationToken);
        if (step is null)
        {
            if (run.LastStepAt is null)
                Entry(db, incident.Id, $"Nobody to page right now: every step of {Describe(run, policy)} is empty ({run.Reason})", now, time);
            return RunChanges.End(run, RunState.Exhausted, run.LastStepAt is null ? "nobody to notify: every step is empty right now" : "every step ran; nobody acknowledged", now);
        }
        var planned = await planner.PlanAsync(run, step, cancellationToken);
        var people = step.Notify.Distinct().ToList();
        var names = await db.Users.AsNoTracking().Where(u => people.Contains(u.Id)).OrderBy(u => u.Name).Select(u => u.Name).ToListAsync(cancellationToken);
        var which = run.TargetUserId is null ? $"step {step.Ran.Step + 1}{(step.Ran.Pass > 0 ? $" (repeat {step.Ran.Pass})" : "")} of {Describe(run, policy)}" : "directly";
        Entry(db, incident.Id, $"Paged {string.Join(", ", names)} {which}: {run.Reason}" + (change is null ? "" : $" ({change})"), now, time);
        RunChanges.Advance(run, step, now);
        if (change is not null)
            run.Note = run.Note is null ? change : $"{change}; {run.Note}";
        return planned;
    }

    /// <summary>
    /// Stops the incident's runs nobody has acknowledged yet (escalating, or every step ran), tracked in
    /// the caller's unit of work, and cancels their deliveries not yet sent: acknowledged (by someone) or
    /// resolved — as <see cref="RunChanges"/> stops an alert group's run. Cancelling is written at once: the
    /// caller saves in a transaction. False when nothing was waiting for an answer.
    /// </summary>
    public static async Task<bool> StopAsync(SteadyDb db, Guid incidentId, RunState state, string note, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var runs = await db.EscalationRuns.Where(r => r.IncidentId == incidentId && Unanswered.Contains(r.State)).ToListAsync(cancellationToken);
        foreach (var run in runs)
            RunChanges.Stop(run, state, null, note, now);
        await RunChanges.CancelPendingAsync(db, runs.ToDictionary(r => r.Id, _ => $"{note} before it was sent"), cancellationToken);
        return runs.Count > 0;
    }

    /// <summary>What is known so far, for the incident's pages and its link's page: the latest update's 'known', else the summary given when it was declared.</summary>
    public static async Task<string?> KnownAsync(SteadyDb db, Incident incident, CancellationToken cancellationToken) =>
        await db.IncidentUpdates.AsNoTracking().Where(u => u.IncidentId == incident.Id).OrderByDescending(u => u.At).Select(u => u.Known).FirstOrDefaultAsync(cancellationToken)
        ?? incident.Summary;

    private static string Describe(EscalationRunRecord run, EscalationPolicy policy) =>
        run.TargetUserId is null ? $"escalation policy {policy.Name}" : policy.Name;

    private static void Entry(SteadyDb db, Guid incidentId, string text, DateTimeOffset now, TimeProvider time) => RunNotes.Incident(db, incidentId, text, now, time);
}
