using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Steady.Host.Collect;
using Steady.Host.Findings;
using Steady.Host.Model;

namespace Steady.Host.Tests;

/// <summary>Whole snapshots of fixture hosts: the captured machine, and hand-made trouble laid over it.</summary>
public sealed class SnapshotterTests
{
    [Fact]
    public async Task TheCapturedHostGivesEverySectionAndEveryStepCompletes()
    {
        using var host = FixtureHost.Captured();

        var snapshot = await Snap.TakeAsync(host);

        Assert.All(snapshot.Steps, step => Assert.Equal(StepReport.Complete, step.Status));
        Assert.Equal(("vm", 2), (snapshot.Host.Hostname, snapshot.Host.Cpus));
        Assert.Equal(1, snapshot.IntervalSeconds);
        Assert.NotNull(snapshot.Cpu);
        Assert.NotNull(snapshot.Memory);
        Assert.True(snapshot.Pressure!.Available);
        Assert.Contains(snapshot.Disks!, d => d.Name == "vda");
        Assert.Contains(snapshot.Filesystems!.Mounts, m => m.MountPoint == "/" && m.UsedPercent > 0);
        Assert.True(snapshot.Processes!.Count > 50);
        Assert.NotEmpty(snapshot.Sockets!.Listeners);
        Assert.Contains(snapshot.Network!.Interfaces, i => i.Name == "eth0");
        Assert.Equal("systemd not running", snapshot.Systemd!.Note);
        Assert.NotEmpty(snapshot.Packages!.Changes);
        Assert.True(snapshot.KernelLog!.Readable);
        Assert.False(snapshot.Journal.Collected);
    }

    [Fact]
    public async Task TheJsonDocumentIsVersionedCamelCaseAndSaysWhatItLeftOut()
    {
        using var host = FixtureHost.Captured();

        var snapshot = await Snap.TakeAsync(host);
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(snapshot, SnapshotJson.Default.Snapshot));

