namespace Steady.Core.Incidents;

public enum CadenceStep
{
    /// <summary>Nothing to do: no cadence, or the update is not due yet.</summary>
    None,

    /// <summary>Overdue: remind the communications lead and the commander.</summary>
    Remind,

    /// <summary>Still overdue after the reminder: run the commander's escalation.</summary>
    Escalate,
}

/// <summary>What the cadence asks for now, and when to look again.</summary>
public sealed record CadenceDecision(CadenceStep Step, DateTimeOffset DueAt, DateTimeOffset? NextCheckAt);

/// <summary>
/// Silence is not allowed: an open incident whose severity has a cadence is due an update by
/// <c>next_update_due_at</c>. When it passes, the communications lead and the commander are
/// reminded; if it stays overdue for <c>escalateAfter</c> more, the commander's escalation runs.
/// Each step happens once per due time (the server records it under a unique key).
/// </summary>
public static class Cadence
{
    public static readonly TimeSpan DefaultEscalateAfter = TimeSpan.FromMinutes(10);

    public static CadenceDecision Decide(DateTimeOffset? dueAt, CadenceStep done, TimeSpan escalateAfter, DateTimeOffset now)
    {
        if (dueAt is not { } due)
            return new CadenceDecision(CadenceStep.None, DateTimeOffset.MaxValue, null);
        if (now < due)
            return new CadenceDecision(CadenceStep.None, due, due);
        if (done < CadenceStep.Remind)
            return new CadenceDecision(CadenceStep.Remind, due, due + escalateAfter);
        if (done < CadenceStep.Escalate)
            return now >= due + escalateAfter
                ? new CadenceDecision(CadenceStep.Escalate, due, null)
                : new CadenceDecision(CadenceStep.None, due, due + escalateAfter);
        return new CadenceDecision(CadenceStep.None, due, null);
    }

    /// <summary>When the first update is due after declaring (or changing severity): the cadence from then.</summary>
    public static DateTimeOffset? FirstDue(SeverityLevel level, DateTimeOffset from) => level.UpdateCadence is { } c ? from + c : null;
}
