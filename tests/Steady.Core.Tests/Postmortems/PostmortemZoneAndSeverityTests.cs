using NodaTime;
using Steady.Core.Postmortems;

namespace Steady.Core.Tests.Postmortems;

/// <summary>Due dates counted on the organisation's calendar, and the time an incident spent at each severity.</summary>
public sealed class PostmortemZoneAndSeverityTests
{
    private static readonly DateTimeZone Auckland = DateTimeZoneProviders.Tzdb["Pacific/Auckland"];

    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];

    [Fact]
    public void BusinessDaysAreTheZonesWeekdaysNotUtcs()
    {
        // Friday 27 Nov 2026, 20:00 UTC is already Saturday 09:00 in Auckland (UTC+13): counting starts on Monday there.
        var resolved = new DateTimeOffset(2026, 11, 27, 20, 0, 0, TimeSpan.Zero);
        var deadline = new PostmortemDeadline(5, BusinessDays: true);
        // In UTC it is a Friday: Mon 30, Tue, Wed, Thu, Fri 4 Dec at 20:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 20, 0, 0, TimeSpan.Zero), PostmortemDue.For(deadline, resolved));
        // In Auckland it is a Saturday: Mon 30, … Fri 4 Dec at 09:00 local, which is Thursday 3 Dec 20:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 20, 0, 0, TimeSpan.Zero), PostmortemDue.For(deadline, resolved, Auckland));
    }

    [Fact]
    public void CalendarDaysKeepTheLocalTimeOfDayAcrossADstChange()
    {
        // Friday 23 Oct 2026, 09:00 in Berlin (07:00 UTC, summer time); the clocks go back on Sunday 25 Oct.
        var resolved = new DateTimeOffset(2026, 10, 23, 7, 0, 0, TimeSpan.Zero);
        var due = PostmortemDue.For(new PostmortemDeadline(3, BusinessDays: false), resolved, Berlin);
        // Monday 26 Oct, 09:00 in Berlin, now UTC+1: 08:00 UTC (73 hours later, not 72).
        Assert.Equal(new DateTimeOffset(2026, 10, 26, 8, 0, 0, TimeSpan.Zero), due);
        Assert.Equal(resolved.AddDays(3), PostmortemDue.For(new PostmortemDeadline(3, BusinessDays: false), resolved));
    }

    [Fact]
    public void ATimeOfDayTheZoneSkipsMovesForwardByTheGap()
    {
        // Friday 27 Mar 2026, 02:30 in Berlin (01:30 UTC); two days later is Sunday 29 Mar 02:30, which Berlin skips (02:00 → 03:00).
        var resolved = new DateTimeOffset(2026, 3, 27, 1, 30, 0, TimeSpan.Zero);
        var due = PostmortemDue.For(new PostmortemDeadline(2, BusinessDays: false), resolved, Berlin);
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 30, 0, TimeSpan.Zero), due); // 03:30 summer time
    }

    private static readonly DateTimeOffset Declared = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AnIncidentThatNeverChangedSeverityWasAtItForAllOfIt()
    {
        var periods = SeverityTimes.From("SEV2", Declared, Declared.AddSeconds(4321), []);
        Assert.Equal([new SeverityPeriod("SEV2", TimeSpan.FromSeconds(4321))], periods);
    }

    [Fact]
    public void TimeAtEachSeverityAddsItsStretchesInTheOrderFirstHeldAndClipsAtTheEnd()
    {
        var changes = new[]
        {
            new SeverityChange(Declared.AddSeconds(600), "SEV2", "SEV1"),
            new SeverityChange(Declared.AddSeconds(2400), "SEV1", "SEV2"),
            new SeverityChange(Declared.AddSeconds(3000), "SEV2", "SEV3"),
            new SeverityChange(Declared.AddSeconds(9000), "SEV3", "SEV1"), // after the resolution: clipped away
        };
        var periods = SeverityTimes.From("SEV1", Declared, Declared.AddSeconds(3600), changes);
        Assert.Equal(
            [
                new SeverityPeriod("SEV2", TimeSpan.FromSeconds(600 + 600)),
                new SeverityPeriod("SEV1", TimeSpan.FromSeconds(1800)),
                new SeverityPeriod("SEV3", TimeSpan.FromSeconds(600)),
            ],
            periods);
    }
}
