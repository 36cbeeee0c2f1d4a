using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Steady.Host.Findings;
using Steady.Host.Model;

namespace Steady.Host.Tests;

/// <summary>Snapshots of fixture hosts on a controlled clock: the interval passes without sleeping.</summary>
internal static class Snap
{
    /// <summary>When a fixture was captured: its boot time (btime in /proc/stat) plus its uptime.</summary>
    public static DateTimeOffset CapturedAt(IHostFiles files)
    {
        var btime = files.ReadText("proc/stat")!.Split('\n').First(l => l.StartsWith("btime ", StringComparison.Ordinal))[6..];
        var uptime = double.Parse(files.ReadText("proc/uptime")!.Split(' ')[0], CultureInfo.InvariantCulture);
        return DateTimeOffset.FromUnixTimeSeconds(long.Parse(btime, CultureInfo.InvariantCulture)).AddSeconds(uptime);
    }

    /// <summary>
    /// Options for a fixture: a fake clock at the capture time that the interval advances by one
    /// second, during which <paramref name="between"/> may change the files (the second sample).
    /// </summary>
    public static SnapshotOptions Options(IHostFiles files, Action? between = null, FakeTimeProvider? time = null)
    {
        var clock = time ?? new FakeTimeProvider(CapturedAt(files));
        return new SnapshotOptions
        {
            Files = files,
            Time = clock,
            Wait = (interval, _) =>
            {
                clock.Advance(interval);
                between?.Invoke();
                return Task.CompletedTask;
            },
            LogTimeZone = TimeZoneInfo.Utc,
            SelfPid = -1,
            PageSize = 4096,
            TicksPerSecond = 100,
            Systemctl = _ => throw new InvalidOperationException("a fixture has no systemctl"),
        };
    }

    public static Task<Snapshot> TakeAsync(IHostFiles files, Action? between = null, Thresholds? thresholds = null) =>
        Snapshotter.TakeAsync(Options(files, between) with { Thresholds = thresholds ?? new Thresholds() }, TestContext.Current.CancellationToken);
}
