using Steady.Host.Collect;

namespace Steady.Host.Tests.Collect;

public sealed class MemoryCollectorTests
{
    private const string Meminfo = """
        MemTotal:       16000000 kB
        MemFree:          500000 kB
        MemAvailable:    1200000 kB
        Buffers:          100000 kB
        Cached:           800000 kB
        SwapTotal:       4000000 kB
        SwapFree:        1000000 kB
        Dirty:              2000 kB
        Shmem:             30000 kB
        SUnreclaim:        40000 kB
        CommitLimit:    12000000 kB
        Committed_AS:   20000000 kB
        """;

    [Fact]
    public void MeminfoKilobytesBecomeBytesAndSwapUseIsTotalLessFree()
    {
        var report = MemoryCollector.Report(Meminfo, [], [], 1, 4096);

        Assert.Equal(16_000_000L * 1024, report.TotalBytes);
        Assert.Equal(1_200_000L * 1024, report.AvailableBytes);
        Assert.Equal(7.5, report.AvailablePercent);
        Assert.Equal(3_000_000L * 1024, report.SwapUsedBytes);
        Assert.Equal(20_000_000L * 1024, report.CommittedBytes);
    }

    [Fact]
    public void SwapRatesArePagesTimesThePageSizePerSecond()
    {
        var before = new Dictionary<string, long> { ["pswpin"] = 100, ["pswpout"] = 1000 };
        var after = new Dictionary<string, long> { ["pswpin"] = 612, ["pswpout"] = 1256 };

        var report = MemoryCollector.Report(Meminfo, before, after, 2, 4096);

        Assert.Equal(512 * 4096 / 2, report.SwapInBytesPerSecond);
        Assert.Equal(256 * 4096 / 2, report.SwapOutBytesPerSecond);
    }

    [Fact]
    public void PageScanningSumsOlderKernelsPerZoneCountersButNotTheThrottleCounter()
    {
        var before = new Dictionary<string, long> { ["pgscan_direct_normal"] = 0, ["pgscan_direct_movable"] = 0, ["pgscan_direct_throttle"] = 0, ["pgscan_kswapd"] = 0 };
        var after = new Dictionary<string, long> { ["pgscan_direct_normal"] = 300, ["pgscan_direct_movable"] = 200, ["pgscan_direct_throttle"] = 9999, ["pgscan_kswapd"] = 40 };

        var report = MemoryCollector.Report(Meminfo, before, after, 1, 4096);

        Assert.Equal(500, report.PagesScannedDirectPerSecond);
        Assert.Equal(40, report.PagesScannedKswapdPerSecond);
    }

    [Fact]
    public void OomKillsAreCountedSinceBootAndInTheInterval()
    {
        var report = MemoryCollector.Report(Meminfo, new() { ["oom_kill"] = 4 }, new() { ["oom_kill"] = 7 }, 1, 4096);

        Assert.Equal(7, report.OomKills!.SinceBoot);
        Assert.Equal(3, report.OomKills.InWindow);
    }

    [Fact]
    public void AKernelWithoutTheOomKillCounterHasNoCounterRatherThanZero()
    {
        var report = MemoryCollector.Report(Meminfo, [], [], 1, 4096);

        Assert.Null(report.OomKills);
    }

    [Fact]
    public void AKernelBeforeMemAvailableFallsBackToFreePlusCache()
    {
        var report = MemoryCollector.Report(Meminfo.Replace("MemAvailable:    1200000 kB\n", "", StringComparison.Ordinal), [], [], 1, 4096);

        Assert.Equal((500_000L + 100_000 + 800_000) * 1024, report.AvailableBytes);
    }

    [Fact]
    public void TheCapturedHostsMemoryAndVmstatParse()
    {
        using var host = FixtureHost.Captured();
        var vmstat = ProcText.NameValues(host.ReadText("proc/vmstat"));

        var report = MemoryCollector.Report(host.ReadText("proc/meminfo"), vmstat, vmstat, 1, 4096);

        Assert.True(report.TotalBytes > 1L << 30);
        Assert.InRange(report.AvailableBytes, 1, report.TotalBytes);
        Assert.Equal(0, report.OomKills!.InWindow);
    }
}
