using Steady.Host.Collect;

namespace Steady.Host.Tests.Collect;

public sealed class DiskAndNetworkCollectorTests
{
    [Fact]
    public void DiskUtilisationQueueAndAwaitComeFromTheDeltasAsIostatComputesThem()
    {
        var before = DiskCollector.Parse(" 254 0 vda 1000 0 8000 500 2000 0 16000 1500 0 10000 20000 0 0 0 0\n");
        var after = DiskCollector.Parse(" 254 0 vda 1100 0 8800 1500 2100 0 17600 3500 7 10900 32000 0 0 0 0\n");

        var disk = Assert.Single(DiskCollector.Report(before, after, 1, null));

        Assert.Equal("vda", disk.Name);
        Assert.Equal(90, disk.UtilPercent);
        Assert.Equal(100, disk.ReadsPerSecond);
        Assert.Equal(800 * 512, disk.ReadBytesPerSecond);
        Assert.Equal(15, disk.AwaitMs); // (1000 + 2000) ms over 200 requests
        Assert.Equal(12, disk.QueueDepth);
        Assert.Equal(7, disk.InFlight);
    }

    [Fact]
    public void OnlyWholeDisksThatHaveDoneIoAreShown()
    {
        using var host = FixtureHost.Captured();
        var sample = DiskCollector.Parse(host.ReadText("proc/diskstats"));
        var whole = host.List("sys/block").ToHashSet();

        var disks = DiskCollector.Report(sample, sample, 1, whole);

        Assert.Contains(disks, d => d.Name == "vda");
        Assert.DoesNotContain(disks, d => d.Name.StartsWith("loop", StringComparison.Ordinal));
        Assert.All(disks, d => Assert.Equal(0, d.UtilPercent));
    }

    [Fact]
    public void InterfaceErrorsAndDropsAreCountedSinceBootAndInTheInterval()
    {
        var header = "Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n";
        var before = NetworkCollector.ParseDev(header + "  eth0: 1000 10 1 2 0 0 0 0 5000 50 3 4 0 0 0 0\n");
        var after = NetworkCollector.ParseDev(header + "  eth0: 3048 20 6 9 0 0 0 0 6024 60 3 40 0 0 0 0\n");
        using var host = FixtureHost.Captured();

        var report = NetworkCollector.Report(host, new(before, []), new(after, []), 2);

        var eth0 = Assert.Single(report.Interfaces);
        Assert.Equal(1024, eth0.RxBytesPerSecond);
        Assert.Equal((6L, 5L), (eth0.RxErrors.SinceBoot, eth0.RxErrors.InWindow!.Value));
        Assert.Equal((40L, 36L), (eth0.TxDrops.SinceBoot, eth0.TxDrops.InWindow!.Value));
        Assert.Equal("up", eth0.OperState);
    }

    [Fact]
    public void SnmpAndNetstatHeaderAndValueLinesPairUp()
    {
        var counters = ProcText.Headered("Tcp: RtoAlgorithm RetransSegs OutSegs\nTcp: 1 7 700\nUdp: InDatagrams RcvbufErrors\nUdp: 10 2\n");

        Assert.Equal(7, counters["Tcp.RetransSegs"]);
        Assert.Equal(700, counters["Tcp.OutSegs"]);
        Assert.Equal(2, counters["Udp.RcvbufErrors"]);
    }

    [Fact]
    public void TheCapturedHostsTcpCountersAndInterfacesAreRead()
    {
        using var host = FixtureHost.Captured();
        var sample = NetworkCollector.Take(host);

        var report = NetworkCollector.Report(host, sample, sample, 1);

        Assert.Contains(report.Interfaces, i => i.Name == "lo");
        Assert.Contains(report.Interfaces, i => i.Name == "eth0");
        Assert.True(report.Tcp!.SegmentsOut!.SinceBoot > 0);
        Assert.Equal(0, report.Tcp.ListenOverflows!.InWindow);
        Assert.NotNull(report.Conntrack);
    }
}
