using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace Steady.Core.Reports;

/// <summary>A local week (Monday to Sunday in the person's zone) in which their rest was broken, and why.</summary>
public sealed record RestWeek(LocalDate Monday, Duration OnCall, int Interruptions, IReadOnlyList<LocalDate> ConsecutiveNights, bool OverWeeklyLimit)
{
    private static readonly LocalDatePattern Day = LocalDatePattern.Create("ddd d MMM", CultureInfo.InvariantCulture);

    /// <summary>Why, in words: "sleep interrupted on consecutive nights: Mon 2 Nov, Tue 3 Nov"; "on call 56 h with 3 interruptions (more than 48 h)".</summary>
    public IReadOnlyList<string> Reasons
    {
        get
        {
            var reasons = new List<string>();
            if (ConsecutiveNights.Count > 0)
                reasons.Add("sleep interrupted on consecutive nights: " + string.Join(", ", ConsecutiveNights.Select(d => Day.Format(d))));
            if (OverWeeklyLimit)
                reasons.Add($"on call {OnCall.TotalHours:0.#} h with {Interruptions} interruption{(Interruptions == 1 ? "" : "s")} (more than {Rest.WeeklyLimit.TotalHours:0} h)");
            return reasons;
        }
    }
}

/// <summary>
/// Broken rest, checked per local week (Monday 00:00 to Monday 00:00 in the person's zone):
/// <list type="number">
/// <item>sleep interrupted on consecutive nights: an interruption in the sleep band (22:00–08:00) on two
/// nights in a row, a night named by the date it began on (02:00 Tuesday is Monday's night); the week is
/// the one of the later night;</item>
/// <item>more than 48 hours on call in the week (any level) and at least one interruption in it — the
/// EU Working Time Directive's 48-hour week, on the view that on-call time with interruptions is not rest.</item>
/// </list>
/// </summary>
public static class Rest
{
    public static readonly Duration WeeklyLimit = Duration.FromHours(48);

    public static IReadOnlyList<RestWeek> BrokenWeeks(WorkCalendar calendar, IEnumerable<Span> onCall, IReadOnlyList<Interruption> interruptions)
    {
        var hours = new Dictionary<LocalDate, Duration>();
        foreach (var span in Spans.Union(onCall))
        {
            foreach (var piece in calendar.Split(span))
            {
                var week = WorkCalendar.WeekOf(piece.Date);
                hours[week] = hours.GetValueOrDefault(week) + piece.Span.Length;
            }
        }
        var counts = interruptions.GroupBy(i => WorkCalendar.WeekOf(calendar.Local(i.At).Date)).ToDictionary(g => g.Key, g => g.Count());
        var nights = interruptions.Where(i => i.Band == Band.Sleep).Select(i => calendar.NightOf(i.At)!.Value).ToHashSet();
        var secondNights = nights.Where(n => nights.Contains(n.PlusDays(-1))).ToList();
        var weeks = hours.Keys.Concat(counts.Keys).Concat(secondNights.Select(WorkCalendar.WeekOf)).Distinct().Order();
        var result = new List<RestWeek>();
        foreach (var week in weeks)
        {
            var onCallHours = hours.GetValueOrDefault(week);
            var interrupted = counts.GetValueOrDefault(week);
            var consecutive = secondNights.Where(n => WorkCalendar.WeekOf(n) == week)
                .SelectMany(n => new[] { n.PlusDays(-1), n }).Distinct().Order().ToList();
            var over = onCallHours > WeeklyLimit && interrupted > 0;
            if (consecutive.Count > 0 || over)
                result.Add(new RestWeek(week, onCallHours, interrupted, consecutive, over));
        }
        return result;
    }
}
