namespace Steady.Core.Incidents;

/// <summary>A deliberate action as proposed: why, what it should do, who decided.</summary>
public sealed record ActionDraft(string? Intent, string? ExpectedEffect, string? DecidedBy, DateTimeOffset? DoneAt, string? ObservedEffect);

/// <summary>The record of what was tried and what it did: intent → decision → observed effect.</summary>
public static class DeliberateActions
{
    public static Failure? Check(ActionDraft draft, DateTimeOffset now)
    {
        var validation = new Validation();
        if (string.IsNullOrWhiteSpace(draft.Intent))
            validation.Add("intent", "'intent' is required: what is the action for?");
        if (string.IsNullOrWhiteSpace(draft.ExpectedEffect))
            validation.Add("expectedEffect", "'expectedEffect' is required: what should it change? Without it nobody can tell whether it worked.");
        validation.Text("intent", draft.Intent, 2000).Text("expectedEffect", draft.ExpectedEffect, 2000)
            .Text("observedEffect", draft.ObservedEffect, 2000).Text("decidedBy", draft.DecidedBy, 200);
        if (draft.DoneAt is { } done && done > now + TimeSpan.FromMinutes(1))
            validation.Add("doneAt", "'doneAt' cannot be in the future: record an action when it has been done.");
        return validation.ToFailure();
    }

    /// <summary>Recording the observed effect afterwards: it must say something, and the action must have been done.</summary>
    public static Failure? CheckObservation(string? observed, DateTimeOffset? doneAt, DateTimeOffset? newDoneAt)
    {
        if (string.IsNullOrWhiteSpace(observed) && newDoneAt is null)
            return Failure.Invalid("observedEffect", "Say what the action did ('observedEffect'), or when it was done ('doneAt').");
        if (observed is { Length: > 2000 })
            return Failure.Invalid("observedEffect", "'observedEffect' must be at most 2000 characters.");
        if (!string.IsNullOrWhiteSpace(observed) && doneAt is null && newDoneAt is null)
            return Failure.Invalid("doneAt", "An effect can only be observed once the action was done: give 'doneAt'.");
        return null;
    }
}
