using Microsoft.Extensions.Time.Testing;
using Steady.Host.Collect;
using Steady.Host.Model;

namespace Steady.Host.Tests.Collect;

public sealed class FilesystemCollectorTests
{
    [Fact]
    public void MountPointsWithEscapedSpacesAreUnescaped()
    {
        var mount = Assert.Single(FilesystemCollector.ParseMountInfo(@"611 600 254:0 /srv/volumes/data /data/my\040volume rw,relatime - ext4 /dev/vda rw"));

        Assert.Equal("/data/my volume", mount.MountPoint);
        Assert.Equal(("254:0", "ext4", "/dev/vda"), (mount.Device, mount.Type, mount.Source));
    }

    [Fact]
    public void OptionalFieldsBeforeTheSeparatorAreSkipped()
    {
        var mount = Assert.Single(FilesystemCollector.ParseMountInfo("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:2 - ext3 /dev/root rw,errors=continue"));

        Assert.Equal(("/mnt2", "ext3", "/dev/root"), (mount.MountPoint, mount.Type, mount.Source));
    }

    [Fact]
    public void AContainersPseudoFilesystemsBindMountsAndKernelMountsAreLeftOut()
    {
        using var host = FixtureHost.With("container");

        var visible = FilesystemCollector.Visible(FilesystemCollector.ParseMountInfo(host.ReadText("proc/self/mountinfo")));

        // /etc/hosts, /etc/hostname and /data/my volume are one device (254:0): shown once, by its shortest path.
        Assert.Equal(["/", "/data/my volume", "/dev", "/dev/shm"], visible.Select(m => m.MountPoint));
    }

    [Fact]
    public void OfStackedMountsTheVisibleOneIsShown()
    {
        using var host = FixtureHost.Captured();

        var visible = FilesystemCollector.Visible(FilesystemCollector.ParseMountInfo(host.ReadText("proc/self/mountinfo")));

        // The capture has two tmpfs mounted on /dev/shm; the second hides the first.
        Assert.Equal("0:26", Assert.Single(visible, m => m.MountPoint == "/dev/shm").Device);
        Assert.DoesNotContain(visible, m => m.Type is "proc" or "sysfs" or "devpts" or "cgroup");
        Assert.DoesNotContain(visible, m => m.MountPoint.StartsWith("/sys/", StringComparison.Ordinal));
    }

    [Fact]
    public void UseIsWhatDfShowsLeavingOutReservedBlocks()
    {
        var mount = new Mount("254:1", "/", "/var", "rw", "ext4", "/dev/vdb", "rw");
        // 100 GiB, 10 GiB free of which 5 GiB reserved for root.
        var report = FilesystemCollector.Report(mount, new VolumeFacts(100L << 30, 10L << 30, 5L << 30, 1000, 100), 0, null, DateTimeOffset.UnixEpoch, null);

        Assert.Equal(90L << 30, report.UsedBytes);
        Assert.Equal(94.7, report.UsedPercent);
        Assert.Equal(90, report.InodesUsedPercent);
    }

    [Fact]
    public void AFilesystemWithoutInodeCountsHasNoInodePercent()
    {
        var mount = new Mount("0:40", "/", "/boot/efi", "rw", "vfat", "/dev/sda1", "rw");

        var report = FilesystemCollector.Report(mount, new VolumeFacts(512L << 20, 400L << 20, 400L << 20, 0, 0), 0, null, DateTimeOffset.UnixEpoch, null);

        Assert.Null(report.Inodes);
        Assert.Null(report.InodesUsedPercent);
    }

    [Fact]
    public void GrowthSinceAnEarlierSnapshotTellsWhenTheFilesystemFills()
    {
        var now = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
        var history = new FilesystemHistory(now.AddHours(-2), [new FilesystemUsage("/var", 50L << 30)]);

        var growth = history.GrowthOf("/var", 54L << 30, 6L << 30, now)!;

        Assert.Equal(4L << 30, growth.UsedBytesChange);
        Assert.Equal(2L << 30, growth.BytesPerHour);
        Assert.Equal(3, growth.HoursUntilFull);
        Assert.Null(history.GrowthOf("/home", 1, 1, now));
    }

    [Fact]
    public void AMountWhoseStatvfsHangsIsListedWithANoteAndTheStepIsPartial()
    {
        using var host = FixtureHost.With("full-var");
        host.Block("statvfs:/var");
        var visible = FilesystemCollector.Visible(FilesystemCollector.ParseMountInfo(host.ReadText("proc/self/mountinfo")));
        var budget = new StepBudget(new FakeTimeProvider(), TimeSpan.FromMilliseconds(200));

        var reports = FilesystemCollector.Collect(host, visible, new Dictionary<string, long>(), null, DateTimeOffset.UnixEpoch, budget);

        var var = Assert.Single(reports, r => r.MountPoint == "/var");
        Assert.Null(var.SizeBytes);
        Assert.Contains("did not answer", var.Note, StringComparison.Ordinal);
        Assert.True(budget.CutShort);
        Assert.Contains("statvfs did not answer for /var", budget.NoteText, StringComparison.Ordinal);
        Assert.NotNull(Assert.Single(reports, r => r.MountPoint == "/").SizeBytes);
    }
}
