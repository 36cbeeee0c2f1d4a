using System.Text.Json;

namespace Steady.Core.Alerts;

public enum IntakeAction
{
    Trigger,
    Acknowledge,
    Resolve,
}

public sealed record AlertLink(string Href, string? Text);

/// <summary>One alert event as a monitoring tool sent it, normalized from any intake format.</summary>
public sealed record IncomingAlert(
    IntakeAction Action,
    string DedupKey,
    string Summary,
    Severity Severity,
    string? Source,
    IReadOnlyDictionary<string, string> Labels,
    string? Details,
    IReadOnlyList<AlertLink> Links,
    DateTimeOffset? At,
    string Format)
{
    /// <summary>
    /// The labels as the JSON the alert stores, made where the alert is parsed (on the request's thread),
    /// so the single intake writer does not spend its time serializing.
    /// </summary>
    public string LabelsJson { get; } = JsonSerializer.Serialize(Labels);

    /// <summary>
    /// The sender's own group for this alert, as a group key (<see cref="Grouping.SenderGroup"/>): Alertmanager's
    /// groupKey. Null when the sender has no groups (PagerDuty events, generic alerts): each dedup key is its own.
    /// </summary>
    public string? SenderGroup { get; init; }

    /// <summary>The links as stored JSON, or null when there are none.</summary>
    public string? LinksJson { get; } = Links.Count == 0 ? null : JsonSerializer.Serialize(Links);
}
