using Steady.Host.Collect;

namespace Steady.Host.Tests.Collect;

public sealed class CpuCollectorTests
{
    private const string Before = """
        cpu  1000 0 500 8000 500 0 0 0 0 0
        cpu0 500 0 250 4000 250 0 0 0 0 0
        cpu1 500 0 250 4000 250 0 0 0 0 0
        ctxt 10000
        btime 1700000000
        processes 500
        procs_running 3
        procs_blocked 1
        """;

    private const string After = """
        cpu  1150 10 540 8100 200 0 0 0 0 0
        cpu0 600 10 270 4020 100 0 0 0 0 0
        cpu1 550 0 270 4080 100 0 0 0 0 0
        ctxt 12000
        btime 1700000000
        processes 520
        procs_running 5
        procs_blocked 2
        """;

    [Fact]
    public void UtilisationIsTheShareOfTicksSpentNeitherIdleNorWaitingOnIo()
    {
        var report = CpuCollector.Report(CpuCollector.Parse(Before.Replace("500 8000 500", "500 8000 100", StringComparison.Ordinal)), CpuCollector.Parse(After), 1, "4.50 3.00 2.00 5/300 1234");

        // Ticks in the interval: user 160 (incl. nice), system 40, idle 100, iowait 100 → 400.
        Assert.Equal(50, report.Total.BusyPercent);
        Assert.Equal(40, report.Total.UserPercent);
        Assert.Equal(10, report.Total.SystemPercent);
        Assert.Equal(25, report.Total.IowaitPercent);
        Assert.Equal("all", report.Total.Name);
    }

    [Fact]
    public void EachCpuIsReportedWithTheRunQueueBlockedTasksAndLoad()
    {
        var report = CpuCollector.Report(CpuCollector.Parse(Before), CpuCollector.Parse(After), 2, "4.50 3.00 2.00 5/300 1234");

        Assert.Equal(2, report.Cpus);
        Assert.Equal(["cpu0", "cpu1"], report.PerCpu.Select(c => c.Name));
        Assert.Equal(5, report.ProcsRunning);
        Assert.Equal(2, report.ProcsBlocked);
        Assert.Equal((4.5, 3.0, 2.0), (report.Load1, report.Load5, report.Load15));
        Assert.Equal(1000, report.ContextSwitchesPerSecond);
        Assert.Equal(10, report.ForksPerSecond);
    }

    [Fact]
    public void TheSnapshotsOwnCpuIsTakenOutOfTheTotalButNotOutOfEachCpu()
    {
        var before = CpuCollector.Parse("cpu  1000 0 500 8000 100 0 0 0 0 0\ncpu0 1000 0 500 8000 100 0 0 0 0 0\n");
        var after = CpuCollector.Parse("cpu  1100 0 540 8060 100 0 0 0 0 0\ncpu0 1100 0 540 8060 100 0 0 0 0 0\n");

        // 200 ticks: user 100, system 40, idle 60; of them the snapshot's own user 60 and system 20.
        var report = CpuCollector.Report(before, after, 1, null, new CpuTicks(60, 20));

        Assert.Equal((20.0, 10.0, 30.0), (report.Total.UserPercent!.Value, report.Total.SystemPercent!.Value, report.Total.BusyPercent!.Value));
        Assert.Equal(70, Assert.Single(report.PerCpu).BusyPercent);
    }

    [Fact]
    public void AnEmptyIntervalGivesNoPercentagesRatherThanZeros()
    {
        var sample = CpuCollector.Parse(After);

        var report = CpuCollector.Report(sample, sample, 0, null);

        Assert.Null(report.Total.BusyPercent);
        Assert.Null(report.ContextSwitchesPerSecond);
    }

    [Fact]
    public void TheCapturedHostHasTwoCpusAndItsBootTime()
    {
        using var host = FixtureHost.Captured();

        var sample = CpuCollector.Parse(host.ReadText("proc/stat")!);

        Assert.Equal(["cpu", "cpu0", "cpu1"], sample.Cpus.Select(c => c.Name));
        Assert.True(sample.BootTime > 1_700_000_000);
        Assert.True(sample.ProcsRunning >= 1);
    }
}
