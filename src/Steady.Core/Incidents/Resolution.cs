namespace Steady.Core.Incidents;

/// <summary>Something that must be healthy before an incident is resolved: a linked alert or a check on one of its services.</summary>
public sealed record HealthSignal(string Name, bool Healthy, DateTimeOffset? HealthySince);

/// <summary>
/// Verified resolution: every linked alert resolved and every check on the incident's services
/// passing, each for at least the required time — or the commander overrides with a reason that is
/// recorded. "Are we truly back to normal?"
/// </summary>
public static class Resolution
{
    public static readonly TimeSpan DefaultHealthyFor = TimeSpan.FromMinutes(10);

    /// <summary>Null when resolving is allowed now; otherwise why not, naming what is still unhealthy.</summary>
    public static Failure? Check(IReadOnlyList<HealthSignal> signals, TimeSpan healthyFor, DateTimeOffset now, bool isCommander, string? overrideReason)
    {
        if (!string.IsNullOrWhiteSpace(overrideReason))
            return isCommander ? null : Failure.Forbidden("Only the incident commander can override the resolution check.");
        var failing = signals.Where(s => !s.Healthy).Select(s => s.Name).ToList();
        if (failing.Count > 0)
            return Failure.Conflict($"Not resolved yet: still unhealthy: {string.Join("; ", failing)}. Wait until it is healthy, or the commander overrides with a reason.");
        var young = signals.Where(s => s.HealthySince is { } since && now - since < healthyFor)
            .Select(s => $"{s.Name} (healthy for {Durations.Describe(now - s.HealthySince!.Value)})").ToList();
        if (young.Count > 0)
            return Failure.Conflict($"Not resolved yet: healthy for less than {Durations.Describe(healthyFor)}: {string.Join("; ", young)}. Try again when it has stayed healthy, or the commander overrides with a reason.");
        return null;
    }

    /// <summary>When resolving will be allowed, if everything stays healthy; null if something is unhealthy.</summary>
    public static DateTimeOffset? AllowedAt(IReadOnlyList<HealthSignal> signals, TimeSpan healthyFor, DateTimeOffset now)
    {
        if (signals.Any(s => !s.Healthy))
            return null;
        var latest = signals.Select(s => s.HealthySince).Where(s => s is not null).Select(s => s!.Value).DefaultIfEmpty(now - healthyFor).Max();
        var at = latest + healthyFor;
        return at < now ? now : at;
    }
}
