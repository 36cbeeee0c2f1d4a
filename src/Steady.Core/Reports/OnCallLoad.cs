using NodaTime;

namespace Steady.Core.Reports;

/// <summary>
/// What one person's on-call is made of in a period: the final schedules' intervals they were on call in
/// (at the first level of an escalation, and at a later one), the instants pages reached them, what they
/// acknowledged and how often an escalation went past them, in their own zone with their team's holidays.
/// </summary>
public sealed record LoadInput(
    WorkCalendar Calendar,
    Span Period,
    IReadOnlyList<Span> FirstLevel,
    IReadOnlyList<Span> LaterLevel,
    IReadOnlyList<Instant> Pages,
    int Acknowledgements = 0,
    int EscalatedPast = 0,
    CompensationRates? Rates = null);

/// <summary>A person's load: hours, interruptions, rest, and the estimated compensation when rates are known.</summary>
public sealed record Load(
    Duration OnCall,
    Duration FirstLevel,
    Duration LaterLevel,
    HoursByBand Hours,
    Duration LongestStretch,
    int Pages,
    IReadOnlyList<Interruption> Interruptions,
    int Acknowledgements,
    int EscalatedPast,
    IReadOnlyList<RestWeek> BrokenRest,
    CompensationAmount? Amount)
{
    public Duration Weekend => Hours.OnDay(DayKind.Weekend);

    public Duration Holiday => Hours.OnDay(DayKind.Holiday);

    public int InterruptionsIn(Band band) => Interruptions.Count(i => i.Band == band);
}

public static class OnCallLoad
{
    /// <summary>
    /// The figures, all inside the period: on-call time is the union of the person's intervals (being on two
    /// schedules at once counts once), first-level time wins where both levels overlap, the longest stretch
    /// is the longest unbroken run of on-call time, and interruptions come from the pages in the period.
    /// </summary>
    public static Load Of(LoadInput input)
    {
        var first = Spans.Union(Spans.Clip(input.FirstLevel, input.Period));
        var later = Spans.Except(Spans.Clip(input.LaterLevel, input.Period), first);
        var all = Spans.Union(first.Concat(later));
        var hours = HoursByBand.Of(input.Calendar, all);
        var pages = input.Pages.Where(input.Period.Contains).ToList();
        var interruptions = Reports.Interruptions.Of(pages, input.Calendar);
        var rest = Rest.BrokenWeeks(input.Calendar, all, interruptions);
        var amount = input.Rates is { } rates ? Compensation.Estimate(rates, hours, interruptions) : null;
        return new Load(Spans.Total(all), Spans.Total(first), Spans.Total(later), hours, Spans.Longest(all), pages.Count, interruptions,
            input.Acknowledgements, input.EscalatedPast, rest, amount);
    }

    /// <summary>Interruptions by local weekday (0 = Monday) and hour of the day they began, in the calendar's zone.</summary>
    public static int[][] Heatmap(WorkCalendar calendar, IEnumerable<Interruption> interruptions, int[][]? into = null)
    {
        var cells = into ?? Enumerable.Range(0, 7).Select(_ => new int[24]).ToArray();
        foreach (var i in interruptions)
        {
            var local = calendar.Local(i.At);
            cells[(int)local.DayOfWeek - 1][local.Hour]++;
        }
        return cells;
    }
}
