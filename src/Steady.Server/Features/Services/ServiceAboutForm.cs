using Steady.Core.Services;

namespace Steady.Server.Features.Services;

/// <summary>
/// What a service is, as the service page's form sends it: its name, owning team, description and runbook, and the
/// <see cref="ServicePatch"/> they make (checked by <see cref="ServiceCommands"/> like the API's PATCH).
/// </summary>
public sealed class ServiceAboutForm
{
    public string? Name { get; set; }

    public Guid TeamId { get; set; }

    public string? Description { get; set; }

    public string? RunbookUrl { get; set; }

    public static ServiceAboutForm From(Service service) => new()
    {
        Name = service.Name,
        TeamId = service.TeamId,
        Description = service.Description,
        RunbookUrl = service.RunbookUrl,
    };

    /// <summary>Empty description or runbook: none.</summary>
    public ServicePatch ToPatch() => new(Name: Name ?? "", TeamId: TeamId == Guid.Empty ? null : TeamId, Description: Description ?? "", RunbookUrl: RunbookUrl ?? "");
}
