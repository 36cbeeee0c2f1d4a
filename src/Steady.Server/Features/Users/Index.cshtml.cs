using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Accounts;
using Steady.Server.Data;

namespace Steady.Server.Features.Users;

public sealed class UsersModel(SteadyDb db, UserCommands users) : ConsolePage
{
    public IReadOnlyList<User> People { get; private set; } = [];

    [BindProperty]
    public string Name { get; set; } = "";

    [BindProperty]
    public string Email { get; set; } = "";

    [BindProperty]
    public string? TimeZone { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public bool IsAdmin { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var input = new UserInput(Name, Email, string.IsNullOrWhiteSpace(TimeZone) ? null : TimeZone.Trim(), IsAdmin, string.IsNullOrEmpty(Password) ? null : Password);
        var outcome = await users.CreateAsync(Actor, input, RequestAborted);
        if (!outcome.Succeeded)
        {
            ShowFailure(outcome.Failure!);
            await LoadAsync();
            return Page();
        }
        Notice($"{outcome.Value!.Name} added.");
        return RedirectToPage();
    }

    private async Task LoadAsync() => People = await db.Users.AsNoTracking().OrderBy(u => u.Name).ToListAsync(RequestAborted);
}
