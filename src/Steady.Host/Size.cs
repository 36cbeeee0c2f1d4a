using System.Globalization;

namespace Steady.Host;

/// <summary>How numbers read in findings and tables: sizes in binary units, percents, counts.</summary>
public static class Size
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

    /// <summary>1536 → "1.5 KiB"; 4.1 GiB → "4.1 GiB"; 116 GiB → "116 GiB".</summary>
    public static string Human(double bytes)
    {
        var unit = 0;
        var value = Math.Abs(bytes);
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        var sign = bytes < 0 ? "-" : "";
        if (unit == 0)
            return $"{sign}{value.ToString("0", CultureInfo.InvariantCulture)} B";
        return $"{sign}{value.ToString(value < 10 ? "0.0" : "0", CultureInfo.InvariantCulture)} {Units[unit]}";
    }

    /// <summary>97.2 → "97%"; 99.7 → "99.7%" (never "100%" for what is not full).</summary>
    public static string Percent(double percent) =>
        percent is >= 99.5 and < 100 || percent is > 0 and < 1
            ? percent.ToString("0.0", CultureInfo.InvariantCulture) + "%"
            : Math.Round(percent).ToString("0", CultureInfo.InvariantCulture) + "%";

    /// <summary>12345 → "12,345".</summary>
    public static string Count(double count) => count.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>A rate: 0.4 → "0.4", 12.3 → "12", 12345 → "12,345".</summary>
    public static string Number(double value) =>
        value.ToString(Math.Abs(value) < 10 && value != Math.Round(value) ? "0.#" : "#,0", CultureInfo.InvariantCulture);

    /// <summary>How long ago, in words: "40 s ago", "12 min ago", "3 h ago", "2 days ago".</summary>
    public static string Ago(TimeSpan span) => span switch
    {
        { TotalSeconds: < 90 } => $"{Math.Max(0, Math.Round(span.TotalSeconds)):0} s ago",
        { TotalMinutes: < 90 } => $"{Math.Round(span.TotalMinutes):0} min ago",
        { TotalHours: < 48 } => $"{Math.Round(span.TotalHours):0} h ago",
        _ => $"{Math.Round(span.TotalDays):0} days ago",
    };

    /// <summary>A duration in words: "40 min", "2.5 h", "3 days".</summary>
    public static string Duration(TimeSpan span) => span switch
    {
        { TotalMinutes: < 90 } => $"{Math.Max(1, Math.Round(span.TotalMinutes)):0} min",
        { TotalHours: < 10 } => $"{span.TotalHours.ToString("0.#", CultureInfo.InvariantCulture)} h",
        { TotalHours: < 48 } => $"{Math.Round(span.TotalHours):0} h",
        _ => $"{Math.Round(span.TotalDays):0} days",
    };
}
