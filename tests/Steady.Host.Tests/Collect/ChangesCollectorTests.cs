using Microsoft.Extensions.Time.Testing;
using Steady.Host.Collect;

namespace Steady.Host.Tests.Collect;

/// <summary>Package logs, the kernel log and systemd: what changed and what broke.</summary>
public sealed class ChangesCollectorTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Fact]
    public void DpkgInstallsUpgradesAndRemovalsAreChangesInTheHostsTimeZone()
    {
        const string log = """
            2026-11-24 13:02:11 startup archives unpack
            2026-11-24 13:02:12 upgrade libssl3:amd64 3.0.15-1~deb12u1 3.0.17-1~deb12u2
            2026-11-24 13:02:13 status half-configured libssl3:amd64 3.0.17-1~deb12u2
            2026-11-24 13:03:00 install nginx:amd64 <none> 1.22.1-9
            2026-11-24 13:04:00 remove telnet:amd64 0.17+2.4-2 <none>
            """;

        var changes = PackageCollector.ParseDpkg(log, Berlin).ToList();

        Assert.Equal(["upgrade", "install", "remove"], changes.Select(c => c.Action));
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 12, 2, 12, TimeSpan.Zero), changes[0].At.ToUniversalTime());
        Assert.Equal(("3.0.15-1~deb12u1", "3.0.17-1~deb12u2"), (changes[0].FromVersion, changes[0].ToVersion));
        Assert.Null(changes[1].FromVersion);
        Assert.Null(changes[2].ToVersion);
    }

    [Fact]
    public void AptRunsCountTheirPackagesAndTheirCommandLinesAreRedacted()
    {
        const string log = """
            Start-Date: 2026-11-24  13:02:00
            Commandline: apt-get -o Acquire::http::Proxy=http://ops:hunter2@proxy:3128 install nginx
            Requested-By: alice (1000)
            Install: nginx:amd64 (1.22.1-9), nginx-common:amd64 (1.22.1-9, automatic)
            Upgrade: libssl3:amd64 (3.0.15-1, 3.0.17-1)
            End-Date: 2026-11-24  13:02:30

            Start-Date: 2026-11-24  14:00:00
            Commandline: apt-get install half
            """;

        var run = Assert.Single(PackageCollector.ParseAptHistory(log, TimeZoneInfo.Utc));

        Assert.Equal((2, 1, 0), (run.Installed, run.Upgraded, run.Removed));
        Assert.Equal("alice (1000)", run.RequestedBy);
        Assert.Equal("apt-get -o Acquire::http::Proxy=http://ops:***@proxy:3128 install nginx", run.CommandLine);
    }

    [Fact]
    public void TheCapturedLogsGiveRecentChangesNewestFirst()
    {
        using var host = FixtureHost.Captured();
        var now = Snap.CapturedAt(host);

        var report = PackageCollector.Collect(host, now, TimeZoneInfo.Utc, 7, 20);

        Assert.NotEmpty(report.Changes);
        Assert.True(report.Changes.Zip(report.Changes.Skip(1)).All(p => p.First.At >= p.Second.At));
        Assert.Null(report.Note);
    }

    [Fact]
    public void AHostWithoutPackageLogsSaysSo()
    {
        using var host = FixtureHost.With("container");

        var report = PackageCollector.Collect(host, DateTimeOffset.UnixEpoch, TimeZoneInfo.Utc, 7, 20);

        Assert.Empty(report.Changes);
        Assert.Contains("no /var/log/dpkg.log", report.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void KernelRecordsAreTimedFromBootAndContinuationLinesSkipped()
    {
        var boot = new DateTimeOffset(2026, 11, 24, 4, 0, 0, TimeSpan.Zero);

        var record = KernelLogCollector.Parse("3,901,1500000,-;Out of memory: Killed process 3100 (postgres)", boot);

        Assert.Equal(boot.AddSeconds(1.5), record!.At);
        Assert.Equal("Out of memory: Killed process 3100 (postgres)", record.Message);
        Assert.Null(KernelLogCollector.Parse(" SUBSYSTEM=block", boot));
    }

    [Fact]
    public void OomVictimsAreReadWithTheirMemoryEvenWithParenthesesInTheirName()
    {
        using var host = FixtureHost.With("oom");
        var now = Snap.CapturedAt(host);
        var boot = now.AddSeconds(-double.Parse(host.ReadText("proc/uptime")!.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));

        var report = KernelLogCollector.Collect(host, boot, now, TimeSpan.FromMinutes(10), ProcessCollectorTests.Budget());

        Assert.True(report.Readable);
        Assert.Equal(["my (weird) proc", "postgres", "postgres", "java"], report.OomKills.Select(k => k.Process));
        Assert.Equal(1L << 30, report.OomKills[0].AnonRssBytes);
        Assert.Equal(3190, report.OomKills[0].Pid);
        Assert.Equal(now.AddMinutes(-10), report.RecentSince);
        var io = Assert.Single(report.Events, e => e.Kind == "io-error");
        Assert.Equal((1, 1), (io.Count, io.Recent));
        Assert.Single(report.Events, e => e.Kind == "hung-task");
    }

    [Fact]
    public void AKernelLogThatCannotBeReadSaysWhy()
    {
        using var host = FixtureHost.With("container");

        var report = KernelLogCollector.Collect(host, null, DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(10), ProcessCollectorTests.Budget());

        Assert.False(report.Readable);
        Assert.Equal(KernelLogCollector.Unreadable, report.Note);
    }

    [Fact]
    public void WithoutSystemdTheReportSaysSystemdNotRunning()
    {
        using var host = FixtureHost.Captured();

        var report = SystemdCollector.Collect(host, _ => throw new InvalidOperationException("must not run"), ProcessCollectorTests.Budget());

        Assert.False(report.Running);
        Assert.Equal("systemd not running", report.Note);
    }

    [Fact]
    public void FailedUnitsComeFromSystemctlsJson()
    {
        using var host = FixtureHost.With("systemd");
        const string json = """[{"unit":"nginx.service","load":"loaded","active":"failed","sub":"failed","description":"A high performance web server"}]""";

        var report = SystemdCollector.Collect(host, _ => json, ProcessCollectorTests.Budget());

        Assert.True(report.Running);
        Assert.Equal(SystemdCollector.Source, report.Source);
        var unit = Assert.Single(report.Failed);
        Assert.Equal(("nginx.service", "failed", "A high performance web server"), (unit.Unit, unit.Sub, unit.Description));
    }

    [Fact]
    public void OlderSystemctlsPlainColumnsAreReadToo()
    {
        var units = SystemdCollector.ParseUnits("● backup.service   loaded failed failed Nightly backup to S3\nlogrotate.timer loaded failed failed Daily rotation of log files\n");

        Assert.Equal(["backup.service", "logrotate.timer"], units.Select(u => u.Unit));
        Assert.Equal("Nightly backup to S3", units[0].Description);
    }

    [Fact]
    public void ASystemctlThatDoesNotAnswerInTimeMakesTheStepPartial()
    {
        using var host = FixtureHost.With("systemd");
        var budget = new StepBudget(new FakeTimeProvider(), TimeSpan.FromSeconds(1));

        var report = SystemdCollector.Collect(host, _ => null, budget);

        Assert.True(report.Running);
        Assert.Empty(report.Failed);
        Assert.True(budget.CutShort);
        Assert.Equal("systemctl did not answer in time", report.Note);
    }

    [Fact]
    public void AFixtureRootWithSystemdIsNotAskedOfTheRealSystemctl()
    {
        using var host = FixtureHost.With("systemd");

        var report = SystemdCollector.Collect(host, null, ProcessCollectorTests.Budget());

        Assert.StartsWith("not checked: systemctl can only ask the running system", report.Note, StringComparison.Ordinal);
    }
}
