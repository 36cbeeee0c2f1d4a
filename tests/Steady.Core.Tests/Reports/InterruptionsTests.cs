using NodaTime;
using Steady.Core.Reports;
using static Steady.Core.Tests.Reports.ReportTime;

namespace Steady.Core.Tests.Reports;

public sealed class InterruptionsTests
{
    private static readonly WorkCalendar Calendar = new(Berlin);

    [Fact]
    public void PagesWithinFiveMinutesOfTheFirstAreOneInterruption()
    {
        // 03:00, 03:02, 03:04:59 → one; 03:05 opens the next (the window is 5 minutes from 03:00); 03:09 is in it; 03:10 opens a third.
        var pages = new[] { "2026-03-03T03:00:00", "2026-03-03T03:02:00", "2026-03-03T03:04:59", "2026-03-03T03:05:00", "2026-03-03T03:09:00", "2026-03-03T03:10:00" }
            .Select(t => InBerlin(t[..16]) + Duration.FromSeconds(int.Parse(t[17..], System.Globalization.CultureInfo.InvariantCulture)));
        var interruptions = Interruptions.Of(pages, Calendar);
        Assert.Equal([InBerlin("2026-03-03T03:00"), InBerlin("2026-03-03T03:05"), InBerlin("2026-03-03T03:10")], interruptions.Select(i => i.At));
        Assert.All(interruptions, i => Assert.Equal(Band.Sleep, i.Band));
    }

    [Fact]
    public void AnInterruptionIsClassifiedByTheMomentItBegan()
    {
        // 21:58 opens a window in the off-hours; the 22:01 page belongs to it, so no sleep interruption.
        var interruptions = Interruptions.Of([InBerlin("2026-03-03T22:01"), InBerlin("2026-03-03T21:58")], Calendar);
        var only = Assert.Single(interruptions);
        Assert.Equal(Band.Off, only.Band);
    }
}
