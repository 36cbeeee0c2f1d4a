using NodaTime;

namespace Steady.Core.Reports;

/// <summary>An incident's moments: started (its first alert, or the declaration when it came first), declared, acknowledged, mitigated, resolved.</summary>
public sealed record IncidentTimes(
    Guid Id,
    Guid TeamId,
    string Severity,
    IReadOnlyList<Guid> Services,
    Instant Started,
    Instant Declared,
    Instant? Acknowledged,
    Instant? Mitigated,
    Instant? Resolved);

/// <summary>An alert group that paged: its service and team, its severity, when it opened, was first acknowledged, and resolved.</summary>
public sealed record GroupTimes(Guid Id, Guid TeamId, Guid ServiceId, string Severity, Instant Opened, Instant? FirstAcknowledged, Instant? Resolved);

/// <summary>Incidents' count and times to acknowledge (MTTA), to mitigate and to resolve (MTTR).</summary>
public sealed record IncidentFigures(int Count, DurationStats ToAcknowledge, DurationStats ToMitigate, DurationStats ToResolve);

/// <summary>Paging alert groups' count and times to acknowledge and to resolve.</summary>
public sealed record GroupFigures(int Count, DurationStats ToAcknowledge, DurationStats ToResolve);

/// <summary>One local week (from Monday 00:00) of a trend.</summary>
public sealed record WeekFigures(LocalDate Monday, IncidentFigures Incidents, GroupFigures Groups);

/// <summary>
/// Response times, as PagerDuty defines them, each over the incidents or groups that have the later moment:
/// <list type="bullet">
/// <item>incident time to acknowledge: started → acknowledged (declaring it acknowledges it, when nobody did before);</item>
/// <item>incident time to mitigate: declared → mitigated (resolving without a mitigated step mitigates it then);</item>
/// <item>incident time to resolve: started → resolved;</item>
/// <item>alert group time to acknowledge: opened → its first acknowledgement (by anyone, of any of its alerts);</item>
/// <item>alert group time to resolve: opened → resolved (its last open alert resolved).</item>
/// </list>
/// A negative duration (clocks of different sources) counts as zero.
/// </summary>
public static class Response
{
    public static IncidentFigures Incidents(IEnumerable<IncidentTimes> incidents)
    {
        var list = incidents.ToList();
        return new IncidentFigures(
            list.Count,
            DurationStats.Of(list.Where(i => i.Acknowledged is not null).Select(i => Between(i.Started, i.Acknowledged!.Value))),
            DurationStats.Of(list.Where(i => i.Mitigated is not null).Select(i => Between(i.Declared, i.Mitigated!.Value))),
            DurationStats.Of(list.Where(i => i.Resolved is not null).Select(i => Between(i.Started, i.Resolved!.Value))));
    }

    public static GroupFigures Groups(IEnumerable<GroupTimes> groups)
    {
        var list = groups.ToList();
        return new GroupFigures(
            list.Count,
            DurationStats.Of(list.Where(g => g.FirstAcknowledged is not null).Select(g => Between(g.Opened, g.FirstAcknowledged!.Value))),
            DurationStats.Of(list.Where(g => g.Resolved is not null).Select(g => Between(g.Opened, g.Resolved!.Value))));
    }

    /// <summary>The figures of each local week that overlaps the period, in <paramref name="zone"/>: incidents by when they were declared, groups by when they opened.</summary>
    public static IReadOnlyList<WeekFigures> Weeks(IReadOnlyList<IncidentTimes> incidents, IReadOnlyList<GroupTimes> groups, Span period, DateTimeZone zone)
    {
        var calendar = new WorkCalendar(zone);
        LocalDate WeekOf(Instant at) => WorkCalendar.WeekOf(calendar.Local(at).Date);
        var byIncident = incidents.ToLookup(i => WeekOf(i.Declared));
        var byGroup = groups.ToLookup(g => WeekOf(g.Opened));
        var result = new List<WeekFigures>();
        var last = WeekOf(period.End - Duration.Epsilon);
        for (var week = WeekOf(period.Start); week <= last; week = week.PlusWeeks(1))
            result.Add(new WeekFigures(week, Incidents(byIncident[week]), Groups(byGroup[week])));
        return result;
    }

    private static Duration Between(Instant from, Instant to) => to > from ? to - from : Duration.Zero;
}
