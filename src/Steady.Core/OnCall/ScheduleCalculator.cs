using NodaTime;
using NodaTime.TimeZones;

namespace Steady.Core.OnCall;

/// <summary>
/// Who is on call: the final schedule of a rota over a window, computed from local-time handoffs.
/// A handoff in an hour that DST skips happens when the clock jumps (02:30 on the spring-forward
/// night becomes 03:30 — the same instant as 02:30 would have been plus the gap); a handoff in a
/// repeated hour happens at its first occurrence.
/// </summary>
public static class ScheduleCalculator
{
    public static readonly ZoneLocalMappingResolver Resolver = Resolvers.LenientResolver;

    /// <summary>The final schedule from <paramref name="from"/> to <paramref name="to"/>: consecutive shifts covering the window, gaps included (UserId null).</summary>
    public static IReadOnlyList<Shift> Final(Rota rota, Instant from, Instant to) => Compose(rota, from, to, byTurn: false);

    /// <summary>
    /// The shifts that overlap the window, each whole — never cut to the window's edges: a turn of a
    /// layer, from the handoff it starts at to the one it ends at (or the part of it that is on top,
    /// where a later layer, an override or a restriction cuts it), or an override from its start to its
    /// end. Consecutive turns of the same person stay apart, each its own shift. Gaps are left out. The
    /// same shift has the same start and end whenever it is asked for, which calendars need.
    /// </summary>
    public static IReadOnlyList<Shift> WholeShifts(Rota rota, Instant from, Instant to)
    {
        if (to <= from)
            return [];
        // A shift overlapping an edge lies within one turn of a layer or one override: looking a longest
        // turn past each edge, and to the ends of the overrides that cross the window, finds where it starts and ends.
        var margin = Reach(rota);
        var (start, end) = (from - margin, to + margin);
        foreach (var o in (rota.Overrides ?? []).Where(o => o.End > from && o.Start < to))
            (start, end) = (Min(start, o.Start), Max(end, o.End));
        return Compose(rota, start, end, byTurn: true).Where(s => !s.IsGap && s.End > from && s.Start < to).ToList();
    }

    /// <summary>
    /// How far past a window's edges <see cref="WholeShifts"/> looks (its longest turn, and a day for DST and
    /// restrictions): the overrides it needs are those within this reach of the window, or crossing it.
    /// </summary>
    public static Duration Reach(Rota rota) =>
        Duration.FromDays(1) + Duration.FromTimeSpan(rota.Layers.Select(l => l.Length.Nominal).DefaultIfEmpty(TimeSpan.Zero).Max());

    /// <summary>
    /// The window cut at every boundary of every source, each piece given to the source on top. Pieces in a
    /// row join up: by the same person from the same source (<paramref name="byTurn"/> false), or only
    /// within the same turn or override (true).
    /// </summary>
    private static List<Shift> Compose(Rota rota, Instant from, Instant to, bool byTurn)
    {
        if (to <= from)
            return [];
        var zone = rota.Zone;
        // Each source's coverage, lowest precedence first: layers in order, then overrides.
        var sources = new List<List<Shift>>();
        for (var i = 0; i < rota.Layers.Count; i++)
            sources.Add(LayerShifts(rota.Layers[i], zone, from, to).ToList());
        sources.Add((rota.Overrides ?? [])
            .Where(o => o.End > from && o.Start < to && o.End > o.Start)
            .OrderBy(o => o.Start)
            .Select(o => new Shift(o.UserId, Max(o.Start, from), Min(o.End, to), "override"))
            .ToList());

        var boundaries = new SortedSet<Instant> { from, to };
        foreach (var shift in sources.SelectMany(s => s))
        {
            boundaries.Add(shift.Start);
            boundaries.Add(shift.End);
        }
        var points = boundaries.ToList();
        var result = new List<Shift>();
        Shift? previousTop = null;
        for (var i = 0; i + 1 < points.Count; i++)
        {
            var (start, end) = (points[i], points[i + 1]);
            Shift? top = null;
            for (var s = sources.Count - 1; s >= 0 && top is null; s--)
                top = sources[s].FirstOrDefault(x => x.Start <= start && x.End >= end);
            var piece = new Shift(top?.UserId, start, end, top?.Source ?? "gap");
            var joins = byTurn
                ? ReferenceEquals(top, previousTop)
                : result.Count > 0 && result[^1].UserId == piece.UserId && result[^1].Source == piece.Source;
            if (result.Count > 0 && joins && result[^1].End == piece.Start)
                result[^1] = result[^1] with { End = end };
            else
                result.Add(piece);
            previousTop = top;
        }
        return result;
    }

    /// <summary>Who is on call at an instant, or null in a gap.</summary>
    public static Guid? OnCallAt(Rota rota, Instant at) => Final(rota, at, at + Duration.FromTicks(1)).FirstOrDefault()?.UserId;

    /// <summary>The intervals of the window in which nobody is on call.</summary>
    public static IReadOnlyList<Shift> Gaps(Rota rota, Instant from, Instant to) => Final(rota, from, to).Where(s => s.IsGap).ToList();

