using Steady.Core.StatusPage;

namespace Steady.Server.Features.StatusPage;

public sealed record PageInput(string? Name = null, string? Slug = null, string? Description = null, string? LogoUrl = null, string? HomeUrl = null, string? TimeZone = null, bool? IsDefault = null);

public sealed record GroupInput(string? Name = null, int? Position = null);

public sealed record ComponentInput(string? Name = null, string? Description = null, string? Group = null, string? Service = null, int? Position = null, string? State = null);

/// <summary>A public update: its status and words, and the state to set each named component to (by name or id).</summary>
public sealed record PublicUpdateInput(string? Status = null, string? Body = null, IReadOnlyDictionary<string, string>? Components = null);

/// <summary>A new public incident: a title, tied to a Steady incident by number or standing alone, and its first update.</summary>
public sealed record PublicIncidentInput(string? Title = null, int? Incident = null, string? Status = null, string? Body = null, IReadOnlyDictionary<string, string>? Components = null);

public sealed record PageDto(Guid Id, string Slug, bool IsDefault, string Name, string? Description, string? LogoUrl, string? HomeUrl, string TimeZone, string Path)
{
    public static PageDto From(PublicStatusPage p) => new(p.Id, p.Slug, p.IsDefault, p.Name, p.Description, p.LogoUrl, p.HomeUrl, p.TimeZone, StatusPagePaths.Of(p));
}

public sealed record GroupDto(Guid Id, string Name, int Position)
{
    public static GroupDto From(StatusComponentGroup g) => new(g.Id, g.Name, g.Position);
}

public sealed record ComponentDto(Guid Id, string Name, string? Description, Guid? GroupId, int Position, Guid? ServiceId, string State, DateTimeOffset UpdatedAt)
{
    public static ComponentDto From(StatusComponent c) => new(c.Id, c.Name, c.Description, c.GroupId, c.Position, c.ServiceId, StatusNames.Wire(c.State), c.UpdatedAt);
}

public sealed record IntervalDto(string State, DateTimeOffset StartedAt, DateTimeOffset? EndedAt)
{
    public static IntervalDto From(ComponentStateInterval i) => new(StatusNames.Wire(i.State), i.StartedAt, i.EndedAt);
}

public sealed record AffectedDto(Guid ComponentId, string Name, string OldState, string NewState);

public sealed record PublicUpdateDto(Guid Id, string Status, string Body, DateTimeOffset At, string Author, IReadOnlyList<AffectedDto> Components);

public sealed record PublicIncidentDto(Guid Id, string Title, int? Incident, string Status, string Impact, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ResolvedAt, IReadOnlyList<PublicUpdateDto> Updates);

public static class StatusPagePaths
{
    public static string Of(PublicStatusPage page) => page.IsDefault ? "/status" : $"/status/{page.Slug}";
}
