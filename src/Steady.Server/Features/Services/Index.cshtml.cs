using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Accounts;
using Steady.Server.Data;

namespace Steady.Server.Features.Services;

public sealed class ServicesModel(SteadyDb db, ServiceCommands services) : ConsolePage
{
    public IReadOnlyList<ServiceDto> Rows { get; private set; } = [];

    /// <summary>The teams this person may add services to.</summary>
    public IReadOnlyList<Team> ManagedTeams { get; private set; } = [];

    [BindProperty]
    public string Name { get; set; } = "";

    [BindProperty]
    public Guid TeamId { get; set; }

    [BindProperty]
    public string? Description { get; set; }

    [BindProperty]
    public string? RunbookUrl { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var outcome = await services.CreateAsync(Actor, new ServiceInput(Name, TeamId, Description, RunbookUrl), RequestAborted);
        if (!outcome.Succeeded)
        {
            ShowFailure(outcome.Failure!);
            await LoadAsync();
            return Page();
        }
        Notice($"Service {outcome.Value!.Name} created. Add an integration key so monitoring can send it alerts.");
        return Redirect($"/services/{outcome.Value.Id}");
    }

    private async Task LoadAsync()
    {
        Rows = await db.Services.AsNoTracking().OrderBy(s => s.Name)
            .Join(db.Teams, s => s.TeamId, t => t.Id, (s, t) => new ServiceDto(s.Id, s.Name, s.TeamId, t.Name, s.Description, s.RunbookUrl, s.CreatedAt))
            .ToListAsync(RequestAborted);
        var teams = await db.Teams.AsNoTracking().OrderBy(t => t.Name).ToListAsync(RequestAborted);
        ManagedTeams = teams.Where(t => Permissions.CanManageServicesOf(Actor, t.Id)).ToList();
    }
}
