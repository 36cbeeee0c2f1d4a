using NodaTime;

namespace Steady.Core.OnCall;

public enum TargetKind
{
    User,
    Schedule,
    TeamRoundRobin,
}

/// <summary>Who a step notifies: a user, whoever is on call in a schedule, or the next member of a team in turn.</summary>
public sealed record EscalationTarget(TargetKind Kind, Guid Id);

/// <summary>One step: notify its targets, then wait for an acknowledgement before the next step.</summary>
public sealed record EscalationStep(IReadOnlyList<EscalationTarget> Targets, Duration Wait);

/// <summary>Ordered steps, run once and then repeated <see cref="Repeat"/> more times.</summary>
public sealed record EscalationPolicy(string Name, IReadOnlyList<EscalationStep> Steps, int Repeat = 0)
{
    /// <summary>The wait after the last step of a pass when the seed's YAML gives none.</summary>
    public static readonly Duration DefaultWait = Duration.FromMinutes(5);
}

/// <summary>Where an escalation stands: the step it runs next, in which pass, and when.</summary>
public sealed record EscalationPosition(int Step, int Pass);

/// <summary>What running a step decided: who to notify now, and when (and where) to go on; null when the policy is exhausted.</summary>
public sealed record EscalationRun(EscalationPosition Ran, IReadOnlyList<Guid> Notify, EscalationPosition? Next, Duration Wait, int SkippedSteps);

/// <summary>
/// The escalation state machine, pure: from a position, find the first step (in this pass or the
/// next ones) whose targets resolve to at least one person, skipping empty steps; notify them and
/// say where to continue after the step's wait. Stops after the last pass. A policy may change while
/// a run escalates through it (as in PagerDuty and GoAlert, the change applies at the next step):
/// <see cref="Fit"/> says where such a run goes on.
/// </summary>
public static class Escalations
{
    /// <summary>
    /// Where a run standing at <paramref name="at"/> goes on in the policy as it is now: the same place
    /// while the policy still has it; its last step when the policy was shortened under it; null when
    /// nothing is left to run (no steps, or the run already went through more passes than the policy now repeats).
    /// </summary>
    public static EscalationPosition? Fit(EscalationPolicy policy, EscalationPosition at)
    {
        if (policy.Steps.Count == 0 || at.Pass > policy.Repeat)
            return null;
        return new EscalationPosition(Math.Clamp(at.Step, 0, policy.Steps.Count - 1), Math.Max(0, at.Pass));
    }

    /// <param name="at">Where the run stands; a position the policy no longer has goes on from where <see cref="Fit"/> puts it.</param>
    /// <param name="resolve">Who a target means right now (a schedule's on-call person, a team's next member, a user).</param>
    public static EscalationRun? Run(EscalationPolicy policy, EscalationPosition at, Func<EscalationTarget, IReadOnlyList<Guid>> resolve)
    {
        if (Fit(policy, at) is not { } start)
            return null;
        var (step, pass) = (start.Step, start.Pass);
        var skipped = 0;
        var tried = 0;
        var limit = policy.Steps.Count * (policy.Repeat + 1);
        while (pass <= policy.Repeat && tried < limit)
        {
            var definition = policy.Steps[step];
            var people = definition.Targets.SelectMany(resolve).Distinct().ToList();
            var next = step + 1 < policy.Steps.Count ? new EscalationPosition(step + 1, pass) : pass < policy.Repeat ? new EscalationPosition(0, pass + 1) : null;
            if (people.Count > 0)
                return new EscalationRun(new EscalationPosition(step, pass), people, next, definition.Wait, skipped);
            skipped++;
            tried++;
            if (next is null)
                return null;
            (step, pass) = (next.Step, next.Pass);
        }
        return null;
    }
}
