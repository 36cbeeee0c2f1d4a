using Steady.Host.Findings;
using Steady.Host.Model;

namespace Steady.Host.Tests.Findings;

/// <summary>Each rule at its threshold and just below it, on snapshots built by hand.</summary>
public sealed class FindingRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static Snapshot Empty() => new()
    {
        Host = new HostReport("web-1", "Debian GNU/Linux 12", "6.1.0", Now.AddDays(-3), 259200, 2, "/"),
        TakenAt = Now,
        IntervalSeconds = 1,
    };

    private static IReadOnlyList<Finding> Find(Snapshot snapshot, Thresholds? thresholds = null) => FindingRules.From(snapshot, thresholds ?? new Thresholds());

    private static FilesystemReport Fs(string mount, double usedPercent, bool readOnly = false, long deleted = 0, FilesystemGrowth? growth = null, double? inodes = 10)
    {
        const long size = 100L << 30;
        var used = (long)(size * usedPercent / 100);
        return new FilesystemReport(mount, "/dev/vdb", readOnly ? "squashfs" : "ext4", "254:16", readOnly, size, used, size - used, usedPercent,
            1000, inodes is null ? null : (long)(inodes * 10), inodes, deleted, growth, null);
    }

    [Fact]
    public void TheDefaultsAreTheNamedConstants()
    {
        var t = new Thresholds();

        Assert.Equal((90.0, 95.0, 1L << 30), (t.FilesystemWarningPercent, t.FilesystemCriticalPercent, t.DeletedHeldBytes));
        Assert.Equal((20, 100, 32L), (t.CloseWaitPile, t.SynRecvPile, t.AcceptQueueWaiting));
        Assert.Equal((10.0, 10.0, 1.0 * (1 << 20)), (t.MemoryAvailablePercent, t.MemoryPressurePercent, t.SwapStormBytesPerSecond));
        Assert.Equal((2.0, 2, 90.0), (t.RunQueuePerCpu, t.BlockedTasks, t.CpuBusyPercent));
    }

    [Theory]
    [InlineData(89.9, null)]
    [InlineData(90.0, Finding.Warning)]
    [InlineData(94.9, Finding.Warning)]
    [InlineData(95.0, Finding.Critical)]
    public void AFilesystemIsAWarningFromNinetyPercentAndCriticalFromNinetyFive(double percent, string? severity)
    {
        var findings = Find(Empty() with { Filesystems = new([Fs("/var", percent)], null) });

        Assert.Equal(severity, findings.SingleOrDefault()?.Severity);
    }

    [Fact]
    public void AFullFilesystemNamesTheDeletedFilesHoldingItsSpaceAndWhoHoldsThem()
    {
        var snapshot = Empty() with
        {
            Filesystems = new([Fs("/var", 97.2, deleted: 4_400_000_000)], null),
            DeletedFiles = new(4_400_000_000, 1, [new DeletedFile(812, "java", 14, "/var/log/app/app.log", 4_400_000_000, "/var")],
                [new DeletedByProcess(812, "java", "/var", 1, 4_400_000_000)], [new DeletedByFilesystem("/var", 1, 4_400_000_000)]),
        };

        var finding = Assert.Single(Find(snapshot));

        Assert.Equal(Finding.Critical, finding.Severity);
        Assert.Equal("/var is 97% full (97 GiB used of 100 GiB, 2.8 GiB free); 4.1 GiB is held by deleted files still open in pid 812 (java)", finding.Text);
        Assert.Contains("/proc/812/fd/14 (java) → /var/log/app/app.log (deleted), 4.1 GiB", finding.Evidence);
    }

    [Fact]
    public void ReadOnlyFilesystemsAreNeverTooFull() =>
        Assert.Empty(Find(Empty() with { Filesystems = new([Fs("/snap/core/1", 100, readOnly: true)], null) }));

    [Fact]
    public void DeletedFilesHoldingSpaceAreAFindingOnTheirOwnFromTheThreshold()
    {
        DeletedFilesReport Held(long bytes) => new(bytes, 1, [new DeletedFile(4242, "my (weird) proc", 3, "/tmp/x", bytes, "/")],
            [new DeletedByProcess(4242, "my (weird) proc", "/", 1, bytes)], [new DeletedByFilesystem("/", 1, bytes)]);

        Assert.Empty(Find(Empty() with { DeletedFiles = Held((1L << 30) - 1) }));
        var finding = Assert.Single(Find(Empty() with { DeletedFiles = Held(1L << 30) }));
        Assert.StartsWith("1.0 GiB on / is held by deleted files still open in pid 4242 (my (weird) proc)", finding.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void AFilesystemFillingWithinADayIsAWarningBeforeItIsFull()
    {
        var growth = new FilesystemGrowth(Now.AddHours(-2), 8L << 30, 4L << 30, 5);

        var finding = Assert.Single(Find(Empty() with { Filesystems = new([Fs("/var", 80, growth: growth)], null) }));

        Assert.Equal("/var is filling: 8.0 GiB more used than 2 h ago; at 4.0 GiB/h it is full in about 5 h", finding.Text);
        Assert.Empty(Find(Empty() with { Filesystems = new([Fs("/var", 80, growth: growth with { HoursUntilFull = 25 })], null) }));
    }

    [Theory]
    [InlineData(19, false)]
    [InlineData(20, true)]
    public void CloseWaitPilesAreAFindingFromTwentyOnOnePort(int count, bool found)
    {
        var group = new SocketGroup("tcp", "CLOSE_WAIT", null, 8080, count, [new SocketOwner(1234, "java", count)]);
        var sockets = new SocketsReport(new Dictionary<string, int> { ["CLOSE_WAIT"] = count }, 0, [group], [], [], [], 4096, false, null);

        var findings = Find(Empty() with { Sockets = sockets });

        Assert.Equal(found, findings.Any());
        if (found)
            Assert.Equal($"{count} TCP connections in CLOSE_WAIT on local port 8080, held by pid 1234 (java): the peers closed them and the application has not", findings.Single().Text);
    }

    [Fact]
    public void AListenerWithConnectionsWaitingIsCriticalWhenTheKernelIsDroppingConnections()
    {
        var sockets = new SocketsReport(new Dictionary<string, int>(), 0, [], [], [new Listener("tcp", "0.0.0.0", 8080, 129, [new SocketOwner(1234, "java", 1)])], [], 128, false, null);
        var tcp = new TcpCounters(new Counter(900, 52), null, null, null, null, null, null);

        var warning = Assert.Single(Find(Empty() with { Sockets = sockets }));
        var critical = Assert.Single(Find(Empty() with { Sockets = sockets, Network = new([], tcp, null) }));

        Assert.Equal(Finding.Warning, warning.Severity);
        Assert.Equal(Finding.Critical, critical.Severity);
        Assert.Equal("129 connections are waiting to be accepted on port 8080: pid 1234 (java) is not accepting them fast enough; the kernel dropped 52 connections in the interval because an accept queue was full", critical.Text);
    }

    [Fact]
    public void MemoryPressureWithRecentOomKillsIsOneCriticalFindingNamingTheLastVictim()
    {
        var snapshot = Empty() with
        {
            Memory = Memory(availablePercent: 40) with { OomKills = new Counter(3, 0) },
            Pressure = new(true, null, null, new(new PressureLine(38, 20, 5, 1, 30), new PressureLine(12, 8, 2, 1, 10)), null),
            KernelLog = new(true, null, Now.AddMinutes(-10), [
                new OomKill(Now.AddMinutes(-1), 3190, "postgres", 6L << 30),
                new OomKill(Now.AddMinutes(-4), 3150, "postgres", 5L << 30),
                new OomKill(Now.AddMinutes(-8), 3100, "postgres", 5L << 30),
                new OomKill(Now.AddHours(-2), 2000, "java", 4L << 30)], []),
        };

        var finding = Assert.Single(Find(snapshot));

        Assert.Equal(Finding.Critical, finding.Severity);
        Assert.Equal("memory pressure: tasks stalled on memory 38% of the last 10 s (12% with nothing running); 3 OOM kills in the last 10 minutes, last victim postgres (pid 3190, 6.0 GiB)", finding.Text);
    }

    [Fact]
    public void OomKillsLongAgoAreOnlyInformation()
    {
        var snapshot = Empty() with
        {
            Memory = Memory(availablePercent: 40) with { OomKills = new Counter(1, 0) },
            KernelLog = new(true, null, Now.AddMinutes(-10), [new OomKill(Now.AddHours(-2), 2000, "java", 4L << 30)], []),
        };

        var finding = Assert.Single(Find(snapshot));

        Assert.Equal((Finding.Info, "1 OOM kill since boot; the last 2 h ago killed java (pid 2000)"), (finding.Severity, finding.Text));
    }

    [Theory]
    [InlineData(10.1, null)]
    [InlineData(10.0, Finding.Warning)]
    [InlineData(5.0, Finding.Critical)]
    public void LowAvailableMemoryIsAWarningAtTenPercentAndCriticalAtFive(double percent, string? severity) =>
        Assert.Equal(severity, Find(Empty() with { Memory = Memory(percent) }).SingleOrDefault()?.Severity);

    [Theory]
    [InlineData(1048575.0, false)]
    [InlineData(1048576.0, true)]
    public void SwappingAMebibytePerSecondIsASwapStorm(double bytesPerSecond, bool storm) =>
        Assert.Equal(storm, Find(Empty() with { Memory = Memory(50) with { SwapInBytesPerSecond = bytesPerSecond / 2, SwapOutBytesPerSecond = bytesPerSecond / 2 } })
            .Any(f => f.Text.StartsWith("swap storm", StringComparison.Ordinal)));

    [Theory]
    [InlineData(4, 3.9, false)]
    [InlineData(5, 1.0, true)]
    [InlineData(1, 4.1, true)]
    public void MoreThanTwoRunnableTasksPerCpuOrThatLoadIsACrowdedRunQueue(long running, double load1, bool crowded)
    {
        var cpu = new CpuReport(2, new CpuUsage("all", 50, 40, 10, 0, 0, 50), [], running, 0, load1, 1, 1, null, null);

        Assert.Equal(crowded, Find(Empty() with { Cpu = cpu }).Any(f => f.Text.StartsWith("run queue", StringComparison.Ordinal)));
    }

    [Fact]
    public void TasksInUninterruptibleSleepAreNamedWithWhatTheyWaitOn()
    {
        var cpu = new CpuReport(2, new CpuUsage("all", 10, 5, 5, 0, 0, 90), [], 1, 2, 0.5, 0.5, 0.5, null, null);
        var blocked = new ProcessReport(4242, "my (weird) proc", "nobody", "disk-sleep", 0, 1, null, 3, 29, null, "io_schedule", "my (weird) proc");
        var processes = new ProcessesReport(2, 2, new Dictionary<string, int>(), [], [], [], [blocked], null, null);

        var finding = Assert.Single(Find(Empty() with { Cpu = cpu, Processes = processes }));

        Assert.Equal("2 tasks in uninterruptible sleep (D), waiting on the kernel: pid 4242 (my (weird) proc) in io_schedule", finding.Text);
    }

    [Theory]
    [InlineData(89.9, false)]
    [InlineData(90.0, true)]
    public void ADiskBusyNinetyPercentOfTheIntervalIsAFinding(double util, bool found) =>
        Assert.Equal(found, Find(Empty() with { Disks = [new DiskReport("vda", util, 100, 50, 1, 1, 5, 1, 0)] }).Any());

    [Fact]
    public void InterfaceErrorsInTheIntervalAreAFindingButOldOnesAreNot()
    {
        InterfaceReport Nic(long errorsInWindow) => new("eth0", "up", 1000, 1, 1, new Counter(100, errorsInWindow), new Counter(0, 0), new Counter(5, 0), new Counter(0, 0));

        Assert.Empty(Find(Empty() with { Network = new([Nic(0)], null, null) }));
        Assert.StartsWith("interface eth0: 3 errors and 0 dropped packets in the interval", Assert.Single(Find(Empty() with { Network = new([Nic(3)], null, null) })).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void AProcessNearItsOpenFilesLimitIsAFinding()
    {
        var process = new ProcessReport(4242, "my (weird) proc", "nobody", "sleeping", 0, 1, null, 3, 29, 32, null, "x");
        var processes = new ProcessesReport(1, 3, new Dictionary<string, int>(), [], [], [process], [], null, null);

        var finding = Assert.Single(Find(Empty() with { Processes = processes }));

        Assert.Equal("pid 4242 (my (weird) proc) has 29 of its 32 file descriptors open (91%): it will soon fail to open files and sockets", finding.Text);
    }

    [Fact]
    public void FailedUnitsAreNamed()
    {
        var systemd = new SystemdReport(true, "systemctl", [new FailedUnit("nginx.service", "loaded", "failed", "failed", "web"), new FailedUnit("backup.timer", "loaded", "failed", "failed", "backup")], null);

        Assert.Equal("2 systemd units failed: nginx.service, backup.timer", Assert.Single(Find(Empty() with { Systemd = systemd })).Text);
    }

    [Fact]
    public void ARecentPackageChangeIsInformationAboutWhatChanged()
    {
        var packages = new PackagesReport(7, 2, [
            new PackageChange(Now.AddMinutes(-40), "upgrade", "libssl3:amd64", "3.0.15-1", "3.0.17-1"),
            new PackageChange(Now.AddDays(-3), "install", "nginx:amd64", null, "1.22.1-9")], [], null);

        var finding = Assert.Single(Find(Empty() with { Packages = packages }));

        Assert.Equal((Finding.Info, "recent change: 1 package change in the last 24 h, the last 40 min ago (upgrade libssl3:amd64 3.0.15-1 → 3.0.17-1)"), (finding.Severity, finding.Text));
    }

    [Fact]
    public void AnIncompleteStepIsSaidSoThatMissingDataIsNotReadAsHealth()
    {
        var finding = Assert.Single(Find(Empty() with { Steps = [new StepReport("open-files", StepReport.Partial, 512, 500, "read the open files of 1,200 of 2,146 processes")] }));

        Assert.Equal("the open-files step is partial: read the open files of 1,200 of 2,146 processes", finding.Text);
    }

    [Fact]
    public void FindingsComeMostSevereFirst()
    {
        var snapshot = Empty() with
        {
            Filesystems = new([Fs("/data", 91), Fs("/var", 99)], null),
            Steps = [new StepReport("sockets", StepReport.Partial, 1, 1, "cut")],
        };

        Assert.Equal([Finding.Critical, Finding.Warning, Finding.Info], Find(snapshot).Select(f => f.Severity));
    }

    private static MemoryReport Memory(double availablePercent) =>
        new(16L << 30, (long)((16L << 30) * availablePercent / 100), availablePercent, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null);
}
