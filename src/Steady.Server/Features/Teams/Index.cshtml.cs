using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Server.Data;

namespace Steady.Server.Features.Teams;

public sealed class TeamsModel(SteadyDb db, TeamCommands teams) : ConsolePage
{
    public sealed record Row(Guid Id, string Name, string? Description, int Members, int Services);

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    [BindProperty]
    public string Name { get; set; } = "";

    [BindProperty]
    public string? Description { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var outcome = await teams.CreateAsync(Actor, new TeamInput(Name, Description), RequestAborted);
        if (!outcome.Succeeded)
        {
            ShowFailure(outcome.Failure!);
            await LoadAsync();
            return Page();
        }
        Notice($"Team {outcome.Value!.Name} created.");
        return Redirect($"/teams/{outcome.Value.Id}");
    }

    private async Task LoadAsync()
    {
        Rows = await db.Teams.AsNoTracking().OrderBy(t => t.Name)
            .Select(t => new Row(t.Id, t.Name, t.Description, db.Memberships.Count(m => m.TeamId == t.Id), db.Services.Count(s => s.TeamId == t.Id)))
            .ToListAsync(RequestAborted);
    }
}