    /// <summary>Handoffs in the window: the instants at which the person on call changes.</summary>
    public static IReadOnlyList<(Instant At, Guid? From, Guid? To)> Handoffs(Rota rota, Instant from, Instant to)
    {
        var final = Final(rota, from, to);
        var handoffs = new List<(Instant, Guid?, Guid?)>();
        for (var i = 1; i < final.Count; i++)
        {
            if (final[i].UserId != final[i - 1].UserId)
                handoffs.Add((final[i].Start, final[i - 1].UserId, final[i].UserId));
        }
        return handoffs;
    }

    /// <summary>
    /// Each time someone comes on call in the window: the start of their continuous time on call and
    /// its end (which may lie past the window). Passing from a layer to an override of the same person
    /// is no arrival; the person on call when the window opens did not arrive in it.
    /// </summary>
    public static IReadOnlyList<Shift> Arrivals(Rota rota, Instant from, Instant to, Duration lookAhead)
    {
        var final = Final(rota, from, to + lookAhead);
        var arrivals = new List<Shift>();
        for (var i = 1; i < final.Count; i++)
        {
            if (final[i].UserId is not { } user || final[i].UserId == final[i - 1].UserId || final[i].Start >= to)
                continue;
            var end = final[i].End;
            for (var j = i + 1; j < final.Count && final[j].UserId == user; j++)
                end = final[j].End;
            arrivals.Add(final[i] with { End = end });
        }
        return arrivals;
    }

    /// <summary>The layer's shifts that overlap the window, cut to its restrictions and to the window.</summary>
    public static IEnumerable<Shift> LayerShifts(Layer layer, DateTimeZone zone, Instant from, Instant to)
    {
        if (layer.Participants.Count == 0)
            yield break;
        // A layer that takes effect later or has ended covers only its own span.
        if (layer.From is { } effective && effective > from)
            from = effective;
        if (layer.Until is { } ends && ends < to)
            to = ends;
        if (to <= from)
            yield break;
        var k = IndexAt(layer, zone, from);
        while (true)
        {
            var start = ShiftStart(layer, zone, k);
            if (start >= to)
                yield break;
            var end = ShiftStart(layer, zone, k + 1);
            if (end > from && end > start)
            {
                var user = layer.Participants[(int)FloorMod(k, layer.Participants.Count)];
                foreach (var (s, e) in Restrict(layer, zone, Max(start, from), Min(end, to)))
                    yield return new Shift(user, s, e, layer.Name);
            }
            k++;
        }
    }

    private static Instant ShiftStart(Layer layer, DateTimeZone zone, long k) =>
        zone.ResolveLocal(layer.Length.Advance(layer.FirstHandoff, k), Resolver).ToInstant();

    /// <summary>The index of the shift containing <paramref name="at"/> (negative before the first handoff).</summary>
    private static long IndexAt(Layer layer, DateTimeZone zone, Instant at)
    {
        var local = at.InZone(zone).LocalDateTime;
        var elapsed = local.ToDateTimeUnspecified() - layer.FirstHandoff.ToDateTimeUnspecified();
        var k = (long)Math.Floor(elapsed / layer.Length.Nominal);
        while (ShiftStart(layer, zone, k) > at)
            k--;
        while (ShiftStart(layer, zone, k + 1) <= at)
            k++;
        return k;
    }

    /// <summary>The parts of [start, end) inside the layer's restriction windows (all of it when it has none).</summary>
    private static IEnumerable<(Instant, Instant)> Restrict(Layer layer, DateTimeZone zone, Instant start, Instant end)
    {
        if (layer.Restrictions is not { Count: > 0 } restrictions)
        {
            yield return (start, end);
            yield break;
        }
        var windows = new List<(Instant S, Instant E)>();
        var firstDay = start.InZone(zone).Date.PlusDays(-restrictions.Max(r => r.DaysSpanned));
        var lastDay = end.InZone(zone).Date;
        for (var day = firstDay; day <= lastDay; day = day.PlusDays(1))
        {
            foreach (var r in restrictions.Where(r => r.AppliesOn(day.DayOfWeek)))
            {
                var ws = zone.ResolveLocal(day + r.Start, Resolver).ToInstant();
                var we = zone.ResolveLocal(r.EndOn(day), Resolver).ToInstant();
                var s = Max(ws, start);
                var e = Min(we, end);
                if (e > s)
                    windows.Add((s, e));
            }
        }
        foreach (var (s, e) in Merge(windows))
            yield return (s, e);
    }

    private static IEnumerable<(Instant, Instant)> Merge(List<(Instant S, Instant E)> windows)
    {
        windows.Sort((a, b) => a.S.CompareTo(b.S));
        (Instant S, Instant E)? current = null;
        foreach (var w in windows)
        {
            if (current is { } c && w.S <= c.E)
            {
                current = (c.S, Max(c.E, w.E));
                continue;
            }
            if (current is { } done)
                yield return done;
            current = w;
        }
        if (current is { } last)
            yield return last;
    }

    private static long FloorMod(long k, int n) => ((k % n) + n) % n;

    private static Instant Max(Instant a, Instant b) => a > b ? a : b;

    private static Instant Min(Instant a, Instant b) => a < b ? a : b;
}
