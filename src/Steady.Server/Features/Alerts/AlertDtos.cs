using System.Text.Json;
using Steady.Core.Alerts;
using Steady.Server.Data;

namespace Steady.Server.Features.Alerts;

public sealed record AlertDto(
    Guid Id, Guid ServiceId, string ServiceName, Guid GroupId, string DedupKey, int Occurrence, Guid? PreviousId,
    string Status, string Severity, string Summary, string? Source, IReadOnlyDictionary<string, string> Labels, JsonElement? Details,
    IReadOnlyList<AlertLink> Links, string Format, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, int EventCount,
    DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy, DateTimeOffset? ResolvedAt, string? ResolvedBy,
    Guid? SilencedBy, Guid? MaintenanceId, bool Flapping)
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static AlertDto From(Alert a, string serviceName) => new(
        a.Id, a.ServiceId, serviceName, a.GroupId, a.DedupKey, a.Occurrence, a.PreviousId,
        a.Status.ToWire(), a.Severity.ToWire(), a.Summary, a.Source,
        JsonSerializer.Deserialize<Dictionary<string, string>>(a.Labels) ?? [],
        a.Details is null ? null : StoredText.Json(a.Details),
        a.Links is null ? [] : JsonSerializer.Deserialize<List<AlertLink>>(a.Links, Web) ?? [],
        a.Format, a.FirstSeenAt, a.LastSeenAt, a.EventCount, a.AcknowledgedAt, a.AcknowledgedBy, a.ResolvedAt, a.ResolvedBy,
        a.SilencedBy, a.MaintenanceId, a.Flapping);
}

public sealed record AlertEventDto(DateTimeOffset At, string Kind, string ActorName, string? Note);

public sealed record OccurrenceDto(Guid Id, int Occurrence, string Status, DateTimeOffset FirstSeenAt, DateTimeOffset? ResolvedAt, int EventCount);

public sealed record AlertGroupDto(Guid Id, string Title, bool IsOpen, int AlertCount, int OpenCount, string Severity, DateTimeOffset OpenedAt, DateTimeOffset LastAlertAt, bool Flapping);

public sealed record AlertDetailDto(AlertDto Alert, AlertGroupDto Group, IReadOnlyList<OccurrenceDto> Occurrences, IReadOnlyList<AlertEventDto> History);
