using NodaTime;
using NodaTime.Text;
using Steady.Core.OnCall;
using Steady.Core.Reports;
using static Steady.Core.Tests.Reports.ReportTime;

namespace Steady.Core.Tests.Reports;

public sealed class OnCallLoadTests
{
    private static readonly Guid Ana = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid Ben = Guid.Parse("00000000-0000-0000-0000-00000000000b");

    /// <summary>
    /// Weekly Berlin rotation handing over Mondays 09:00, Ana then Ben from 16 March; Ana covers Ben's Wednesday
    /// evening and night (25 March 18:00 → 26 March 08:00) by an override. Ben's week, 23 → 30 March 09:00, spans
    /// the spring-forward night (29 March), so it lasts 167 hours.
    /// </summary>
    private static readonly Rota Rota = new("Europe/Berlin",
        [new Layer("weekly", [Ana, Ben], LocalDateTimePattern.ExtendedIso.Parse("2026-03-16T09:00:00").Value, ShiftLength.Weekly)],
        [new ScheduleOverride(Ana, InBerlin("2026-03-25T18:00"), InBerlin("2026-03-26T08:00"))]);

    private static readonly Span Week = new(InBerlin("2026-03-23T09:00"), InBerlin("2026-03-30T09:00"));

    private static IReadOnlyList<Span> Of(Guid user) =>
        ScheduleCalculator.Final(Rota, Week.Start, Week.End).Where(s => s.UserId == user).Select(s => new Span(s.Start, s.End)).ToList();

    [Fact]
    public void HoursComeFromTheFinalScheduleWithItsOverrideAcrossTheDstChange()
    {
        var calendar = new WorkCalendar(Berlin);
        // 167 h minus Ana's 14 h override = 153 h; the longest run is Thursday 08:00 → Monday 09:00 = 96 h (97 on the clock, less the skipped hour).
        var ben = OnCallLoad.Of(new LoadInput(calendar, Week, Of(Ben), [], []));
        Assert.Equal(Duration.FromHours(153), ben.OnCall);
        Assert.Equal(Duration.FromHours(96), ben.LongestStretch);
        // Ana's override: 18:00–22:00 off-hours, 22:00–08:00 sleep.
        var ana = OnCallLoad.Of(new LoadInput(calendar, Week, Of(Ana), [], []));
        Assert.Equal(Duration.FromHours(14), ana.OnCall);
        Assert.Equal(Duration.FromHours(4), ana.Hours.In(Band.Off));
        Assert.Equal(Duration.FromHours(10), ana.Hours.In(Band.Sleep));
        Assert.Equal(Duration.Zero, ana.Hours.In(Band.Business));
    }

    [Fact]
    public void PagesAtTheEdgesOfTheBandsLandInTheRightOnes()
    {
        var calendar = new WorkCalendar(Berlin);
        // Tue 07:59 sleep; Wed 08:00 business; Sat 21:59 off (weekend); Sun 22:00 sleep; Monday 30 March 10:00 is after the period.
        var pages = new[] { "2026-03-24T07:59", "2026-03-25T08:00", "2026-03-28T21:59", "2026-03-29T22:00", "2026-03-30T10:00" }.Select(InBerlin).ToList();
        var ben = OnCallLoad.Of(new LoadInput(calendar, Week, Of(Ben), [], pages, Acknowledgements: 3, EscalatedPast: 1));
        Assert.Equal(4, ben.Pages);
        Assert.Equal(4, ben.Interruptions.Count);
        Assert.Equal(1, ben.InterruptionsIn(Band.Business));
        Assert.Equal(1, ben.InterruptionsIn(Band.Off));
        Assert.Equal(2, ben.InterruptionsIn(Band.Sleep));
        Assert.Equal(3, ben.Acknowledgements);
        Assert.Equal(1, ben.EscalatedPast);
        var heatmap = OnCallLoad.Heatmap(calendar, ben.Interruptions);
        Assert.Equal(1, heatmap[1][7]);   // Tuesday 07:00–07:59
        Assert.Equal(1, heatmap[6][22]);  // Sunday 22:00–22:59
        Assert.Equal(4, heatmap.Sum(day => day.Sum()));
    }

    [Fact]
    public void TimeAtBothLevelsCountsOnceAsFirstLevel()
    {
        var calendar = new WorkCalendar(Berlin);
        var first = new[] { new Span(InBerlin("2026-03-02T09:00"), InBerlin("2026-03-03T09:00")) };
        var later = new[] { new Span(InBerlin("2026-03-02T21:00"), InBerlin("2026-03-04T09:00")) };
        var load = OnCallLoad.Of(new LoadInput(calendar, new Span(InBerlin("2026-03-01T00:00"), InBerlin("2026-03-08T00:00")), first, later, []));
        Assert.Equal(Duration.FromHours(24), load.FirstLevel);
        Assert.Equal(Duration.FromHours(24), load.LaterLevel);
        Assert.Equal(Duration.FromHours(48), load.OnCall);
        Assert.Equal(Duration.FromHours(48), load.LongestStretch);
    }
}
