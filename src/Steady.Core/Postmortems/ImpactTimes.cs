namespace Steady.Core.Postmortems;

/// <summary>One moment of an incident's impact and how long after the start it came.</summary>
public sealed record ImpactMoment(string Name, DateTimeOffset? At, TimeSpan? SinceStart);

/// <summary>
/// The impact section's measured part: when the incident was declared, its first alert fired, it was
/// acknowledged, mitigated and resolved, each as a duration from the start (the first alert, or the
/// declaration when it came first or no alert is linked).
/// </summary>
public static class ImpactTimes
{
    public static IReadOnlyList<ImpactMoment> From(DateTimeOffset declared, DateTimeOffset? firstAlert, DateTimeOffset? acknowledged, DateTimeOffset? mitigated, DateTimeOffset? resolved)
    {
        var start = firstAlert is { } fired && fired < declared ? fired : declared;
        ImpactMoment Moment(string name, DateTimeOffset? at) => new(name, at, at is { } a ? a - start : null);
        return
        [
            Moment("first-alert", firstAlert),
            Moment("declared", declared),
            Moment("acknowledged", acknowledged),
            Moment("mitigated", mitigated),
            Moment("resolved", resolved),
        ];
    }
}
