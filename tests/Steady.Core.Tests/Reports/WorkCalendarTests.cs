using NodaTime;
using Steady.Core.Reports;
using static Steady.Core.Tests.Reports.ReportTime;

namespace Steady.Core.Tests.Reports;

public sealed class WorkCalendarTests
{
    // Monday 2 March 2026 and Saturday 7 March 2026; Friday 6 March is a holiday of the team.
    private static readonly WorkCalendar Calendar = new(Berlin, [Date("2026-03-06")]);

    [Theory]
    [InlineData("2026-03-02T07:59", Band.Sleep)]
    [InlineData("2026-03-02T08:00", Band.Business)]
    [InlineData("2026-03-02T17:59", Band.Business)]
    [InlineData("2026-03-02T18:00", Band.Off)]
    [InlineData("2026-03-02T21:59", Band.Off)]
    [InlineData("2026-03-02T22:00", Band.Sleep)]
    [InlineData("2026-03-07T07:59", Band.Sleep)]
    [InlineData("2026-03-07T08:00", Band.Off)]
    [InlineData("2026-03-07T21:59", Band.Off)]
    [InlineData("2026-03-07T22:00", Band.Sleep)]
    [InlineData("2026-03-06T10:00", Band.Off)]
    public void EachLocalTimeFallsInItsBandOnWorkdaysWeekendsAndHolidays(string local, Band band) =>
        Assert.Equal(band, Calendar.BandAt(InBerlin(local)));

    [Fact]
    public void AHolidayOnAWeekdayCountsAsAHolidayAndSaturdayAsAWeekend()
    {
        Assert.Equal(DayKind.Holiday, Calendar.DayAt(InBerlin("2026-03-06T10:00")));
        Assert.Equal(DayKind.Weekend, Calendar.DayAt(InBerlin("2026-03-07T10:00")));
        Assert.Equal(DayKind.Workday, Calendar.DayAt(InBerlin("2026-03-05T10:00")));
    }

    [Fact]
    public void TheSpringForwardNightHasNineSleepHoursAndTheFallBackNightEleven()
    {
        // Berlin moves from 02:00 CET to 03:00 CEST on Sunday 29 March 2026 and back on Sunday 25 October.
        var spring = HoursByBand.Of(Calendar, [new Span(InBerlin("2026-03-28T22:00"), InBerlin("2026-03-29T08:00"))]);
        Assert.Equal(Duration.FromHours(9), spring.In(Band.Sleep));
        Assert.Equal(Duration.FromHours(9), spring.OnDay(DayKind.Weekend));
        var fall = HoursByBand.Of(Calendar, [new Span(InBerlin("2026-10-24T22:00"), InBerlin("2026-10-25T08:00"))]);
        Assert.Equal(Duration.FromHours(11), fall.In(Band.Sleep));
    }

    [Fact]
    public void AWeekOnCallSplitsIntoItsBands()
    {
        // Monday 2 March 09:00 to Monday 9 March 09:00, Berlin, the Friday a holiday:
        // business: Mon 09–18 9 h + Tue–Thu 3 × 10 h + Mon 9 March 08–09 1 h = 40 h;
        // off: Mon–Thu 4 × 4 h (18–22) + Fri (holiday), Sat, Sun 3 × 14 h (08–22) = 58 h;
        // sleep: Mon 22–24 2 h + Tue–Sun 6 × 10 h + Mon 9 March 00–08 8 h = 70 h; 40 + 58 + 70 = 168.
        var hours = HoursByBand.Of(Calendar, [new Span(InBerlin("2026-03-02T09:00"), InBerlin("2026-03-09T09:00"))]);
        Assert.Equal(Duration.FromHours(40), hours.In(Band.Business));
        Assert.Equal(Duration.FromHours(58), hours.In(Band.Off));
        Assert.Equal(Duration.FromHours(70), hours.In(Band.Sleep));
        Assert.Equal(Duration.FromHours(48), hours.OnDay(DayKind.Weekend));
        Assert.Equal(Duration.FromHours(24), hours.OnDay(DayKind.Holiday));
    }

    [Fact]
    public void ANightIsNamedByTheDateItBeganOn()
    {
        Assert.Equal(Date("2026-03-02"), Calendar.NightOf(InBerlin("2026-03-03T02:00")));
        Assert.Equal(Date("2026-03-03"), Calendar.NightOf(InBerlin("2026-03-03T22:30")));
        Assert.Null(Calendar.NightOf(InBerlin("2026-03-03T12:00")));
    }
}
