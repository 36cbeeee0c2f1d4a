using System.Globalization;

namespace Steady.Cli.Output;

/// <summary>How values read in human output.</summary>
public static class Format
{
    /// <summary>An instant in this machine's time zone, to the minute; "-" for none.</summary>
    public static string Time(DateTimeOffset? instant) =>
        instant is { } value ? TimeZoneInfo.ConvertTime(value, TimeZoneInfo.Local).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "-";

    public static string OrDash(string? text) => string.IsNullOrWhiteSpace(text) ? "-" : Table.Clean(text);
}
