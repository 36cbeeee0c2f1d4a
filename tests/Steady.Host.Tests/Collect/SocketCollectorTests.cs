using System.Net;
using Steady.Host.Collect;

namespace Steady.Host.Tests.Collect;

public sealed class SocketCollectorTests
{
    [Fact]
    public void Ipv4EndpointsAreALittleEndianWordAndABigEndianPort()
    {
        var (address, port) = SocketCollector.Endpoint("0100007F:1F90");

        Assert.Equal(IPAddress.Loopback, address);
        Assert.Equal(8080, port);
    }

    [Fact]
    public void Ipv6EndpointsAreFourLittleEndianWords()
    {
        var (address, port) = SocketCollector.Endpoint("B80D0120000000000000000001000000:01BB");

        Assert.Equal(IPAddress.Parse("2001:db8::1"), address);
        Assert.Equal(443, port);
    }

    [Fact]
    public void Ipv4MappedAddressesAreShownAsIpv4() =>
        Assert.Equal(IPAddress.Parse("10.0.0.1"), SocketCollector.Endpoint("0000000000000000FFFF00000100000A:1F90").Address);

    [Theory]
    [InlineData("tcp", "0A", "LISTEN")]
    [InlineData("tcp6", "08", "CLOSE_WAIT")]
    [InlineData("tcp", "0C", "SYN_RECV")]
    [InlineData("tcp", "06", "TIME_WAIT")]
    [InlineData("udp", "07", "UNCONN")]
    [InlineData("udp6", "01", "ESTABLISHED")]
    public void StatesAreNamedAsSsNamesThem(string table, string hex, string state)
    {
        var row = SocketCollector.ParseRow(table, $"   1: 0100007F:1F90 00000000:0000 {hex} 00000002:00000003 00:00000000 00000000  1000        0 4711 1 0000000000000000 100 0 0 10 0");

        Assert.Equal(state, row!.State);
        Assert.Equal(4711UL, row.Inode);
        Assert.Equal((2L, 3L), (row.TxQueue, row.RxQueue));
    }

    [Fact]
    public void UdpRowsCarryTheirDrops()
    {
        var row = SocketCollector.ParseRow("udp", "  12: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 20000 2 0000000000000000 1742");

        Assert.Equal(1742, row!.Drops);
        Assert.Equal(53, row.LocalPort);
    }

    [Fact]
    public void TheHeaderLineIsNotASocket() =>
        Assert.Null(SocketCollector.ParseRow("tcp", "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"));

    [Fact]
    public void EveryRowOfTheCapturedTablesIsCounted()
    {
        using var host = FixtureHost.Captured();
        var expected = SocketCollector.Tables.Sum(t => host.ReadLines($"proc/net/{t}").Count() - 1);

        var report = SocketCollector.Collect(host, new Dictionary<ulong, int>(), new Dictionary<int, ProcStat>(), new SocketLimits(), ProcessCollectorTests.Budget());

        Assert.Equal(expected, report.TcpByState.Values.Sum() + report.UdpSockets);
        Assert.False(report.Truncated);
        Assert.Contains(report.Listeners, l => l.Port == 2024);
    }

    [Fact]
    public void PilesAreGroupedByStateAndPortWithTheProcessesHoldingThem()
    {
        using var host = FixtureHost.With("weird-names", "ipv6-close-wait");
        var processes = ProcessCollector.Sample(host, ProcessCollectorTests.Budget());
        var open = OpenFilesCollector.Scan(host, processes.Values, ProcessCollectorTests.Budget());

        var report = SocketCollector.Collect(host, open.SocketOwners, processes, new SocketLimits(), ProcessCollectorTests.Budget());

        var pile = Assert.Single(report.ByLocalPort, g => g.State == "CLOSE_WAIT");
        Assert.Equal(("tcp", 8080, 25), (pile.Protocol, pile.Port, pile.Count));
        var owner = Assert.Single(pile.Owners);
        Assert.Equal((4242, "my (weird) proc", 25), (owner.Pid, owner.Process, owner.Count));
        // Each peer connected from its own port: the pile is by local port, not by remote endpoint.
        Assert.DoesNotContain(report.ByRemote, g => g.State == "CLOSE_WAIT");
        var listener = Assert.Single(report.Listeners, l => l.Port == 8080);
        Assert.Equal(("::", 64L, 4242), (listener.Address, listener.AcceptQueue, listener.Owners.Single().Pid));
        Assert.True(report.TcpByState["ESTABLISHED"] >= 1);
    }

    [Fact]
    public void TheRowCapCutsAHugeTableAndSaysSo()
    {
        using var host = FixtureHost.With("ipv6-close-wait");

        var report = SocketCollector.Collect(host, new Dictionary<ulong, int>(), new Dictionary<int, ProcStat>(), new SocketLimits(RowCap: 10), ProcessCollectorTests.Budget());

        Assert.True(report.Truncated);
        Assert.Contains("/proc/net/tcp6 has more than 10 rows; counted the first 10", report.Note, StringComparison.Ordinal);
    }
}
