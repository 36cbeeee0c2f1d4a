using NodaTime;

namespace Steady.Core.Reports;

/// <summary>One alert as the noise report reads it: its source (service and alert name), its group, and its life.</summary>
public sealed record NoiseAlert(
    Guid ServiceId,
    string Name,
    Guid GroupId,
    Instant FirstSeen,
    Instant? Resolved,
    bool ResolvedBySource,
    Instant? Acknowledged,
    bool AcknowledgedByPerson);

/// <summary>The figures of one source of alerts (a service and an alert name).</summary>
public sealed record NoiseSource(
    Guid ServiceId,
    string Name,
    int Alerts,
    int Groups,
    int Pages,
    double NeverAcknowledgedShare,
    double TransientShare,
    int Transient,
    Duration? LongestTransient,
    int FlappingEpisodes,
    double AcknowledgedByPersonShare,
    Duration MedianOpen,
    int NeverAcknowledged);

/// <summary>
/// Alert noise by source. Definitions:
/// <list type="bullet">
/// <item>alerts: alerts (occurrences) first seen in the period; groups: the distinct alert groups they joined;</item>
/// <item>pages: messages sent to people for the groups this source opened (a group's pages count for the source of its first alert);</item>
/// <item>never acknowledged: alerts nobody (person or tool) acknowledged;</item>
/// <item>transient: resolved by the source (not by a person) within <see cref="TransientWithin"/> (5 minutes) of being first seen;</item>
/// <item>flapping episodes: times the source was marked flapping in the period;</item>
/// <item>acknowledged by a person: alerts whose acknowledgement names a person;</item>
/// <item>median time open: from first seen to resolved (to <c>asOf</c> for those still open), nearest-rank median.</item>
/// </list>
/// Sources are ordered noisiest first: most pages, then most alerts, then name.
/// </summary>
public static class Noise
{
    public static readonly Duration TransientWithin = Duration.FromMinutes(5);

    public static IReadOnlyList<NoiseSource> Sources(
        IEnumerable<NoiseAlert> alerts,
        IReadOnlyDictionary<Guid, int> pagesByGroup,
        IReadOnlyDictionary<(Guid ServiceId, string Name), int> flappingEpisodes,
        Instant asOf)
    {
        var all = alerts.ToList();
        // A group's pages belong to the source of its first alert: the one that opened the group and paged.
        var opener = all.GroupBy(a => a.GroupId).ToDictionary(g => g.Key, g => g.MinBy(a => a.FirstSeen)!);
        var result = new List<NoiseSource>();
        foreach (var source in all.GroupBy(a => (a.ServiceId, a.Name)))
        {
            var list = source.ToList();
            var groups = list.Select(a => a.GroupId).Distinct().ToList();
            var pages = groups.Where(g => opener[g].ServiceId == source.Key.ServiceId && opener[g].Name == source.Key.Name).Sum(g => pagesByGroup.GetValueOrDefault(g));
            var transient = list.Where(IsTransient).ToList();
            var open = list.Select(a => (a.Resolved ?? asOf) - a.FirstSeen).Order().ToList();
            var never = list.Count(a => a.Acknowledged is null);
            result.Add(new NoiseSource(
                source.Key.ServiceId,
                source.Key.Name,
                list.Count,
                groups.Count,
                pages,
                Share(never, list.Count),
                Share(transient.Count, list.Count),
                transient.Count,
                transient.Count == 0 ? null : transient.Max(a => a.Resolved!.Value - a.FirstSeen),
                flappingEpisodes.GetValueOrDefault(source.Key),
                Share(list.Count(a => a.AcknowledgedByPerson), list.Count),
                DurationStats.Percentile(open, 50),
                never));
        }
        foreach (var ((service, name), episodes) in flappingEpisodes.Where(f => !result.Any(r => r.ServiceId == f.Key.ServiceId && r.Name == f.Key.Name)))
            result.Add(new NoiseSource(service, name, 0, 0, 0, 0, 0, 0, null, episodes, 0, Duration.Zero, 0));
        return result.OrderByDescending(s => s.Pages).ThenByDescending(s => s.Alerts).ThenBy(s => s.Name, StringComparer.Ordinal).ToList();
    }

    public static bool IsTransient(NoiseAlert alert) =>
        alert.ResolvedBySource && alert.Resolved is { } resolved && resolved - alert.FirstSeen <= TransientWithin;

    /// <summary>
    /// A plain suggestion for a noisy source, or null when none of the rules fits. The rules, first match wins:
    /// half or more of its alerts transient (and at least 3 alerts): add a <c>for:</c> duration or lower its urgency;
    ///
    /// flapping twice or more: add hysteresis; 80% or more never acknowledged (and at least 3 pages): delete it or lower its urgency.
    /// </summary>
    public static string? Suggest(NoiseSource s, string service)
    {
        var what = $"{s.Name} on {service}";
        if (s.Alerts >= 3 && s.TransientShare >= 0.5)
        {
            var minutes = (int)Math.Ceiling(s.LongestTransient!.Value.TotalMinutes);
            var paged = s.Pages > 0 ? $"paged {s.Pages} time{Plural(s.Pages)}" : $"fired {s.Alerts} time{Plural(s.Alerts)}";
            return $"{what} {paged}; {s.Transient} of {s.Alerts} resolved by themselves within {minutes} min: add a `for:` duration or lower its urgency.";
        }
        if (s.FlappingEpisodes >= 2)
            return $"{what} flapped {s.FlappingEpisodes} times: add hysteresis (a `for:` duration, or a recovery threshold apart from the firing one) so it settles.";
        if (s.Pages >= 3 && s.NeverAcknowledgedShare >= 0.8)
            return $"{what} paged {s.Pages} times and nobody acknowledged {s.NeverAcknowledged} of its {s.Alerts} alerts: if nobody acts on it, delete it or lower its urgency.";
        return null;
    }

    private static double Share(int part, int whole) => whole == 0 ? 0 : (double)part / whole;

    private static string Plural(int n) => n == 1 ? "" : "s";
}
