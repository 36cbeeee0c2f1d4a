using System.Text.Json;
using Steady.Core.Postmortems;

namespace Steady.Server.Features.Postmortems;

/// <summary>PUT /postmortem: only the fields given change. owner: a person's id or email; status: draft, in-review, reviewed, published.</summary>
public sealed record PostmortemInput(
    string? Status = null,
    string? Owner = null,
    DateTimeOffset? DueAt = null,
    string? Summary = null,
    string? Impact = null,
    string? Trigger = null,
    string? RootCause = null,
    string? ContributingFactors = null,
    string? Detection = null,
    string? Resolution = null,
    string? WentWell = null,
    string? WentWrong = null,
    string? GotLucky = null,
    IReadOnlyList<PostmortemTimelineEntry>? Timeline = null,
    string? PublicSummary = null)
{
    /// <summary>The text given for a section by its key (null: not given).</summary>
    public string? Section(string key) => key switch
    {
        "summary" => Summary,
        "impact" => Impact,
        "trigger" => Trigger,
        "rootCause" => RootCause,
        "contributingFactors" => ContributingFactors,
        "detection" => Detection,
        "resolution" => Resolution,
        "wentWell" => WentWell,
        "wentWrong" => WentWrong,
        "gotLucky" => GotLucky,
        _ => null,
    };
}

public sealed record PersonDto(Guid Id, string Name);

/// <summary>One moment of the impact: when, and how many seconds after the start.</summary>
public sealed record ImpactMomentDto(string Name, DateTimeOffset? At, long? SecondsSinceStart);

/// <summary>How many pages reached a person during the incident.</summary>
public sealed record PagedDto(string Name, int Pages);

/// <summary>One status update sent during the incident (the messaging section): internal or public, what it said.</summary>
public sealed record MessageDto(DateTimeOffset At, string Visibility, string Author, string Known, string? Unknown, string Doing);

/// <summary>How long the incident was at one severity, in seconds.</summary>
public sealed record SeverityTimeDto(string Severity, long Seconds);

/// <summary>A status-page component the incident's public updates named, and the worst state they gave it.</summary>
public sealed record ComponentTouchedDto(string Name, string WorstState);

/// <summary>What the postmortem reads live from the incident rather than storing.</summary>
internal sealed record LiveFacts(IReadOnlyList<string> Services, IReadOnlyList<PagedDto> Pages, IReadOnlyList<MessageDto> Messaging,
    IReadOnlyList<SeverityTimeDto> SeverityTimes, IReadOnlyList<ComponentTouchedDto> Components);

/// <summary>A section not written yet, and what to write in it.</summary>
public sealed record SectionHintDto(string Section, string Title, string Hint);

/// <summary>A blameless-check finding in one section: advice, never a refusal.</summary>
public sealed record BlameFindingDto(string Section, string Words, int Start, int Length, string Why, string Suggestion);

public sealed record PostmortemDto(
    Guid Id,
    int Incident,
    string Title,
    string Severity,
    string Status,
    PersonDto? Owner,
    DateTimeOffset? DueAt,
    string? Summary,
    IReadOnlyList<ImpactMomentDto> ImpactTimes,
    IReadOnlyList<SeverityTimeDto> SeverityTimes,
    IReadOnlyList<string> Services,
    IReadOnlyList<ComponentTouchedDto> Components,
    IReadOnlyList<PagedDto> Pages,
    IReadOnlyList<MessageDto> Messaging,
    string? Impact,
    string? Trigger,
    string? RootCause,
    string? ContributingFactors,
    string? Detection,
    string? Resolution,
    string? WentWell,
    string? WentWrong,
    string? GotLucky,
    IReadOnlyList<PostmortemTimelineEntry> Timeline,
    IReadOnlyList<PostmortemResponder> Responders,
    IReadOnlyList<BlameFindingDto> BlamelessCheck,
    IReadOnlyList<SectionHintDto> Unfilled,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? PublishedAt,
    DateTimeOffset? NextReminderAt,
    string? PublicSummary)
{
    /// <summary>The text sections by name, in the order of the template (what the blameless check reads).</summary>
    internal static IEnumerable<(string Section, string? Text)> Sections(Postmortem p) =>
        PostmortemSections.All.Select(s => (s.Key, s.Get(p)));

    /// <summary>The text of a section by its key, in a DTO.</summary>
    public string? Section(string key) => key switch
    {
        "summary" => Summary,
        "impact" => Impact,
        "trigger" => Trigger,
        "rootCause" => RootCause,
        "contributingFactors" => ContributingFactors,
        "detection" => Detection,
        "resolution" => Resolution,
        "wentWell" => WentWell,
        "wentWrong" => WentWrong,
        "gotLucky" => GotLucky,
        _ => null,
    };

    internal static PostmortemDto From(Postmortem p, int number, string title, string severity, PersonDto? owner, IReadOnlyList<ImpactMoment> impact, IReadOnlyList<string> people, LiveFacts facts)
    {
        var findings = Sections(p)
            .SelectMany(s => Core.Postmortems.BlamelessCheck.Check(s.Text, people).Select(f => new BlameFindingDto(s.Section, f.Words, f.Start, f.Length, f.Why, f.Suggestion)))
            .ToList();
        return new(p.Id, number, title, severity, p.Status.ToWire(), owner, p.DueAt, p.Summary,
            impact.Select(m => new ImpactMomentDto(m.Name, m.At, m.SinceStart is { } d ? (long)d.TotalSeconds : null)).ToList(),
            facts.SeverityTimes, facts.Services, facts.Components, facts.Pages, facts.Messaging,
            p.Impact, p.Trigger, p.RootCause, p.ContributingFactors, p.Detection, p.Resolution, p.WentWell, p.WentWrong, p.GotLucky,
            JsonSerializer.Deserialize<List<PostmortemTimelineEntry>>(p.Timeline, PostmortemDrafts.Json) ?? [],
            JsonSerializer.Deserialize<List<PostmortemResponder>>(p.Responders, PostmortemDrafts.Json) ?? [],
            findings, PostmortemSections.Unfilled(p).Select(s => new SectionHintDto(s.Key, s.Title, s.Hint)).ToList(),
            p.CreatedAt, p.UpdatedAt, p.PublishedAt, p.NextReminderAt, p.PublicSummary);
    }
}
