using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Server.Data;

namespace Steady.Server.Features.Postmortems;

/// <summary>The action items list: by due date or age, filtered by status, team, service, type and owner ("mine"); overdue ones marked.</summary>
public sealed class ActionItemsModel(ActionItemCommands items, SteadyDb db, TimeProvider time) : ConsolePage
{
    public IReadOnlyList<ActionItemDto> Items { get; private set; } = [];

    public IReadOnlyList<(Guid Id, string Name)> Teams { get; private set; } = [];

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Mine { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Team { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Service { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Type { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Order { get; set; }

    public DateTimeOffset Now { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        Now = time.GetUtcNow();
        Teams = (await db.Teams.AsNoTracking().OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(RequestAborted)).Select(t => (t.Id, t.Name)).ToList();
        var status = string.IsNullOrWhiteSpace(Status) ? "unfinished" : Status;
        var rows = await items.ListAsync(new(null, Mine ? Actor.UserId.ToString() : null, status == "all" ? null : status, Type, Team, Service, Order), RequestAborted);
        if (!rows.Succeeded)
        {
            ShowFailure(rows.Failure!);
            return Page();
        }
        Items = rows.Value!;
        return Page();
    }
}