        var root = json.RootElement;
        Assert.Equal("steady.snapshot/v1", root.GetProperty("schema").GetString());
        Assert.Equal(JsonValueKind.Array, root.GetProperty("findings").ValueKind);
        // The fixture does not change between the samples: no interval to measure, so null rather than 0.
        Assert.Equal(JsonValueKind.Null, root.GetProperty("cpu").GetProperty("total").GetProperty("busyPercent").ValueKind);
        Assert.Equal(JsonValueKind.Number, root.GetProperty("cpu").GetProperty("load1").ValueKind);
        Assert.Equal(JsonValueKind.Number, root.GetProperty("memory").GetProperty("oomKills").GetProperty("sinceBoot").ValueKind);
        Assert.Equal("cpu", root.GetProperty("steps")[0].GetProperty("name").GetString());
        Assert.False(root.GetProperty("journal").GetProperty("collected").GetBoolean());
        Assert.StartsWith("no journal files under ", root.GetProperty("journal").GetProperty("note").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhatChangesDuringTheIntervalBecomesUtilisationAndRates()
    {
        using var host = FixtureHost.With("weird-names");
        var stat = host.ReadText("proc/stat")!;
        var cpuLine = stat.Split('\n')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long F(int i) => long.Parse(cpuLine[i], System.Globalization.CultureInfo.InvariantCulture);

        var snapshot = await Snap.TakeAsync(host, between: () =>
        {
            // In one second: 150 ticks of user time and 50 idle across both CPUs; the weird process used 100 ticks.
            host.Write("proc/stat", stat.Replace(stat.Split('\n')[0], $"cpu  {F(1) + 150} {F(2)} {F(3)} {F(4) + 50} {F(5)} {F(6)} {F(7)} {F(8)} 0 0", StringComparison.Ordinal));
            host.Write("proc/4242/stat", host.ReadText("proc/4242/stat")!.Replace(" 500 250 ", " 600 250 ", StringComparison.Ordinal));
        });

        Assert.Equal(75, snapshot.Cpu!.Total.BusyPercent);
        var weird = Assert.Single(snapshot.Processes!.TopByCpu, p => p.Pid == 4242);
        Assert.Equal(100, weird.CpuPercent);
        Assert.Equal("my (weird) proc", weird.Name);
    }

    [Fact]
    public async Task AStrugglingHostsFindingsComeFirstWithTheirEvidence()
    {
        using var host = FixtureHost.With("weird-names", "ipv6-close-wait", "full-var", "oom", "systemd");
        var options = Snap.Options(host) with
        {
            Systemctl = _ => """[{"unit":"postgresql@15-main.service","load":"loaded","active":"failed","sub":"failed","description":"PostgreSQL Cluster 15-main"}]""",
            Thresholds = new Thresholds { BlockedTasks = 1 },
        };

        var snapshot = await Snapshotter.TakeAsync(options, TestContext.Current.CancellationToken);
        var texts = snapshot.Findings.Select(f => f.Text).ToList();

        Assert.Contains("/var is 97% full (111 GiB used of 114 GiB, 3.4 GiB free); 4.1 GiB is held by deleted files still open in pid 4242 (my (weird) proc)", texts);
        Assert.Contains("25 TCP connections in CLOSE_WAIT on local port 8080, held by pid 4242 (my (weird) proc): the peers closed them and the application has not", texts);
        Assert.Contains(texts, t => t.StartsWith("64 connections are waiting to be accepted on port 8080: pid 4242 (my (weird) proc)", StringComparison.Ordinal));
        Assert.Contains("memory pressure: tasks stalled on memory 38% of the last 10 s (12% with nothing running); 3 OOM kills in the last 10 minutes, last victim my (weird) proc (pid 3190, 1.0 GiB)", texts);
        Assert.Contains(texts, t => t.StartsWith("kernel: 1 I/O error in the last 10 minutes", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.StartsWith("kernel: 1 hung task report", StringComparison.Ordinal));
        Assert.Contains("1 systemd unit failed: postgresql@15-main.service", texts);
        Assert.Contains("1 task in uninterruptible sleep (D), waiting on the kernel: pid 4242 (my (weird) proc) in io_schedule", texts);
        Assert.Contains(texts, t => t.StartsWith("pid 4242 (my (weird) proc) has 29 of its 32 file descriptors open", StringComparison.Ordinal));
        Assert.Equal(Finding.Critical, snapshot.Findings[0].Severity);
        Assert.True(snapshot.Findings.Select(f => f.Severity).SequenceEqual(snapshot.Findings.Select(f => f.Severity).OrderBy(s => s == Finding.Critical ? 0 : s == Finding.Warning ? 1 : 2)));
    }

    [Fact]
    public async Task CommandLinesInTheSnapshotAreRedacted()
    {
        using var host = FixtureHost.With("weird-names");

        var snapshot = await Snap.TakeAsync(host);

        var weird = snapshot.Processes!.TopByMemory.Single(p => p.Pid == 4242);
        Assert.Equal("my (weird) proc --password=*** --db postgres://app:***@db:5432/app --token ***", weird.CommandLine);
        Assert.Equal("nobody", weird.User);
        Assert.Equal(2048 * 1024, weird.SwapBytes);
        Assert.DoesNotContain("hunter2", JsonSerializer.Serialize(snapshot, SnapshotJson.Default.Snapshot), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AContainerWithoutPressureKernelLogOrBlockDevicesIsStillAWholeSnapshot()
    {
        using var host = FixtureHost.With("container");

        var snapshot = await Snap.TakeAsync(host);

        Assert.All(snapshot.Steps, step => Assert.Equal(StepReport.Complete, step.Status));
        Assert.False(snapshot.Pressure!.Available);
        Assert.Contains("/proc/pressure is absent", snapshot.Pressure.Reason, StringComparison.Ordinal);
        Assert.False(snapshot.KernelLog!.Readable);
        Assert.Contains(snapshot.Filesystems!.Mounts, m => m.MountPoint == "/data/my volume" && m.SizeBytes > 0);
        Assert.Contains("no /var/log/dpkg.log", snapshot.Packages!.Note, StringComparison.Ordinal);
        Assert.DoesNotContain(snapshot.Findings, f => f.Area == "snapshot");
    }

    [Fact]
    public async Task AnOlderKernelWithoutPsiOrOomCounterIsReadWithoutThem()
    {
        using var host = FixtureHost.With("no-psi-kernel");

        var snapshot = await Snap.TakeAsync(host);

        Assert.Equal("4.19.0-27-amd64", snapshot.Host.Kernel);
        Assert.False(snapshot.Pressure!.Available);
        Assert.Null(snapshot.Memory!.OomKills);
        Assert.All(snapshot.Steps, step => Assert.Equal(StepReport.Complete, step.Status));
    }

    [Fact]
    public async Task AHungReadIsMarkedPartialAndTheRestOfTheSnapshotIsThere()
    {
        using var host = FixtureHost.With("ipv6-close-wait");
        var hung = host.Block("proc/net/tcp6");
        var time = new FakeTimeProvider(Snap.CapturedAt(host));
        var options = Snap.Options(host, time: time) with
        {
            DefaultBudget = TimeSpan.FromHours(1),
            Budgets = new Dictionary<string, TimeSpan> { [Steps.Sockets] = TimeSpan.FromMilliseconds(400) },
        };

        var taking = Snapshotter.TakeAsync(options, TestContext.Current.CancellationToken);
        await hung;
        // The sockets step is stuck in its read: its budget and grace pass, and it is abandoned.
        time.Advance(TimeSpan.FromMilliseconds(400) + StepRunner.Grace(TimeSpan.FromMilliseconds(400)));
        var snapshot = await taking;

        var sockets = Assert.Single(snapshot.Steps, s => s.Name == Steps.Sockets);
        Assert.Equal(StepReport.Partial, sockets.Status);
        Assert.Contains("did not finish within its budget of 400 ms", sockets.Note, StringComparison.Ordinal);
        Assert.Null(snapshot.Sockets);
        Assert.Contains(snapshot.Findings, f => f.Text.StartsWith("the sockets step is partial", StringComparison.Ordinal));
        Assert.NotNull(snapshot.Filesystems);
        Assert.NotNull(snapshot.Packages);
    }
}
