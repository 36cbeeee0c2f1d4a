using NodaTime;
using Steady.Core.OnCall;

namespace Steady.Core.Paging;

/// <summary>What the engine does with an alert group's run that fell due.</summary>
public enum RunAction
{
    /// <summary>Its step runs now (the policy as it is now decides whom it pages).</summary>
    Step,

    /// <summary>It waits: due again at <see cref="RunDecision.Until"/>, saying why in its note.</summary>
    Hold,

    /// <summary>It ends in <see cref="RunDecision.State"/>, saying why in its note.</summary>
    End,

    /// <summary>Its acknowledgement timed out: the acknowledged alerts trigger again and the run starts over.</summary>
    Retrigger,

    /// <summary>Nothing to do (a run that stopped otherwise): it is not due again.</summary>
    Idle,
}

/// <summary>A decision of <see cref="RunDecisions"/>: what to do, and for Hold and End, until when or in which state, and why.</summary>
public sealed record RunDecision(RunAction Action, RunState? State = null, DateTimeOffset? Until = null, string? Note = null)
{
    public static readonly RunDecision Step = new(RunAction.Step);

    public static readonly RunDecision Retrigger = new(RunAction.Retrigger);

    public static readonly RunDecision Idle = new(RunAction.Idle);

    public static RunDecision End(RunState state, string note) => new(RunAction.End, state, null, note);

    public static RunDecision Hold(DateTimeOffset until, string note) => new(RunAction.Hold, null, until, note);
}

/// <summary>
/// The escalation engine's decisions about an alert group's run that fell due, as pure functions: the
/// worker reads what they need, asks, and writes what they say. In order: <see cref="OnDue"/> (resolved,
/// an acknowledgement timing out, nothing to do), <see cref="AfterAcknowledgement"/> (re-trigger or stay
/// acknowledged), then <see cref="BeforeStep"/> (flapping hold, nobody left to page, business hours).
/// </summary>
public static class RunDecisions
{
    /// <summary>
    /// A run falls due: its group resolved ends it; an acknowledged run falls due only when its acknowledgement
    /// timed out (<see cref="RunAction.Retrigger"/>, subject to <see cref="AfterAcknowledgement"/>); any other
    /// stopped run has nothing to do; an active run goes on to <see cref="BeforeStep"/> (<see cref="RunAction.Step"/>).
    /// </summary>
    public static RunDecision OnDue(RunState state, bool groupOpen)
    {
        if (!groupOpen)
            return RunDecision.End(RunState.Resolved, "resolved");
        if (state == RunState.Acknowledged)
            return RunDecision.Retrigger;
        return state == RunState.Active ? RunDecision.Step : RunDecision.Idle;
    }

    /// <summary>
    /// An acknowledgement timed out with the group open: its acknowledged alerts trigger again and the run starts
    /// over; when none is acknowledged any more (resolved, or triggered again meanwhile), the run stays acknowledged.
    /// </summary>
    public static RunDecision AfterAcknowledgement(bool anyAcknowledged, string? note) =>
        anyAcknowledged ? RunDecision.Retrigger : RunDecision.End(RunState.Acknowledged, note ?? "acknowledged");

    /// <summary>
    /// Whether an active run's step runs now: held while its group flaps (until it stops flapping); ended when no
    /// triggered alert reaches people (acknowledged when one is acknowledged, else suppressed: every triggered alert
    /// is silenced or in maintenance); a low-urgency run waits for its service's business hours; else it steps.
    /// </summary>
    /// <param name="flappingUntil">Until when the group flaps, if it does.</param>
    /// <param name="paging">Whether the group has a triggered alert that is neither silenced nor in maintenance.</param>
    /// <param name="acknowledged">Whether the group has an acknowledged alert.</param>
    public static RunDecision BeforeStep(DateTimeOffset? flappingUntil, bool paging, bool acknowledged, Urgency urgency, BusinessHours? hours, DateTimeOffset now)
    {
        if (flappingUntil is { } until && until > now)
            return RunDecision.Hold(until, "held while the group is flapping");
        if (!paging)
        {
            return acknowledged
                ? RunDecision.End(RunState.Acknowledged, "acknowledged")
                : RunDecision.End(RunState.Suppressed, "every triggered alert is silenced or in maintenance");
        }
        var at = Instant.FromDateTimeOffset(now);
        if (urgency == Urgency.Low && hours is not null && !hours.IsOpenAt(at))
            return RunDecision.Hold(hours.NextOpening(at).ToDateTimeOffset(), $"low urgency: waits for business hours ({hours.Describe()})");
        return RunDecision.Step;
    }
}
