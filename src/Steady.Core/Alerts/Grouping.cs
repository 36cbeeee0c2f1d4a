using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Steady.Core.Alerts;

/// <summary>
/// How a service groups its alerts and when they flap: its alert settings. <see cref="GroupBy"/> null
/// (not set) follows the sender's own grouping; empty puts every alert of the service in one group.
/// </summary>
public sealed record AlertSettings(IReadOnlyList<string>? GroupBy, TimeSpan GroupWindow, int FlapThreshold, TimeSpan FlapWindow)
{
    public static readonly AlertSettings Default = new(null, TimeSpan.FromMinutes(5), 6, TimeSpan.FromMinutes(15));
}

/// <summary>The group an alert belongs in: its key within the service, the grouping labels as JSON, and the title a new group gets.</summary>
public readonly record struct GroupKey(string Key, string LabelsJson, string Title);

/// <summary>What a new alert (a dedup key the group has not seen) does when it joins a group someone acknowledged.</summary>
public enum JoinOutcome
{
    /// <summary>The person who acknowledged the group is paged about it, through their own notification rules.</summary>
    TellAcknowledger,

    /// <summary>The group triggers again and pages through its escalation policy from the first step.</summary>
    Retrigger,
}

/// <summary>The pure rules of grouping and flapping.</summary>
public static class Grouping
{
    /// <summary>The key of the group that takes every alert of a service (<c>groupBy: []</c>).</summary>
    public const string WholeService = "*";

    /// <summary>
    /// The group an alert belongs in. With the service's <paramref name="groupBy"/> not set, the sender's
    /// own grouping: Alertmanager's group (its groupKey, also as Grafana sends it), else each dedup key on
    /// its own. Set to no labels: every alert of the service in one group. Set to labels: their values.
    /// </summary>
    public static GroupKey KeyFor(IReadOnlyList<string>? groupBy, IncomingAlert alert)
    {
        if (groupBy is null)
            return new GroupKey(alert.SenderGroup ?? "key:" + alert.DedupKey, "{}", alert.Summary);
        if (groupBy.Count == 0)
            return new GroupKey(WholeService, "{}", alert.Summary);
        var values = groupBy.ToDictionary(name => name, name => alert.Labels.GetValueOrDefault(name) ?? "", StringComparer.Ordinal);
        var text = string.Join('\u001f', values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => v.Key + "\u001e" + v.Value));
        var title = string.Join(", ", values.Select(v => $"{v.Key}={v.Value}"));
        return new GroupKey(Hash(text), JsonSerializer.Serialize(values), title);
    }

    /// <summary>The group key for a sender's own group name (Alertmanager's groupKey, which can be long): "am:" and a short hash.</summary>
    public static string SenderGroup(string groupKey) => "am:" + Hash(groupKey);

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    /// <summary>Whether a group is headed by an alert's summary (grouped as the sender groups, or all in one) rather than by its grouping labels' values.</summary>
    public static bool IsTitledBySummary(AlertGroup group) => group.Labels == "{}";

    /// <summary>
    /// An alert joins the group with its key that is still open, or that saw an alert within the window;
    /// otherwise it starts a new group.
    /// </summary>
    public static bool Joins(AlertGroup group, DateTimeOffset now, TimeSpan window) => group.IsOpen || now - group.LastAlertAt <= window;

    /// <summary>
    /// A new alert joined an acknowledged group: more severe than anything the group held, it triggers the
    /// group again; otherwise the person who acknowledged is told — or, when no person did (the sender
    /// acknowledged, or that person can no longer be paged), the group triggers again, so it reaches someone.
    /// </summary>
    public static JoinOutcome WhenANewAlertJoinsAnAcknowledgedGroup(Severity alert, Severity groupWorst, bool acknowledgerCanBePaged) =>
        alert > groupWorst || !acknowledgerCanBePaged ? JoinOutcome.Retrigger : JoinOutcome.TellAcknowledger;

    /// <summary>Too many state changes of one alert within the window: it is flapping.</summary>
    public static bool IsFlapping(int stateChangesInWindow, int threshold) => threshold > 0 && stateChangesInWindow >= threshold;
}
