using Steady.Core.Audit;

namespace Steady.Core.StatusPage;

/// <summary>A public status page: the default one is at /status, the others at /status/{slug}.</summary>
public sealed class PublicStatusPage : IAudited
{
    public Guid Id { get; set; }

    public required string Slug { get; set; }

    public bool IsDefault { get; set; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    public string? LogoUrl { get; set; }

    public string? HomeUrl { get; set; }

    public required string TimeZone { get; set; }

    /// <summary>Visible only to signed-in people, or through the secret link (<see cref="AccessKeyHash"/>).</summary>
    public bool IsPrivate { get; set; }

    /// <summary>The hash of the secret link's key; null when no link was made. The key itself is shown once.</summary>
    [AuditIgnore]
    public string? AccessKeyHash { get; set; }

    /// <summary>A host name (status.example.com) that serves this page at <c>/</c>, behind a reverse proxy.</summary>
    public string? HostName { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Bumped by every change to what the page shows: nodes compare it to know their rendering is stale.</summary>
    [AuditIgnore]
    public DateTimeOffset ChangedAt { get; set; }
}

/// <summary>An ordered group of components on a page.</summary>
public sealed class StatusComponentGroup : IAudited
{
    public Guid Id { get; set; }

    public Guid PageId { get; set; }

    public required string Name { get; set; }

    public int Position { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A part of the product as customers see it, optionally in a group and linked to a Steady service.</summary>
public sealed class StatusComponent : IAudited
{
    public Guid Id { get; set; }

    public Guid PageId { get; set; }

    public Guid? GroupId { get; set; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    public int Position { get; set; }

    public Guid? ServiceId { get; set; }

    public ComponentState State { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One stretch of a component's history in one state; the open one (no end) is the current state.</summary>
public sealed class ComponentStateInterval
{
    public Guid Id { get; set; }

    public Guid ComponentId { get; set; }

    public ComponentState State { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }
}

/// <summary>An incident as the page tells it: tied to a Steady incident, or standing alone (a provider's outage).</summary>
public sealed class PublicIncident : IAudited
{
    public Guid Id { get; set; }

    public Guid PageId { get; set; }

    public Guid? IncidentId { get; set; }

    public required string Title { get; set; }

    public PublicIncidentStatus Status { get; set; }

    /// <summary>Statuspage's impact: none, minor, major, critical (the worst state its updates set).</summary>
    public required string Impact { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }
}

/// <summary>One public update: its status, its words, who posted it.</summary>
public sealed class PublicIncidentUpdate : IAudited
{
    public Guid Id { get; set; }

    public Guid PublicIncidentId { get; set; }

    public PublicIncidentStatus Status { get; set; }

    public required string Body { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Author { get; set; }
}

/// <summary>A component an update named, and the state it set it to (and the one it had before).</summary>
public sealed class PublicUpdateComponent
{
    public Guid UpdateId { get; set; }

    public Guid ComponentId { get; set; }

    public ComponentState OldState { get; set; }

    public ComponentState NewState { get; set; }
}
