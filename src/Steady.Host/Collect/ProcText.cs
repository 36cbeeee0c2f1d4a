using System.Globalization;

namespace Steady.Host.Collect;

/// <summary>The shapes /proc files come in, parsed without regular expressions.</summary>
internal static class ProcText
{
    public static long Long(string text) => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;

    public static double Double(string text) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : 0;

    public static string[] Words(string line) => line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);

    public static IEnumerable<string> Lines(string? text) =>
        text is null ? [] : text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>"name value" per line (/proc/vmstat).</summary>
    public static Dictionary<string, long> NameValues(string? text)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in Lines(text))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0)
                values[line[..space]] = Long(line[(space + 1)..].Trim());
        }
        return values;
    }

    /// <summary>"Name:   value kB" per line (/proc/meminfo, /proc/PID/status), kB turned into bytes.</summary>
    public static Dictionary<string, long> Colon(string? text)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in Lines(text))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
                continue;
            var rest = Words(line[(colon + 1)..]);
            if (rest.Length == 0)
                continue;
            var value = Long(rest[0]);
            values[line[..colon]] = rest.Length > 1 && rest[1] == "kB" ? value * 1024 : value;
        }
        return values;
    }

    /// <summary>
    /// Header/value line pairs (/proc/net/snmp, /proc/net/netstat): "Tcp: A B" then "Tcp: 1 2"
    /// become "Tcp.A" = 1, "Tcp.B" = 2.
    /// </summary>
    public static Dictionary<string, long> Headered(string? text)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        string[]? header = null;
        foreach (var line in Lines(text))
        {
            var words = Words(line);
            if (words.Length == 0)
                continue;
            if (header is not null && header[0] == words[0])
            {
                var prefix = words[0].TrimEnd(':');
                for (var i = 1; i < Math.Min(header.Length, words.Length); i++)
                    values[$"{prefix}.{header[i]}"] = Long(words[i]);
                header = null;
            }
            else
            {
                header = words;
            }
        }
        return values;
    }

    /// <summary>A rate per second, or null when there was no interval.</summary>
    public static double? Rate(long before, long after, double seconds) =>
        seconds > 0 ? Math.Round(Math.Max(0, after - before) / seconds, 1) : null;

    public static double Percent(double part, double whole) => whole > 0 ? Math.Round(100 * part / whole, 1) : 0;
}
