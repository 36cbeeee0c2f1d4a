using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Steady.Core.Audit;

namespace Steady.Core.Alerts;

/// <summary>An Alertmanager-style label matcher: name = value, name != value, name =~ regex, name !~ regex.</summary>
public sealed record Matcher(string Name, string Value, bool IsRegex = false, bool IsEqual = true)
{
    /// <summary>Regexes are anchored like Alertmanager's and time-limited so a pathological one cannot stall intake.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var value = labels.GetValueOrDefault(Name) ?? "";
        bool hit;
        if (IsRegex)
        {
            try
            {
                hit = Regex.IsMatch(value, "^(?:" + Value + ")$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50));
            }
            catch (RegexMatchTimeoutException)
            {
                hit = false;
            }
        }
        else
        {
            hit = string.Equals(value, Value, StringComparison.Ordinal);
        }
        return hit == IsEqual;
    }

    /// <summary>The reason a matcher cannot be used, or null.</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Name))
            return "a matcher needs a label name.";
        if (!IsRegex)
            return null;
        try
        {
            _ = new Regex(Value, RegexOptions.None, TimeSpan.FromMilliseconds(50));
            return null;
        }
        catch (ArgumentException e)
        {
            return $"'{Value}' is not a valid regular expression: {e.Message}";
        }
    }

    public override string ToString() => $"{Name}{(IsRegex ? IsEqual ? "=~" : "!~" : IsEqual ? "=" : "!=")}\"{Value}\"";
}

/// <summary>
/// Silences alerts whose labels match every matcher, for a time, with a reason. Silenced alerts are
/// stored and visible; nobody is paged for them while it lasts. When it ends, its mark comes off
/// them, and those still triggered page.
/// </summary>
public sealed class Silence : SuppressionWindow, IAudited
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    /// <summary>What a person may ask of a new silence.</summary>
    public static readonly WindowKind Kind = new("silence", "silence", TimeSpan.FromDays(90), "expire", "expired");

    public Guid Id { get; set; }

    /// <summary>Only alerts of this service; null for every service.</summary>
    public Guid? ServiceId { get; set; }

    /// <summary>JSON array of matchers.</summary>
    public required string Matchers { get; set; }

    public IReadOnlyList<Matcher> ParsedMatchers() => JsonSerializer.Deserialize<List<Matcher>>(Matchers, Json) ?? [];

    public bool Matches(Guid serviceId, IReadOnlyDictionary<string, string> labels) =>
        (ServiceId is null || ServiceId == serviceId) && ParsedMatchers().All(m => m.Matches(labels));

    public static string Serialize(IEnumerable<Matcher> matchers) => JsonSerializer.Serialize(matchers, Json);
}

/// <summary>
/// Planned work on a service: its open alerts, and those that trigger during it, are stored, marked,
/// and page nobody while it is on. When it ends, the mark comes off, and those still triggered page.
/// </summary>
public sealed class MaintenanceWindow : SuppressionWindow, IAudited
{
    /// <summary>What a person may ask of a new maintenance window.</summary>
    public static readonly WindowKind Kind = new("maintenance", "maintenance window", TimeSpan.FromDays(30), "end", "ended");

    public Guid Id { get; set; }

    public Guid ServiceId { get; set; }
}
