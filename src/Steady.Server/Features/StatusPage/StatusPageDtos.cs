using Steady.Core.StatusPage;

namespace Steady.Server.Features.StatusPage;

public sealed record PageInput(string? Name = null, string? Slug = null, string? Description = null, string? LogoUrl = null, string? HomeUrl = null, string? TimeZone = null, bool? IsDefault = null, bool? Private = null, string? HostName = null);

public sealed record GroupInput(string? Name = null, int? Position = null);

public sealed record ComponentInput(string? Name = null, string? Description = null, string? Group = null, string? Service = null, int? Position = null, string? State = null);

/// <summary>A public update: its status and words, and the state to set each named component to (by name or id).</summary>
public sealed record PublicUpdateInput(string? Status = null, string? Body = null, IReadOnlyDictionary<string, string>? Components = null);

/// <summary>A new public incident: a title, tied to a Steady incident by number or standing alone, and its first update.</summary>
public sealed record PublicIncidentInput(string? Title = null, int? Incident = null, string? Status = null, string? Body = null, IReadOnlyDictionary<string, string>? Components = null);

/// <param name="HasAccessLink">Whether a secret link was made for the page (its key is shown once, when it is made).</param>
public sealed record PageDto(Guid Id, string Slug, bool IsDefault, string Name, string? Description, string? LogoUrl, string? HomeUrl, string TimeZone, string Path, bool Private, string? HostName, bool HasAccessLink)
{
    public static PageDto From(PublicStatusPage p) => new(p.Id, p.Slug, p.IsDefault, p.Name, p.Description, p.LogoUrl, p.HomeUrl, p.TimeZone, StatusPagePaths.Of(p), p.IsPrivate, p.HostName, p.AccessKeyHash is not null);
}

/// <summary>A page's new secret link: shown once; making another replaces it.</summary>
public sealed record AccessLinkDto(string Url, string Key);

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

    /// <summary>
    /// The page's address for links that leave the server (feeds, JSON, messages): its own host name when it has
    /// one (with the scheme of <paramref name="baseUrl"/>), else the server's address and the page's path.
    /// </summary>
    public static string Url(PublicStatusPage page, string baseUrl) =>
        page.HostName is { } host ? $"{(baseUrl.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? "https" : "http")}://{host}" : baseUrl + Of(page);
}
