using System.Runtime.InteropServices;
using NodaTime;

namespace Steady.Core.Reports;

/// <summary>One alert as the noise report reads it: its source (service and alert name), its group, and its life (a value: a year holds a million).</summary>
public readonly record struct NoiseAlert(
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
        var tally = new NoiseTally(asOf);
        foreach (var alert in alerts)
            tally.Add(alert);
        return tally.Sources(pagesByGroup, flappingEpisodes);
    }

    public static bool IsTransient(in NoiseAlert alert) =>
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

    internal static double Share(int part, int whole) => whole == 0 ? 0 : (double)part / whole;

    private static string Plural(int n) => n == 1 ? "" : "s";
}

/// <summary>
/// <see cref="Noise.Sources"/> one alert at a time, so a year of them (a million) is never held at once: per source its
/// counts, its groups and its times open; per group the alert that opened it (the first seen; the first added on a tie).
/// </summary>
public sealed class NoiseTally(Instant asOf)
{
    /// <summary>Every source met since the tally was made (kept, with its list of times, for <see cref="Reset"/>).</summary>
    private readonly Dictionary<(Guid ServiceId, string Name), Source> _sources = [];
    /// <summary>The sources added since the last reset, in the order met.</summary>
    private readonly List<Source> _order = [];
    private readonly Dictionary<Guid, Group> _groups = [];
    private Instant _asOf = asOf;

    /// <summary>A tally with room made for <paramref name="groups"/> groups (as many as the last one held): filling a year's half a million from empty allocated its table over and over.</summary>
    public NoiseTally(Instant asOf, int groups)
        : this(asOf) => _groups.EnsureCapacity(groups);

    /// <summary>The groups the last report added.</summary>
    public int GroupCount => _groups.Count;

    /// <summary>
    /// Starts over as of <paramref name="asOf"/>, keeping the room it made: a report computed again on the same tally
    /// allocates nothing large (its half a million groups' table and a million times open were what made the server's
    /// full garbage collections, which stop every thread, frequent while reports ran).
    /// </summary>
    public void Reset(Instant asOf)
    {
        _asOf = asOf;
        foreach (var source in _order)
            source.Reset();
        _order.Clear();
        _groups.Clear();
    }

    public void Add(in NoiseAlert alert)
    {
        var source = SourceOf(alert.ServiceId, alert.Name);
        source.Add(alert, _asOf);
        // One look-up per alert for both what a group needs: the alert that opened it, and the sources it counts for once.
        ref var group = ref CollectionsMarshal.GetValueRefOrAddDefault(_groups, alert.GroupId, out var seen);
        if (!seen)
        {
            group = new Group(alert.FirstSeen, source, source, null);
            source.Groups++;
            return;
        }
        if (alert.FirstSeen < group.FirstSeen)
            (group.FirstSeen, group.Opener) = (alert.FirstSeen, source);
        if (group.First != source && (group.More is null || !group.More.Contains(source)))
        {
            (group.More ??= []).Add(source);
            source.Groups++;
        }
    }

    /// <summary>
    /// Adds what <paramref name="later"/> counted, as if its alerts had been added here after this tally's own: the two halves
    /// of one read, tallied at once on two threads, are one tally again. A group both met keeps the earlier first alert
    /// (this tally's on a tie) and counts once for each source; <paramref name="later"/> is left as it was.
    /// </summary>
    public void Merge(NoiseTally later)
    {
        var mine = new Dictionary<Source, Source>(later._order.Count, ReferenceEqualityComparer.Instance);
        foreach (var theirs in later._order)
        {
            var source = SourceOf(theirs.ServiceId, theirs.Name);
            source.Absorb(theirs);
            mine.Add(theirs, source);
        }
        foreach (var (id, theirs) in later._groups)
        {
            ref var group = ref CollectionsMarshal.GetValueRefOrAddDefault(_groups, id, out var seen);
            if (!seen)
            {
                group = new Group(theirs.FirstSeen, mine[theirs.Opener], mine[theirs.First], theirs.More?.Select(s => mine[s]).ToList());
                continue;
            }
            if (theirs.FirstSeen < group.FirstSeen)
                (group.FirstSeen, group.Opener) = (theirs.FirstSeen, mine[theirs.Opener]);
            // Each source counted this group once in each tally: once is what it is.
            foreach (var source in theirs.More is null ? [mine[theirs.First]] : theirs.More.Select(s => mine[s]).Prepend(mine[theirs.First]))
            {
                if (group.First == source || (group.More?.Contains(source) ?? false))
                    source.Groups--;
                else
                    (group.More ??= []).Add(source);
            }
        }
    }

