using System.Text.Json;
using Steady.Core.Alerts;
using Steady.Server.Data;

namespace Steady.Server.Features.Alerts;

public sealed record AlertDto(
    Guid Id, Guid ServiceId, string ServiceName, Guid GroupId, string DedupKey, int Occurrence, Guid? PreviousId,
    string Status, string Severity, string Summary, string? Source, IReadOnlyDictionary<string, string> Labels, JsonElement? Details,
    IReadOnlyList<AlertLink> Links, string Format, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, int EventCount,
    DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy, DateTimeOffset? ResolvedAt, string? ResolvedBy,
    Guid? SilencedBy, Guid? MaintenanceId, bool Flapping, AlertIncidentDto? Incident = null)
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static AlertDto From(Alert a, string serviceName, AlertIncidentDto? incident = null) => new(
        a.Id, a.ServiceId, serviceName, a.GroupId, a.DedupKey, a.Occurrence, a.PreviousId,
        a.Status.ToWire(), a.Severity.ToWire(), a.Summary, a.Source,
        JsonSerializer.Deserialize<Dictionary<string, string>>(a.Labels) ?? [],
        a.Details is null ? null : StoredText.Json(a.Details),
        a.Links is null ? [] : JsonSerializer.Deserialize<List<AlertLink>>(a.Links, Web) ?? [],
        a.Format, a.FirstSeenAt, a.LastSeenAt, a.EventCount, a.AcknowledgedAt, a.AcknowledgedBy, a.ResolvedAt, a.ResolvedBy,
        a.SilencedBy, a.MaintenanceId, a.Flapping, incident);
}

/// <summary>
/// The incident an alert is in: the open incident that owns its group, or else the last one it was
/// linked to; <c>Open</c> says whether it is still open (then its page is where the work happens).
/// </summary>
public sealed record AlertIncidentDto(Guid Id, int Number, string Title, string Severity, string Status, bool Open)
{
    public static AlertIncidentDto From(Steady.Core.Incidents.Incident i) =>
        new(i.Id, i.Number, i.Title, i.Severity, Steady.Core.Incidents.Lifecycle.Name(i.Status), i.IsOpen);
}

public sealed record AlertEventDto(DateTimeOffset At, string Kind, string ActorName, string? Note);

public sealed record OccurrenceDto(Guid Id, int Occurrence, string Status, DateTimeOffset FirstSeenAt, DateTimeOffset? ResolvedAt, int EventCount);

public sealed record AlertGroupDto(Guid Id, string Title, bool IsOpen, int AlertCount, int OpenCount, string Severity, DateTimeOffset OpenedAt, DateTimeOffset LastAlertAt, bool Flapping);

/// <summary>
/// An alert with its group, occurrences and history. <c>JoinedAcknowledgedGroup</c>: when the alert was new to a group
/// someone had acknowledged, what followed, in words (that person was paged about it, or the group triggered again).
/// </summary>
public sealed record AlertDetailDto(AlertDto Alert, AlertGroupDto Group, IReadOnlyList<OccurrenceDto> Occurrences, IReadOnlyList<AlertEventDto> History, string? JoinedAcknowledgedGroup = null);
