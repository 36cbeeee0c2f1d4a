using System.Globalization;
using Steady.Host;
using Steady.Host.Collect;

namespace Steady.Agent.Checks;

/// <summary>
/// Filesystems above a threshold (used as df shows it), or filling fast: at the growth seen over
/// the last <c>growthWindow</c>, full within <c>fillHours</c>. The mounts given, or every writable
/// one the snapshot would show.
/// </summary>
public sealed class FilesystemCheck(string name, string severity, IReadOnlyList<string> mounts, double thresholdPercent, double? fillHours, TimeSpan growthWindow) : ICheck
{
    private readonly Dictionary<string, Queue<(DateTimeOffset At, long Used)>> _history = new(StringComparer.Ordinal);

    public string Name => name;

    public string Type => "filesystem";

    public Task<CheckRun> RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var now = context.Time.GetUtcNow();
        IEnumerable<string> paths = mounts.Count > 0
            ? mounts
            : FilesystemCollector.Visible(FilesystemCollector.ParseMountInfo(context.Files.ReadText("proc/self/mountinfo"))).Where(m => !m.ReadOnly).Select(m => m.MountPoint);
        var failing = new List<Failing>();
        var unreadable = new List<string>();
        foreach (var path in paths)
        {
            if (context.Files.StatVolume(path) is not { TotalBytes: > 0 } volume)
            {
                unreadable.Add(path);
                continue;
            }
            var used = volume.TotalBytes - volume.FreeBytes;
            var percent = used + volume.AvailableBytes > 0 ? 100.0 * used / (used + volume.AvailableBytes) : 0;
            var rate = Growth(path, now, used);
            var hoursLeft = rate is > 0 ? volume.AvailableBytes / rate.Value : (double?)null;
            var labels = new Dictionary<string, string> { ["mount"] = path };
            if (percent >= thresholdPercent)
            {
                failing.Add(new Failing(path, string.Create(CultureInfo.InvariantCulture,
                    $"{path} on {context.Host} is {percent:0}% full ({Size.Human(volume.AvailableBytes)} free of {Size.Human(volume.TotalBytes)}; threshold {thresholdPercent:0.#}%)"), severity, labels));
            }
            else if (fillHours is { } limit && hoursLeft is { } left && left <= limit)
            {
                failing.Add(new Failing(path, string.Create(CultureInfo.InvariantCulture,
                    $"{path} on {context.Host} fills in {left:0.#} h at {Size.Human((long)rate!.Value)}/h ({percent:0}% used, {Size.Human(volume.AvailableBytes)} free)"), severity, labels));
            }
        }
        return Task.FromResult(new CheckRun(failing, unreadable.Count == 0 ? null : $"cannot statvfs {string.Join(", ", unreadable)}"));
    }

    /// <summary>Bytes per hour over the growth window, once it spans at least a tenth of it; null before.</summary>
    private double? Growth(string path, DateTimeOffset now, long used)
    {
        if (!_history.TryGetValue(path, out var samples))
            _history[path] = samples = new Queue<(DateTimeOffset, long)>();
        samples.Enqueue((now, used));
        while (samples.Count > 2 && samples.Peek().At < now - growthWindow)
            samples.Dequeue();
        var (at, first) = samples.Peek();
        var hours = (now - at).TotalHours;
        return hours >= growthWindow.TotalHours / 10 ? (used - first) / hours : null;
    }
}
