namespace Steady.Server.Features.Shared;

/// <summary>
/// A severity badge (drawn by <c>_Severity.cshtml</c>): an incident's SEV1–SEV3, an alert's
/// critical/error/warning/info, or a snapshot finding's; anything else is drawn as info.
/// </summary>
public sealed record SeverityBadge(string Text, string? TestId = null)
{
    /// <summary>The colour it is drawn in: the <c>sev-…</c> class.</summary>
    public string Level => Text.ToUpperInvariant() switch
    {
        "SEV1" or "CRITICAL" => "critical",
        "SEV2" or "ERROR" => "error",
        "SEV3" or "WARNING" => "warning",
        _ => "info",
    };
}

/// <summary>
/// A status badge (drawn by <c>_Status.cshtml</c>): an alert's or a run's state, drawn in its
/// <c>status-…</c> colour; <paramref name="State"/> null draws it plain.
/// </summary>
public sealed record StatusBadge(string Text, string? State)
{
    public StatusBadge(string state) : this(state, state)
    {
    }
}
