namespace Steady.Core.Incidents;

/// <summary>What the people who observed an action's effect judged of it, against the effect expected.</summary>
public enum ActionVerdict
{
    AsExpected,
    NoEffect,
    MadeWorse,
}

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

    /// <summary>as_expected, no_effect, made_worse: the verdict's wire names.</summary>
    public static string ToWire(this ActionVerdict verdict) => verdict switch
    {
        ActionVerdict.AsExpected => "as_expected",
        ActionVerdict.NoEffect => "no_effect",
        ActionVerdict.MadeWorse => "made_worse",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, null),
    };

    /// <summary>The verdict a person gave (wire name; a dash or space for the underscore is fine), null if none or unknown.</summary>
    public static ActionVerdict? ParseVerdict(string? text)
    {
        var wire = text?.Trim().Replace('-', '_').Replace(' ', '_');
        return Enum.GetValues<ActionVerdict>().Cast<ActionVerdict?>().FirstOrDefault(v => string.Equals(v!.Value.ToWire(), wire, StringComparison.OrdinalIgnoreCase));
    }

    public static string VerdictNames => string.Join(", ", Enum.GetValues<ActionVerdict>().Select(v => v.ToWire()));

    /// <summary>
    /// The optional verdict given with an observed effect: absent (null or blank) is no verdict; otherwise it must be
    /// one of the wire names, and it goes with the effect observed (given in the same request).
    /// </summary>
    public static Outcome<ActionVerdict?> CheckVerdict(string? verdict, string? observed)
    {
        if (string.IsNullOrWhiteSpace(verdict))
            return (ActionVerdict?)null;
        if (ParseVerdict(verdict) is not { } parsed)
            return Failure.Invalid("verdict", $"'verdict' must be one of {VerdictNames} (or left out), not '{verdict.Trim()}'.");
        if (string.IsNullOrWhiteSpace(observed))
            return Failure.Invalid("verdict", "A 'verdict' is given with the effect observed: say what the action did ('observedEffect') too.");
        return parsed;
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
