using NodaTime;
using Steady.Core.StatusPage;

namespace Steady.Core.Tests.StatusPage;

public sealed class UptimeTests
{
    private static readonly Instant Created = Instant.FromUtc(2026, 3, 1, 0, 0);

    private static ComponentStateInterval Interval(ComponentState state, Instant from, Instant? to) =>
        new() { State = state, StartedAt = from.ToDateTimeOffset(), EndedAt = to?.ToDateTimeOffset() };

    [Fact]
    public void MajorOutageCountsFullyPartialAtThirtyPercentDegradedAndMaintenanceNotAtAll()
    {
        var day = Instant.FromUtc(2026, 3, 10, 0, 0);
        var now = Instant.FromUtc(2026, 3, 11, 0, 0);
        var history = new[]
        {
            Interval(ComponentState.Operational, Created, day + Duration.FromHours(1)),
            Interval(ComponentState.MajorOutage, day + Duration.FromHours(1), day + Duration.FromHours(2)),
            Interval(ComponentState.PartialOutage, day + Duration.FromHours(2), day + Duration.FromHours(4)),
            Interval(ComponentState.DegradedPerformance, day + Duration.FromHours(4), day + Duration.FromHours(6)),
            Interval(ComponentState.UnderMaintenance, day + Duration.FromHours(6), day + Duration.FromHours(8)),
            Interval(ComponentState.Operational, day + Duration.FromHours(8), null),
        };
        var bars = Uptime.Compute(history, DateTimeZone.Utc, now, 90);
        Assert.Equal(90, bars.Days.Count);
        var tenth = bars.Days.Single(d => d.Date == new LocalDate(2026, 3, 10));
        Assert.Equal(60 + 0.3 * 120, tenth.MinutesDown, 6);
        Assert.Equal(ComponentState.MajorOutage, tenth.Worst);
        Assert.Equal(1440, tenth.MinutesCounted, 6);
        // Known: 1 March to 10 March, ten whole days, and today (11 March), not a minute old.
        Assert.Equal(11, bars.Days.Count(d => d.Known));
        Assert.Equal(0, bars.Days[^1].MinutesCounted);
        Assert.Equal(Math.Round(100 * (1 - (96.0 / 14400)), 2), bars.Percent);
        Assert.Equal(new LocalDate(2026, 3, 11), bars.Days[^1].Date);
    }

    [Fact]
    public void DaysFollowThePageZoneAcrossDaylightSavingAndTodayEndsNow()
    {
        var zone = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
        var now = Instant.FromUtc(2026, 3, 29, 10, 0); // 12:00 CEST on the day clocks went forward
        var history = new[] { Interval(ComponentState.Operational, Instant.FromUtc(2026, 3, 20, 0, 0), null) };
        var bars = Uptime.Compute(history, zone, now, 3);
        Assert.Equal([new LocalDate(2026, 3, 27), new LocalDate(2026, 3, 28), new LocalDate(2026, 3, 29)], bars.Days.Select(d => d.Date).ToArray());
        Assert.Equal(1440, bars.Days[1].MinutesCounted, 6);
        Assert.Equal(11 * 60, bars.Days[2].MinutesCounted, 6); // 00:00 CET to 12:00 CEST is eleven hours
        Assert.Equal(100, bars.Percent);
    }

    [Fact]
    public void AnOpenOutageCountsUpToNowAndDaysBeforeTheComponentAreUnknown()
    {
        var now = Instant.FromUtc(2026, 3, 2, 12, 0);
        var history = new[]
        {
            Interval(ComponentState.Operational, Instant.FromUtc(2026, 3, 2, 0, 0), Instant.FromUtc(2026, 3, 2, 6, 0)),
            Interval(ComponentState.MajorOutage, Instant.FromUtc(2026, 3, 2, 6, 0), null),
        };
        var bars = Uptime.Compute(history, DateTimeZone.Utc, now, 90);
        Assert.Equal(89, bars.Days.Count(d => !d.Known));
        Assert.Equal(360, bars.Days[^1].MinutesDown, 6);
        Assert.Equal(50, bars.Percent);
    }

    [Theory]
    [InlineData(new[] { ComponentState.DegradedPerformance }, "minor")]
    [InlineData(new[] { ComponentState.DegradedPerformance, ComponentState.PartialOutage }, "major")]
    [InlineData(new[] { ComponentState.MajorOutage, ComponentState.Operational }, "critical")]
    [InlineData(new ComponentState[0], "none")]
    public void AnIncidentsImpactIsTheWorstStateItsUpdatesSet(ComponentState[] states, string impact) =>
        Assert.Equal(impact, Uptime.Impact(states));
}
