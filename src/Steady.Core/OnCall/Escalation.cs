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
/// say where to continue after the step's wait. Stops after the last pass.
/// </summary>
public static class Escalations
{
    /// <param name="resolve">Who a target means right now (a schedule's on-call person, a team's next member, a user).</param>
    public static EscalationRun? Run(EscalationPolicy policy, EscalationPosition at, Func<EscalationTarget, IReadOnlyList<Guid>> resolve)
    {
        if (policy.Steps.Count == 0)
            return null;
        var (step, pass) = (at.Step, at.Pass);
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
