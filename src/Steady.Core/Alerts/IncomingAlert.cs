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
    string Format);