    /// <summary>The source of <paramref name="serviceId"/> and <paramref name="name"/>, counted from now on (in the order met).</summary>
    private Source SourceOf(Guid serviceId, string name)
    {
        if (!_sources.TryGetValue((serviceId, name), out var source))
        {
            source = new Source(serviceId, name);
            _sources.Add((serviceId, name), source);
        }
        if (!source.Counted)
        {
            source.Counted = true;
            _order.Add(source);
        }
        return source;
    }

    /// <summary>The figures of every source added (and of those only flapping), noisiest first; pages and flapping as <see cref="Noise.Sources"/> takes them.</summary>
    public IReadOnlyList<NoiseSource> Sources(IReadOnlyDictionary<Guid, int> pagesByGroup, IReadOnlyDictionary<(Guid ServiceId, string Name), int> flappingEpisodes)
    {
        // A group's pages belong to the source of its first alert: the one that opened the group and paged.
        var pages = new Dictionary<Source, int>();
        foreach (var (id, count) in pagesByGroup)
        {
            if (_groups.TryGetValue(id, out var group))
                pages[group.Opener] = pages.GetValueOrDefault(group.Opener) + count;
        }
        var result = _order.Select(s => s.Figures(pages.GetValueOrDefault(s), flappingEpisodes.GetValueOrDefault((s.ServiceId, s.Name)))).ToList();
        foreach (var ((service, name), episodes) in flappingEpisodes.Where(f => !_sources.TryGetValue(f.Key, out var s) || !s.Counted))
            result.Add(new NoiseSource(service, name, 0, 0, 0, 0, 0, 0, null, episodes, 0, Duration.Zero, 0));
        return result.OrderByDescending(s => s.Pages).ThenByDescending(s => s.Alerts).ThenBy(s => s.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>A group: its first alert so far (first seen; the first added on a tie), the source of its first added alert and any others.</summary>
    private record struct Group(Instant FirstSeen, Source Opener, Source First, List<Source>? More);

    /// <summary>One source's running counts.</summary>
    private sealed class Source(Guid serviceId, string name)
    {
        private readonly List<Duration> _open = [];
        private int _never;
        private int _transient;
        private Duration? _longestTransient;
        private int _byPerson;

        public Guid ServiceId { get; } = serviceId;

        public string Name { get; } = name;

        /// <summary>The distinct groups its alerts joined.</summary>
        public int Groups { get; set; }

        /// <summary>Added since the tally's last reset.</summary>
        public bool Counted { get; set; }

        public void Reset()
        {
            _open.Clear();
            (_never, _transient, _longestTransient, _byPerson, Groups, Counted) = (0, 0, null, 0, 0, false);
        }

        public void Add(in NoiseAlert alert, Instant asOf)
        {
            _open.Add((alert.Resolved ?? asOf) - alert.FirstSeen);
            if (alert.Acknowledged is null)
                _never++;
            if (alert.AcknowledgedByPerson)
                _byPerson++;
            if (Noise.IsTransient(alert))
            {
                _transient++;
                var open = alert.Resolved!.Value - alert.FirstSeen;
                if (_longestTransient is not { } longest || open > longest)
                    _longestTransient = open;
            }
        }

        /// <summary>Adds <paramref name="other"/>'s counts (the same source, counted by another tally).</summary>
        public void Absorb(Source other)
        {
            _open.AddRange(other._open);
            (_never, _transient, _byPerson, Groups) = (_never + other._never, _transient + other._transient, _byPerson + other._byPerson, Groups + other.Groups);
            if (other._longestTransient is { } theirs && (_longestTransient is not { } longest || theirs > longest))
                _longestTransient = theirs;
        }

        public NoiseSource Figures(int pages, int flappingEpisodes)
        {
            _open.Sort();
            var count = _open.Count;
            return new NoiseSource(ServiceId, Name, count, Groups, pages, Noise.Share(_never, count), Noise.Share(_transient, count), _transient, _longestTransient,
                flappingEpisodes, Noise.Share(_byPerson, count), DurationStats.Percentile(_open, 50), _never);
        }
    }
}
