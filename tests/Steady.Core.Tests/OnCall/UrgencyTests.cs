using NodaTime;
using Steady.Core.Alerts;
using Steady.Core.OnCall;

namespace Steady.Core.Tests.OnCall;

public sealed class UrgencyTests
{
    private static readonly BusinessHours Berlin = new("Europe/Berlin",
        [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday],
        new LocalTime(9, 0), new LocalTime(17, 0));

    private static Instant Utc(int month, int day, int hour, int minute = 0) => Instant.FromUtc(2026, month, day, hour, minute);

    [Theory]
    [InlineData(Severity.Critical, "severity", Urgency.High)]
    [InlineData(Severity.Error, "severity", Urgency.High)]
    [InlineData(Severity.Warning, "severity", Urgency.Low)]
    [InlineData(Severity.Info, "severity", Urgency.Low)]
    [InlineData(Severity.Info, "high", Urgency.High)]
    [InlineData(Severity.Critical, "low", Urgency.Low)]
    public void SeverityMapsToUrgencyUnlessTheServiceSaysOtherwise(Severity severity, string setting, Urgency expected) =>
        Assert.Equal(expected, Urgencies.For(severity, setting));

    [Fact]
    public void BusinessHoursAreLocalTimesOnWeekdays()
    {
        Assert.True(Berlin.IsOpenAt(Utc(11, 24, 8)));    // Tuesday 09:00 in Berlin (UTC+1)
        Assert.False(Berlin.IsOpenAt(Utc(11, 24, 7, 59)));
        Assert.False(Berlin.IsOpenAt(Utc(11, 24, 16)));  // 17:00: closed
        Assert.False(Berlin.IsOpenAt(Utc(11, 28, 10)));  // Saturday
    }

    [Fact]
    public void AfterHoursTheNextOpeningIsTheNextWorkingMorning()
    {
        Assert.Equal(Utc(11, 25, 8), Berlin.NextOpening(Utc(11, 24, 17, 30)));  // Tuesday evening → Wednesday 09:00
        Assert.Equal(Utc(11, 30, 8), Berlin.NextOpening(Utc(11, 27, 20)));     // Friday night → Monday 09:00
        Assert.Equal(Utc(11, 24, 10), Berlin.NextOpening(Utc(11, 24, 10)));     // open now
    }

    [Fact]
    public void BusinessHoursFollowTheZoneAcrossDaylightSavingTime()
    {
        // 2026-10-26 is the Monday after Berlin falls back to UTC+1; the Friday before was UTC+2.
        Assert.Equal(Utc(10, 23, 7), Berlin.NextOpening(Utc(10, 22, 20)));
        Assert.Equal(Utc(10, 26, 8), Berlin.NextOpening(Utc(10, 23, 20)));
    }

    [Fact]
    public void AWindowPastMidnightBelongsToTheDayItStarts()
    {
        var nights = new BusinessHours("Etc/UTC", [IsoDayOfWeek.Monday], new LocalTime(22, 0), new LocalTime(6, 0));
        Assert.True(nights.IsOpenAt(Utc(11, 24, 3)));   // Tuesday 03:00, in Monday's night
        Assert.False(nights.IsOpenAt(Utc(11, 24, 23))); // Tuesday 23:00: Tuesday is not listed
        Assert.Equal("Mon 22:00–06:00 Etc/UTC", nights.Describe());
        Assert.Equal("Mon–Fri 09:00–17:00 Europe/Berlin", Berlin.Describe());
    }

    [Fact]
    public void WrittenBusinessHoursNameWhatIsWrong()
    {
        var errors = new List<string>();
        Assert.Null(BusinessHours.Parse(new BusinessHoursDefinition("Mars/Olympus", ["funday"], "9am", "17:00"), errors));
        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.Contains("Mars/Olympus", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("funday", StringComparison.Ordinal));
        var weekdays = BusinessHours.Parse(new BusinessHoursDefinition("Europe/Berlin", null, "09:00", "17:00"), errors = []);
        Assert.Equal(5, weekdays!.Days.Count);
    }

    [Fact]
    public void RetriesBackOffExponentiallyUpToACapAndHonourRetryAfter()
    {
        var initial = TimeSpan.FromSeconds(10);
        var cap = TimeSpan.FromMinutes(10);
        Assert.Equal(TimeSpan.FromSeconds(10), Backoff.After(1, initial, cap));
        Assert.Equal(TimeSpan.FromSeconds(20), Backoff.After(2, initial, cap));
        Assert.Equal(TimeSpan.FromSeconds(80), Backoff.After(4, initial, cap));
        Assert.Equal(cap, Backoff.After(12, initial, cap));
        Assert.Equal(TimeSpan.FromSeconds(45), Backoff.After(1, initial, cap, TimeSpan.FromSeconds(45)));
        Assert.Equal(cap, Backoff.After(1, initial, cap, TimeSpan.FromHours(3)));
    }
}
