using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Steady.Core.Alerts;

/// <summary>How a service groups its alerts and when they flap: its alert settings.</summary>
public sealed record AlertSettings(IReadOnlyList<string> GroupBy, TimeSpan GroupWindow, int FlapThreshold, TimeSpan FlapWindow)
{
    public static readonly AlertSettings Default = new([], TimeSpan.FromMinutes(5), 6, TimeSpan.FromMinutes(15));
}

/// <summary>The pure rules of grouping and flapping.</summary>
public static class Grouping
{
    /// <summary>The group an alert belongs in: the values of the service's grouping labels (all alerts of the service when none are set).</summary>
    public static (string Key, string LabelsJson, string Title) KeyFor(IReadOnlyList<string> groupBy, IReadOnlyDictionary<string, string> labels, string summary)
    {
        if (groupBy.Count == 0)
            return ("*", "{}", summary); // one group per service: the common case, on the intake writer's hot path
        var values = groupBy.ToDictionary(name => name, name => labels.GetValueOrDefault(name) ?? "", StringComparer.Ordinal);
        var text = string.Join('\u001f', values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => v.Key + "\u001e" + v.Value));
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
        var title = string.Join(", ", values.Select(v => $"{v.Key}={v.Value}"));
        return (key, JsonSerializer.Serialize(values), title);
    }

    /// <summary>
    /// An alert joins the group with its key that is still open, or that saw an alert within the window;
    /// otherwise it starts a new group.
    /// </summary>
    public static bool Joins(AlertGroup group, DateTimeOffset now, TimeSpan window) => group.IsOpen || now - group.LastAlertAt <= window;

    /// <summary>Too many state changes of one alert within the window: it is flapping.</summary>
    public static bool IsFlapping(int stateChangesInWindow, int threshold) => threshold > 0 && stateChangesInWindow >= threshold;
}
