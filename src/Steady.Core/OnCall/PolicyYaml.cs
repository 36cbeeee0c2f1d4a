using System.Globalization;
using System.Text.RegularExpressions;
using NodaTime;

namespace Steady.Core.OnCall;

/// <summary>A policy as written in configuration: steps name users or schedules, resolved later.</summary>
public sealed record PolicyDefinition(string Name, IReadOnlyList<StepDefinition> Steps, int Repeat);

/// <summary>One step as written: the names it notifies (a user's email or name, or a schedule), and its wait.</summary>
public sealed record StepDefinition(IReadOnlyList<string> Notify, Duration Wait, bool RoundRobin);

/// <summary>
/// Durations as people write them in configuration: 30s, 5m, 2h, 1d, or combinations like 1h30m.
/// </summary>
public static partial class Durations
{
    public static Duration? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var trimmed = text.Trim().ToLowerInvariant();
        if (int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes))
            return Duration.FromMinutes(minutes);
        var matches = Part().Matches(trimmed);
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)) != trimmed)
            return null;
        var total = Duration.Zero;
        foreach (Match m in matches)
        {
            var n = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            total += m.Groups[2].Value switch
            {
                "s" => Duration.FromSeconds(n),
                "m" => Duration.FromMinutes(n),
                "h" => Duration.FromHours(n),
                _ => Duration.FromDays(n),
            };
        }
        return total;
    }

    public static string Format(Duration duration) =>
        duration.TotalSeconds % 86400 == 0 ? $"{duration.TotalDays:0}d"
        : duration.TotalSeconds % 3600 == 0 ? $"{duration.TotalHours:0}h"
        : duration.TotalSeconds % 60 == 0 ? $"{duration.TotalMinutes:0}m"
        : $"{duration.TotalSeconds:0}s";

    [GeneratedRegex(@"(\d{1,6})([smhd])")]
    private static partial Regex Part();
}
