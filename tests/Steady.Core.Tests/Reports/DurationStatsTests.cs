using NodaTime;
using Steady.Core.Reports;

namespace Steady.Core.Tests.Reports;

public sealed class DurationStatsTests
{
    private static Duration M(int minutes) => Duration.FromMinutes(minutes);

    [Fact]
    public void PercentilesAreNearestRankValues()
    {
        // Ten values 1..10 min: p50 is the 5th (⌈0.5 × 10⌉), p90 the 9th (⌈0.9 × 10⌉), the mean 5.5 min.
        var stats = DurationStats.Of(Enumerable.Range(1, 10).Reverse().Select(M));
        Assert.Equal(10, stats.Count);
        Assert.Equal(M(5), stats.P50);
        Assert.Equal(M(9), stats.P90);
        Assert.Equal(Duration.FromSeconds(330), stats.Mean);
    }

    [Fact]
    public void FourValuesHaveTheSecondAsMedianAndTheFourthAsP90()
    {
        var stats = DurationStats.Of([M(4), M(1), M(3), M(2)]);
        Assert.Equal(M(2), stats.P50);
        Assert.Equal(M(4), stats.P90);
    }

    [Fact]
    public void NothingToMeasureGivesNoFigures()
    {
        var stats = DurationStats.Of([]);
        Assert.Equal(0, stats.Count);
        Assert.Null(stats.Mean);
        Assert.Null(stats.P90);
    }
}
