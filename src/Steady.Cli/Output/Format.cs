using System.Globalization;

namespace Steady.Cli.Output;

/// <summary>How values read in human output.</summary>
public static class Format
{
    /// <summary>An instant in this machine's time zone, to the minute; "-" for none.</summary>
    public static string Time(DateTimeOffset? instant) =>
        instant is { } value ? TimeZoneInfo.ConvertTime(value, TimeZoneInfo.Local).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "-";

    /// <summary>An instant in the named IANA zone, the zone named: "Mon 2026-11-30 09:00 Europe/Berlin"; this machine's zone when the id is unknown.</summary>
    public static string InZone(DateTimeOffset instant, string? zoneId)
    {
        var zone = TimeZoneInfo.Local;
        if (zoneId is not null && TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var found))
            zone = found;
        return TimeZoneInfo.ConvertTime(instant, zone).ToString("ddd yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " " + zone.Id;
    }

    public static string OrDash(string? text) => string.IsNullOrWhiteSpace(text) ? "-" : Table.Clean(text);
}
