using Steady.Host.Collect;

namespace Steady.Host.Tests.Collect;

public sealed class PressureCollectorTests
{
    [Fact]
    public void StallGrowthIsTheShareOfTheIntervalThatStalled()
    {
        var before = "some avg10=1.00 avg60=2.00 avg300=3.00 total=1000000\nfull avg10=0.50 avg60=0.25 avg300=0.10 total=500000\n";
        var after = "some avg10=38.00 avg60=21.50 avg300=6.10 total=1250000\nfull avg10=12.00 avg60=8.00 avg300=2.00 total=550000\n";

        var resource = PressureCollector.Parse(before, after, 1);

        Assert.Equal(38, resource.Some!.Avg10);
        Assert.Equal(21.5, resource.Some.Avg60);
        Assert.Equal(25, resource.Some.StalledPercentInWindow);
        Assert.Equal(5, resource.Full!.StalledPercentInWindow);
    }

    [Fact]
    public void OlderKernelsCpuPressureWithoutAFullLineHasOnlySome()
    {
        var resource = PressureCollector.Parse(null, "some avg10=5.00 avg60=4.00 avg300=3.00 total=99\n", 1);

        Assert.NotNull(resource.Some);
        Assert.Null(resource.Full);
        Assert.Null(resource.Some.StalledPercentInWindow);
    }

    [Fact]
    public void TheCapturedHostHasPressureForCpuMemoryAndIo()
    {
        using var host = FixtureHost.Captured();

        var texts = PressureCollector.Sample(host, out var reason);
        var report = PressureCollector.Report(texts, texts, 1, reason);

        Assert.True(report.Available);
        Assert.NotNull(report.Cpu?.Some);
        Assert.NotNull(report.Memory?.Full);
        Assert.NotNull(report.Io?.Full);
    }

    [Theory]
    [InlineData("no-psi-kernel")]
    [InlineData("container")]
    public void WithoutProcPressurePressureIsUnavailableWithTheReasonNotAnError(string overlay)
    {
        using var host = FixtureHost.With(overlay);

        var texts = PressureCollector.Sample(host, out var reason);
        var report = PressureCollector.Report(texts, texts, 1, reason);

        Assert.False(report.Available);
        Assert.Equal(PressureCollector.Absent, report.Reason);
        Assert.Null(report.Memory);
    }
}
