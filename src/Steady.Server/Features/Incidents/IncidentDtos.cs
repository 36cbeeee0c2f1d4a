using System.Text.Json;
using Steady.Core.Incidents;

namespace Steady.Server.Features.Incidents;

public sealed record DeclareInput(
    string? Title = null,
    string? Severity = null,
    IReadOnlyList<string>? Services = null,
    string? Team = null,
    string? Summary = null,
    Guid? AlertId = null,
    Guid? AlertGroupId = null,
    string? Commander = null,
    IReadOnlyList<ChannelInput?>? Channels = null);

public sealed record SeverityInput(string? Severity = null, string? Reason = null);

public sealed record StatusInput(string? Status = null, string? Reason = null, string? Override = null);

public sealed record RoleInput(string? Role = null, string? User = null);

/// <summary>A status update; a public one is also posted to the default status page (<c>publicStatus</c>, <c>publicTitle</c>, <c>publicBody</c> and <c>components</c> shape it there).</summary>
public sealed record UpdateInput(string? Known = null, string? Unknown = null, string? Doing = null, DateTimeOffset? NextUpdateAt = null, string? Visibility = null,
    string? PublicStatus = null, string? PublicTitle = null, string? PublicBody = null, IReadOnlyDictionary<string, string>? Components = null);

public sealed record NoteInput(string? Text = null, DateTimeOffset? At = null, bool Pinned = false);

public sealed record PinInput(bool Pinned = true);

public sealed record ActionInput(string? Intent = null, string? ExpectedEffect = null, string? DecidedBy = null, DateTimeOffset? DoneAt = null, string? ObservedEffect = null, string? Verdict = null);

public sealed record ObservationInput(DateTimeOffset? DoneAt = null, string? ObservedEffect = null, string? Verdict = null);

public sealed record CloseInput(string? WhatHappened = null, string? WhatWasDone = null, string? FailedAssumptions = null, string? WhatShouldChange = null, string? Cause = null);

public sealed record ImportEntry(DateTimeOffset? At = null, string? Kind = null, string? Text = null, string? Key = null);

public sealed record ImportInput(string? Source = null, string? Host = null, IReadOnlyList<ImportEntry>? Entries = null);

public sealed record ImportResult(int Added, int Skipped);

public sealed record EvidenceCreated(Guid Id, int Findings);

public sealed record SeverityDto(string Name, string Meaning, string Example, string ExpectedResponse, int? UpdateCadenceMinutes, bool PagesAtOnce, bool Freezes, bool RequiresPostmortem)
{
    public static SeverityDto From(SeverityLevel l) =>
        new(l.Name, l.Meaning, l.Example, l.ExpectedResponse, l.UpdateCadence is { } c ? (int)c.TotalMinutes : null, l.PagesAtOnce, l.Freezes, l.RequiresPostmortem);
}

public sealed record PersonRoleDto(Guid UserId, string Name, string Role, DateTimeOffset Since);

public sealed record ServiceRefDto(Guid Id, string Name);

public sealed record IncidentSummaryDto(
    Guid Id, int Number, string Title, string Severity, string Status, DateTimeOffset DeclaredAt, DateTimeOffset StartedAt,
    Guid? CommanderId, string? Commander, IReadOnlyList<string> Services, DateTimeOffset? NextUpdateDueAt, IReadOnlyList<string> MyRoles,
    DateTimeOffset? ResolvedAt = null, DateTimeOffset? ClosedAt = null);

public sealed record LinkedAlertDto(Guid Id, string Summary, string Status, string Service, DateTimeOffset FirstSeenAt, DateTimeOffset? ResolvedAt);

public sealed record ChangeDto(Guid Id, Guid ServiceId, string Service, string Summary, string Kind, DateTimeOffset At, string Who, string? Link, string RecordedBy);

public sealed record ActionDto(Guid Id, string Intent, string ExpectedEffect, string DecidedBy, DateTimeOffset DecidedAt, DateTimeOffset? DoneAt, string? ObservedEffect, DateTimeOffset? ObservedAt, string? Verdict)
{
    public static ActionDto From(IncidentAction a) => new(a.Id, a.Intent, a.ExpectedEffect, a.DecidedBy, a.DecidedAt, a.DoneAt, a.ObservedEffect, a.ObservedAt, a.Verdict?.ToWire());
}

public sealed record UpdateDto(Guid Id, DateTimeOffset At, string Known, string? Unknown, string Doing, DateTimeOffset? NextUpdateAt, string Visibility, string Author, string Severity, string Status)
{
    public static UpdateDto From(IncidentUpdate u) =>
        new(u.Id, u.At, u.Known, u.Unknown, u.Doing, u.NextUpdateAt, u.Visibility.ToString().ToLowerInvariant(), u.Author, u.Severity, Lifecycle.Name(u.Status));
}

public sealed record TimelineDto(Guid? Id, DateTimeOffset At, string Kind, string Text, string? Actor, string? Source, string? Host, bool Pinned, Guid? RefId);

public sealed record FindingDto(string Severity, string Area, string Text);

public sealed record EvidenceDto(Guid Id, string Kind, string? Host, DateTimeOffset TakenAt, DateTimeOffset AddedAt, string AddedBy, IReadOnlyList<FindingDto> Findings, JsonElement? Document);

public sealed record HealthDto(string Name, bool Healthy, DateTimeOffset? HealthySince);

public sealed record ResolutionDto(bool Ready, string Detail, DateTimeOffset? AllowedAt, int HealthyForMinutes, IReadOnlyList<HealthDto> Signals);

public sealed record RecordDto(string? WhatHappened, string? WhatWasDone, string? FailedAssumptions, string? WhatShouldChange, string? Cause);

public sealed record IncidentDto(
    Guid Id,
    int Number,
    string Title,
    string Severity,
    SeverityDto SeverityLevel,
    string Status,
    Guid TeamId,
    string? Summary,
    DateTimeOffset DeclaredAt,
    string DeclaredBy,
    DateTimeOffset StartedAt,
    DateTimeOffset? AcknowledgedAt,
    DateTimeOffset? MitigatedAt,
    DateTimeOffset? ResolvedAt,
    DateTimeOffset? ClosedAt,
    string? ResolutionOverride,
    DateTimeOffset? LastUpdateAt,
    DateTimeOffset? NextUpdateDueAt,
    bool UpdateOverdue,
    Guid CommanderId,
    string Commander,
    IReadOnlyList<PersonRoleDto> Roles,
    IReadOnlyList<ServiceRefDto> Services,
    IReadOnlyList<string> StabilizationChecklist,
    IReadOnlyList<LinkedAlertDto> Alerts,
    IReadOnlyList<ActionDto> Actions,
    IReadOnlyList<UpdateDto> Updates,
    IReadOnlyList<ChangeDto> ChangesBefore,
    ResolutionDto Resolution,
    RecordDto? Record,
    bool PostmortemRequired,
    IReadOnlyList<ChannelDto> Channels);
