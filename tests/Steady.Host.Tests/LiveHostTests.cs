using System.Net;
using System.Net.Sockets;
using Steady.Host.Findings;
using Steady.Host.Model;

namespace Steady.Host.Tests;

/// <summary>
/// Snapshots of the machine the tests run on, through its real /proc: trouble this test makes
/// itself (a deleted file it keeps open, connections it leaves in CLOSE_WAIT) must be found.
/// </summary>
public sealed class LiveHostTests
{
    private static Task<Snapshot> TakeAsync(Thresholds thresholds) => Snapshotter.TakeAsync(new SnapshotOptions
    {
        // The machine may hold other deleted files (a busy build server does): list them all.
        TopDeletedFiles = 100_000,
        Interval = TimeSpan.Zero,
        // Generous budgets: the machine running the tests may be busy building.
        DefaultBudget = TimeSpan.FromSeconds(10),
        Budgets = new Dictionary<string, TimeSpan>(),
        Thresholds = thresholds,
        Systemctl = _ => null,
    }, TestContext.Current.CancellationToken);

    [Fact]
    public async Task ADeletedFileThisProcessHoldsOpenIsReportedWithTheSpaceItHolds()
    {
        var path = Path.Combine(Path.GetTempPath(), $"steady-held-{Guid.NewGuid():N}.log");
        await using var held = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        var block = new byte[1 << 20];
        Random.Shared.NextBytes(block);
        for (var i = 0; i < 5; i++)
            await held.WriteAsync(block, TestContext.Current.CancellationToken);
        await held.FlushAsync(TestContext.Current.CancellationToken);
        File.Delete(path);

        var snapshot = await TakeAsync(new Thresholds { DeletedHeldBytes = 1 << 20 });

        var pid = Environment.ProcessId;
        var file = Assert.Single(snapshot.DeletedFiles!.Files, f => f.Path == path);
        Assert.Equal((pid, 5L << 20), (file.Pid, file.SizeBytes));
        Assert.NotNull(file.MountPoint);
        Assert.Contains(snapshot.DeletedFiles.ByProcess, p => p.Pid == pid && p.MountPoint == file.MountPoint && p.Bytes >= 5L << 20);
        Assert.True(snapshot.Filesystems!.Mounts.Single(m => m.MountPoint == file.MountPoint).DeletedOpenBytes >= 5L << 20);
        var finding = Assert.Single(snapshot.Findings, f => f.Area == "filesystem" && f.Text.Contains($"pid {pid} (", StringComparison.Ordinal));
        Assert.Contains(finding.Evidence, e => e.Contains(path, StringComparison.Ordinal) && e.Contains("5.0 MiB", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConnectionsLeftInCloseWaitOnAListenerThisTestOwnsAreReportedAsAPileOnItsPort()
    {
        const int connections = 30;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(connections);
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = new List<Socket>();
        try
        {
            for (var i = 0; i < connections; i++)
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, TestContext.Current.CancellationToken);
                accepted.Add(await listener.AcceptSocketAsync(TestContext.Current.CancellationToken));
                // The client closes; the server side never does: it sits in CLOSE_WAIT.
            }
            // Reading end-of-stream on every server socket proves each FIN has arrived.
            foreach (var socket in accepted)
                Assert.Equal(0, await socket.ReceiveAsync(new byte[1], SocketFlags.None, TestContext.Current.CancellationToken));

            var snapshot = await TakeAsync(new Thresholds());

            var pid = Environment.ProcessId;
            // Another process's connection may happen to use the same port number from another address.
            var pile = Assert.Single(snapshot.Sockets!.ByLocalPort, g => g.State == "CLOSE_WAIT" && g.Port == port);
            Assert.Equal(connections, pile.Owners.Single(o => o.Pid == pid).Count);
            Assert.Equal(pid, pile.Owners[0].Pid);
            var finding = Assert.Single(snapshot.Findings, f => f.Text.Contains($"CLOSE_WAIT on local port {port}", StringComparison.Ordinal));
            Assert.StartsWith($"{pile.Count} TCP connections in CLOSE_WAIT on local port {port}, held by pid {pid} (", finding.Text, StringComparison.Ordinal);
            Assert.Contains(snapshot.Sockets.Listeners, l => l.Port == port && l.Owners.Single().Pid == pid);
        }
        finally
        {
            foreach (var socket in accepted)
                socket.Dispose();
        }
    }

    [Fact]
    public async Task TheRunningHostIsSampledOverOneRealSecond()
    {
        var snapshot = await Snapshotter.TakeAsync(new SnapshotOptions { Systemctl = _ => null }, TestContext.Current.CancellationToken);

        Assert.InRange(snapshot.IntervalSeconds, 0.9, 1.5);
        Assert.NotNull(snapshot.Cpu!.Total.BusyPercent);
        Assert.DoesNotContain(snapshot.Processes!.TopByCpu, p => p.Pid == Environment.ProcessId);
        Assert.Equal(snapshot.Host.Cpus, snapshot.Cpu.PerCpu.Count);
    }
}
