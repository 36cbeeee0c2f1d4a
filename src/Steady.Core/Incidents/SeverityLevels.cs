using Steady.Core.Alerts;

namespace Steady.Core.Incidents;

/// <summary>
/// One severity an incident can have, with what it means and what it asks of people: the seed's
/// table (meaning, example, expected response), how often updates are due, whether it pages the
/// service's policy at once, freezes changes on its services, and will need a full postmortem; and what
/// it means for paging: the alert severity its pages and notices carry (<see cref="AlertSeverity"/>,
/// critical for SEV1, error otherwise), which sets how loud a channel is (ntfy priority, colours); and
/// how long its postmortem's owner has (<see cref="PostmortemDue"/>; null: the fallback of 10 business days).
/// </summary>
public sealed record SeverityLevel(
    string Name,
    string Meaning,
    string Example,
    string ExpectedResponse,
    TimeSpan? UpdateCadence,
    bool PagesAtOnce,
    bool Freezes,
    bool RequiresPostmortem,
    bool StatusPage = false,
    Severity AlertSeverity = Severity.Error,
    Postmortems.PostmortemDeadline? PostmortemDue = null);

/// <summary>The organization's severities, most severe first. Configurable; the default is the seed's table.</summary>
public sealed class SeverityTable
{
    public static readonly SeverityTable Default = new(
    [
        new("SEV1", "Critical, major user impact", "Whole site down, data loss", "All hands, page immediately, update status page",
            TimeSpan.FromMinutes(30), PagesAtOnce: true, Freezes: true, RequiresPostmortem: true, StatusPage: true, AlertSeverity: Severity.Critical,
            PostmortemDue: new(3, BusinessDays: false)),
        new("SEV2", "Serious, partial impact", "One key feature broken, login flaky", "Page on-call, fix within hours",
            TimeSpan.FromMinutes(60), PagesAtOnce: true, Freezes: true, RequiresPostmortem: true, PostmortemDue: new(5, BusinessDays: true)),
        new("SEV3", "Minor, limited impact", "Slow page, cosmetic bug", "Handle in business hours",
            null, PagesAtOnce: false, Freezes: false, RequiresPostmortem: false),
    ]);

    public SeverityTable(IReadOnlyList<SeverityLevel> levels)
    {
        if (levels.Count == 0)
            throw new ArgumentException("A severity table needs at least one severity.", nameof(levels));
        var duplicate = levels.GroupBy(l => l.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"Severity '{duplicate.Key}' is defined twice.", nameof(levels));
        if (levels.FirstOrDefault(l => l.UpdateCadence is { } c && c <= TimeSpan.Zero) is { } bad)
            throw new ArgumentException($"Severity '{bad.Name}' has an update cadence that is not positive.", nameof(levels));
        if (levels.FirstOrDefault(l => l.PostmortemDue is { Days: <= 0 or > 365 }) is { } badDue)
            throw new ArgumentException($"Severity '{badDue.Name}' gives its postmortem {badDue.PostmortemDue!.Days} days; give 1 to 365.", nameof(levels));
        Levels = levels;
    }

    /// <summary>Most severe first.</summary>
    public IReadOnlyList<SeverityLevel> Levels { get; }

    public SeverityLevel? Find(string? name) =>
        name is null ? null : Levels.FirstOrDefault(l => string.Equals(l.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The alert severity an incident's pages and notices carry: the level's; error for a name the table does not hold.</summary>
    public Severity AlertSeverityOf(string name) => Find(name)?.AlertSeverity ?? Severity.Error;

    /// <summary>How long a postmortem of this severity gives its owner: the level's deadline, else the fallback (<see cref="Postmortems.PostmortemDue.Fallback"/>).</summary>
    public Postmortems.PostmortemDeadline PostmortemDeadlineOf(string name) => Find(name)?.PostmortemDue ?? Postmortems.PostmortemDue.Fallback;

    /// <summary>The level by name, or the failure that names the known ones.</summary>
    public Outcome<SeverityLevel> Resolve(string field, string? name) =>
        Find(name) is { } level
            ? level
            : Failure.Invalid(field, $"'{name}' is not a severity; use one of {string.Join(", ", Levels.Select(l => l.Name))}.");

    /// <summary>Negative when <paramref name="a"/> is more severe than <paramref name="b"/>.</summary>
    public int Compare(string a, string b) => Rank(a).CompareTo(Rank(b));

    /// <summary>0 for the most severe; unknown names rank last.</summary>
    public int Rank(string name)
    {
        for (var i = 0; i < Levels.Count; i++)
        {
            if (string.Equals(Levels[i].Name, name, StringComparison.OrdinalIgnoreCase))
                return i;
        }
        return Levels.Count;
    }
}
