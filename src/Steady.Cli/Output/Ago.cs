using System.Globalization;

namespace Steady.Cli.Output;

/// <summary>
/// Instants as a person at 3am reads them: "3m ago", "1h 40m ago", "in 2h". Past times round down
/// and future ones up, so a silence made for 2h reads "in 2h", not "in 1h 59m".
/// </summary>
public static class Ago
{
    public static string Since(DateTimeOffset? at, DateTimeOffset now)
    {
        if (at is not { } instant)
            return "-";
        var span = now - instant;
        if (span < TimeSpan.Zero)
            return span > TimeSpan.FromSeconds(-60) ? "just now" : Until(instant, now);
        return span.TotalSeconds < 5 ? "just now" : Length(span, roundUp: false) + " ago";
    }

    public static string Until(DateTimeOffset? at, DateTimeOffset now)
    {
        if (at is not { } instant)
            return "-";
        var span = instant - now;
        if (span <= TimeSpan.Zero)
            return Since(instant, now);
        return "in " + Length(span, roundUp: true);
    }

    /// <summary>A time and how far it is from now: "2025-06-01 03:12 (14m ago)".</summary>
    public static string Both(DateTimeOffset? at, DateTimeOffset now) =>
        at is { } instant ? $"{Format.Time(instant)} ({(instant > now ? Until(instant, now) : Since(instant, now))})" : "-";

    /// <summary>"45s", "3m", "1h 40m" (under 10 hours the minutes matter), "26h", "3d".</summary>
    public static string Length(TimeSpan span, bool roundUp = false)
    {
        static long Whole(double value, bool up) => (long)(up ? Math.Ceiling(value - 1e-9) : Math.Floor(value));
        if (span.TotalSeconds < 60)
            return $"{Whole(span.TotalSeconds, roundUp).ToString(CultureInfo.InvariantCulture)}s";
        var minutes = Whole(span.TotalMinutes, roundUp);
        if (minutes < 60)
            return $"{minutes.ToString(CultureInfo.InvariantCulture)}m";
        if (minutes < 10 * 60)
            return minutes % 60 == 0 ? $"{minutes / 60}h" : $"{minutes / 60}h {minutes % 60}m";
        var hours = Whole(span.TotalHours, roundUp);
        return hours < 48 ? $"{hours.ToString(CultureInfo.InvariantCulture)}h" : $"{Whole(span.TotalDays, roundUp).ToString(CultureInfo.InvariantCulture)}d";
    }
}
