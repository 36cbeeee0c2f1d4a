using Steady.Cli.Output;

namespace Steady.Cli.Tests.Output;

public sealed class AgoTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 3, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(2, "just now")]
    [InlineData(45, "45s ago")]
    [InlineData(3 * 60 + 59, "3m ago")]
    [InlineData(100 * 60, "1h 40m ago")]
    [InlineData(2 * 3600, "2h ago")]
    [InlineData(26 * 3600, "26h ago")]
    [InlineData(3 * 86400 + 5, "3d ago")]
    public void PastTimesReadAsHowLongAgo(int secondsAgo, string expected)
    {
        Assert.Equal(expected, Ago.Since(Now.AddSeconds(-secondsAgo), Now));
    }

    [Fact]
    public void FutureTimesRoundUpSoATwoHourSilenceReadsInTwoHours()
    {
        Assert.Equal("in 2h", Ago.Until(Now.AddHours(2).AddMilliseconds(-40), Now));
        Assert.Equal("in 1h 30m", Ago.Until(Now.AddMinutes(90), Now));
    }

    [Fact]
    public void AClockSlightlyAheadOfOursIsStillJustNow()
    {
        Assert.Equal("just now", Ago.Since(Now.AddSeconds(3), Now));
    }

    [Fact]
    public void NothingIsADash()
    {
        Assert.Equal("-", Ago.Since(null, Now));
        Assert.Equal("-", Ago.Both(null, Now));
    }
}
