using Steady.Core.Reports;
using static Steady.Core.Tests.Reports.ReportTime;

namespace Steady.Core.Tests.Reports;

public sealed class CompensationTests
{
    private static readonly CompensationRates Rates = new("EUR", OnCallHour: 2m, OffHourInterruption: 10m, SleepHourInterruption: 25m, WeekendMultiplier: 1.5m, HolidayMultiplier: 2m);

    [Fact]
    public void HoursAndInterruptionsArePaidAtTheirDaysMultipliers()
    {
        // Friday 6 March is a holiday. On call Fri 00:00 → Sun 00:00 Berlin: 24 holiday hours × 2 × 2 = 96, 24 weekend hours × 2 × 1.5 = 72.
        var calendar = new WorkCalendar(Berlin, [Date("2026-03-06")]);
        var hours = HoursByBand.Of(calendar, [new Span(InBerlin("2026-03-06T00:00"), InBerlin("2026-03-08T00:00"))]);
        // A sleep interruption on Saturday 03:00: 25 × 1.5 = 37.5; an off-hour one on the holiday at 10:00: 10 × 2 = 20; a business one on Thursday: nothing.
        var interruptions = Interruptions.Of([InBerlin("2026-03-07T03:00"), InBerlin("2026-03-06T10:00"), InBerlin("2026-03-05T10:00")], calendar);
        var amount = Compensation.Estimate(Rates, hours, interruptions);
        Assert.Equal(168m, amount.ForHours);
        Assert.Equal(57.5m, amount.ForInterruptions);
        Assert.Equal(225.5m, amount.Total);
    }

    [Fact]
    public void NegativeRatesAndBadCurrenciesAreRefusedByField()
    {
        var problems = new CompensationRates("euro", -1m, 0m, 0.123456m, -2m).Problems();
        Assert.Equal(["currency", "onCallHour", "sleepHourInterruption", "weekendMultiplier"], problems.Keys.Order());
        Assert.Contains("must not be negative", problems["onCallHour"][0], StringComparison.Ordinal);
        Assert.Contains("four decimal places", problems["sleepHourInterruption"][0], StringComparison.Ordinal);
        Assert.Empty(Rates.Problems());
    }
}
