using Microsoft.AspNetCore.Mvc;

namespace Steady.Server.Features.Postmortems;

/// <summary>The action items list: by due date, filtered by status and owner ("mine"); overdue ones marked.</summary>
public sealed class ActionItemsModel(ActionItemCommands items, TimeProvider time) : ConsolePage
{
    public IReadOnlyList<ActionItemDto> Items { get; private set; } = [];

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Mine { get; set; }

    public DateTimeOffset Now { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        Now = time.GetUtcNow();
        var status = string.IsNullOrWhiteSpace(Status) ? "open" : Status;
        var rows = await items.ListAsync(new(null, Mine ? Actor.UserId.ToString() : null, status == "all" ? null : status, null), RequestAborted);
        if (!rows.Succeeded)
        {
            ShowFailure(rows.Failure!);
            return Page();
        }
        Items = rows.Value!;
        return Page();
    }
}
