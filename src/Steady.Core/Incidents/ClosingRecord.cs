namespace Steady.Core.Incidents;

/// <summary>
/// The short written record an incident ends with: what happened, what was done, which assumptions
/// failed, what should change, and the cause.
/// </summary>
public sealed record ClosingRecord(string? WhatHappened, string? WhatWasDone, string? FailedAssumptions, string? WhatShouldChange, string? Cause);

/// <summary>Whether an incident may be closed. It ends when it is resolved and written down — not when the symptom disappears.</summary>
public static class Closing
{
    /// <param name="postmortemWritten">
    /// Whether the incident has a postmortem with an owner and a due date (it need not be finished: its
    /// follow-up goes on after the close). A severity that requires one (SEV1/SEV2 by default) cannot be
    /// closed without it while <paramref name="enforcePostmortem"/> is on (the default).
    /// </param>
    public static Failure? Check(IncidentStatus status, ClosingRecord? record, SeverityLevel level, bool postmortemWritten, bool enforcePostmortem)
    {
        if (status == IncidentStatus.Closed)
            return Failure.Conflict("The incident is already closed.");
        if (status != IncidentStatus.Resolved)
            return Failure.Conflict($"Only a resolved incident can be closed; this one is {Lifecycle.Name(status)}. Resolve it first.");
        var validation = new Validation();
        Required(validation, "whatHappened", record?.WhatHappened, "what happened");
        Required(validation, "whatWasDone", record?.WhatWasDone, "what was done");
        Required(validation, "failedAssumptions", record?.FailedAssumptions, "which assumptions failed (write 'none' if none did)");
        Required(validation, "whatShouldChange", record?.WhatShouldChange, "what should change");
        Required(validation, "cause", record?.Cause, "the cause, understood well enough to prevent immediate recurrence");
        if (validation.ToFailure() is { } invalid)
            return invalid with { Detail = "Closing needs the written record: " + invalid.Detail };
        if (enforcePostmortem && level.RequiresPostmortem && !postmortemWritten)
            return Failure.Conflict($"A {level.Name} incident needs a postmortem with an owner and a due date before it is closed (it need not be finished): draft it and name its owner.");
        return null;
    }

    private static void Required(Validation validation, string field, string? value, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
            validation.Add(field, $"'{field}' is required: {what}.");
        else
            validation.Text(field, value, 8000);
    }
}
