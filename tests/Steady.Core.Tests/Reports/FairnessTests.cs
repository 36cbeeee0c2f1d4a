using NodaTime;
using Steady.Core.Reports;

namespace Steady.Core.Tests.Reports;

public sealed class FairnessTests
{
    private static readonly Guid Ana = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid Ben = Guid.Parse("00000000-0000-0000-0000-00000000000b");
    private static readonly Guid Cem = Guid.Parse("00000000-0000-0000-0000-00000000000c");

    [Fact]
    public void TheSpreadNamesWhoCarriedMostAndTheirShare()
    {
        // Hours 100, 40, 60: mean 66.67, range 60, Ana carried 100 of 200 (50%). Sleep interruptions 1, 6, 3: Ben, 6 of 10.
        var figures = Fairness.Of([new RotationMember(Ana, Duration.FromHours(100), 1), new RotationMember(Ben, Duration.FromHours(40), 6), new RotationMember(Cem, Duration.FromHours(60), 3)]);
        Assert.Equal(40, figures.Hours.Min);
        Assert.Equal(100, figures.Hours.Max);
        Assert.Equal(60, figures.Hours.Range);
        Assert.Equal(200.0 / 3, figures.Hours.Mean, 6);
        Assert.Equal(Ana, figures.Hours.Most);
        Assert.Equal(0.5, figures.Hours.ShareOfMost);
        Assert.Equal(Ben, figures.SleepInterruptions.Most);
        Assert.Equal(0.6, figures.SleepInterruptions.ShareOfMost, 6);
    }

    [Fact]
    public void NobodyCarriedMostWhenNothingWasCarried()
    {
        var figures = Fairness.Of([new RotationMember(Ana, Duration.Zero, 0), new RotationMember(Ben, Duration.Zero, 0)]);
        Assert.Null(figures.Hours.Most);
        Assert.Equal(0, figures.SleepInterruptions.ShareOfMost);
    }
}
