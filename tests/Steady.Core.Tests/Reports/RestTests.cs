using NodaTime;
using Steady.Core.Reports;
using static Steady.Core.Tests.Reports.ReportTime;

namespace Steady.Core.Tests.Reports;

public sealed class RestTests
{
    private static readonly WorkCalendar Calendar = new(Berlin);

    [Fact]
    public void SleepInterruptedOnTwoNightsInARowBreaksTheWeekOfTheSecondNight()
    {
        // Monday 2 March's night (23:00 and 02:00 Tuesday) and Tuesday's night (01:00 Wednesday): consecutive.
        // Sunday 15 March's night and Monday 16's: the later night is in the week of 16 March.
        // Thursday 5 March's night alone: not consecutive with Tuesday's.
        var interruptions = Interruptions.Of(new[] { "2026-03-02T23:00", "2026-03-03T02:00", "2026-03-04T01:00", "2026-03-06T01:00", "2026-03-15T23:00", "2026-03-16T23:30" }.Select(InBerlin), Calendar);
        var weeks = Rest.BrokenWeeks(Calendar, [], interruptions);
        Assert.Equal([Date("2026-03-02"), Date("2026-03-16")], weeks.Select(w => w.Monday));
        Assert.Equal([Date("2026-03-02"), Date("2026-03-03")], weeks[0].ConsecutiveNights);
        Assert.Equal([Date("2026-03-15"), Date("2026-03-16")], weeks[1].ConsecutiveNights);
        Assert.False(weeks[0].OverWeeklyLimit);
        Assert.Equal("sleep interrupted on consecutive nights: Mon 2 Mar, Tue 3 Mar", Assert.Single(weeks[0].Reasons));
    }

    [Fact]
    public void MoreThanFortyEightHoursOnCallBreakRestOnlyWithAnInterruption()
    {
        // 72 h on call in the week of 23 March with one business-hour page; 72 h in the week of 6 April with none.
        var onCall = new[] { new Span(InBerlin("2026-03-23T09:00"), InBerlin("2026-03-26T09:00")), new Span(InBerlin("2026-04-06T09:00"), InBerlin("2026-04-09T09:00")) };
        var interruptions = Interruptions.Of([InBerlin("2026-03-24T14:00")], Calendar);
        var week = Assert.Single(Rest.BrokenWeeks(Calendar, onCall, interruptions));
        Assert.Equal(Date("2026-03-23"), week.Monday);
        Assert.True(week.OverWeeklyLimit);
        Assert.Equal(Duration.FromHours(72), week.OnCall);
        Assert.Equal("on call 72 h with 1 interruption (more than 48 h)", Assert.Single(week.Reasons));
    }

    [Fact]
    public void ExactlyFortyEightHoursIsNotOverTheLimit()
    {
        var onCall = new[] { new Span(InBerlin("2026-03-23T09:00"), InBerlin("2026-03-25T09:00")) };
        Assert.Empty(Rest.BrokenWeeks(Calendar, onCall, Interruptions.Of([InBerlin("2026-03-24T14:00")], Calendar)));
    }
}
