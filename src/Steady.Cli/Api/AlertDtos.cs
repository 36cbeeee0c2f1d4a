using System.Text.Json;

namespace Steady.Cli.Api;

// The parts of the server's alert, silence and maintenance JSON that the human output reads.

public sealed record AlertLinkDto(string Href, string? Text);

public sealed record AlertDto(
    Guid Id, Guid ServiceId, string ServiceName, Guid GroupId, string DedupKey, int Occurrence, Guid? PreviousId,
    string Status, string Severity, string Summary, string? Source, IReadOnlyDictionary<string, string>? Labels, JsonElement? Details,
    IReadOnlyList<AlertLinkDto>? Links, string? Format, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, int EventCount,
    DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy, DateTimeOffset? ResolvedAt, string? ResolvedBy,
    Guid? SilencedBy, Guid? MaintenanceId, bool Flapping, AlertIncidentDto? Incident = null);

/// <summary>The incident an alert is in (open: where the work happens), as the server names it.</summary>
public sealed record AlertIncidentDto(Guid Id, int Number, string Title, string Severity, string Status, bool Open);

public sealed record AlertGroupDto(Guid Id, string Title, bool IsOpen, int AlertCount, int OpenCount, string Severity, DateTimeOffset OpenedAt, DateTimeOffset LastAlertAt, bool Flapping);

public sealed record OccurrenceDto(Guid Id, int Occurrence, string Status, DateTimeOffset FirstSeenAt, DateTimeOffset? ResolvedAt, int EventCount);

public sealed record AlertEventDto(DateTimeOffset At, string Kind, string? ActorName, string? Note);

public sealed record AlertDetailDto(AlertDto Alert, AlertGroupDto? Group, IReadOnlyList<OccurrenceDto>? Occurrences, IReadOnlyList<AlertEventDto>? History, string? JoinedAcknowledgedGroup = null);

public sealed record SilenceMatcherDto(string Name, string Value, bool IsRegex, bool IsEqual);

public sealed record SilenceDto(Guid Id, Guid? ServiceId, IReadOnlyList<SilenceMatcherDto> Matchers, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Reason, string CreatedBy, DateTimeOffset CreatedAt, bool Active);

public sealed record MaintenanceDto(Guid Id, Guid ServiceId, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Reason, string CreatedBy, bool Active);
