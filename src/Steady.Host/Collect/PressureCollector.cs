using Steady.Host.Model;

namespace Steady.Host.Collect;

/// <summary>Pressure stall information (/proc/pressure/{cpu,memory,io}), Linux 4.20+ with PSI enabled.</summary>
internal static class PressureCollector
{
    public static readonly string[] Resources = ["cpu", "memory", "io"];

    public const string Absent = "/proc/pressure is absent: a kernel without CONFIG_PSI (before 4.20), or a container that hides it";

    public const string Disabled = "/proc/pressure cannot be read: PSI is disabled (boot with psi=1 to enable it)";

    /// <summary>The raw text of each resource, or null for all when PSI is not there (and why in <paramref name="reason"/>).</summary>
    public static Dictionary<string, string>? Sample(IHostFiles files, out string? reason)
    {
        if (!files.Exists("proc/pressure"))
        {
            reason = Absent;
            return null;
        }
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var resource in Resources)
        {
            if (files.ReadText($"proc/pressure/{resource}") is { } text)
                texts[resource] = text;
        }
        reason = texts.Count == 0 ? Disabled : null;
        return texts.Count == 0 ? null : texts;
    }

    public static PressureReport Report(Dictionary<string, string>? before, Dictionary<string, string>? after, double seconds, string? reason)
    {
        if (after is null)
            return new PressureReport(false, reason ?? Absent, null, null, null);
        PressureResource? Resource(string name) =>
            after.TryGetValue(name, out var b) ? Parse(before is not null && before.TryGetValue(name, out var a) ? a : null, b, seconds) : null;
        return new PressureReport(true, null, Resource("cpu"), Resource("memory"), Resource("io"));
    }

    internal static PressureResource Parse(string? before, string after, double seconds)
    {
        var a = Lines(before);
        var b = Lines(after);
        PressureLine? Line(string kind)
        {
            if (!b.TryGetValue(kind, out var now))
                return null;
            double? stalled = a.TryGetValue(kind, out var earlier) && seconds > 0
                ? Math.Round(Math.Clamp((now.Total - earlier.Total) / (seconds * 1_000_000) * 100, 0, 100), 1)
                : null;
            return new PressureLine(now.Avg10, now.Avg60, now.Avg300, now.Total, stalled);
        }
        return new PressureResource(Line("some"), Line("full"));
    }

    private sealed record Line(double Avg10, double Avg60, double Avg300, long Total);

    private static Dictionary<string, Line> Lines(string? text)
    {
        var lines = new Dictionary<string, Line>(StringComparer.Ordinal);
        foreach (var line in ProcText.Lines(text))
        {
            var w = ProcText.Words(line);
            if (w.Length < 5)
                continue;
            string Value(string key) => w.FirstOrDefault(x => x.StartsWith(key + "=", StringComparison.Ordinal))?[(key.Length + 1)..] ?? "0";
            lines[w[0]] = new Line(ProcText.Double(Value("avg10")), ProcText.Double(Value("avg60")), ProcText.Double(Value("avg300")), ProcText.Long(Value("total")));
        }
        return lines;
    }
}
