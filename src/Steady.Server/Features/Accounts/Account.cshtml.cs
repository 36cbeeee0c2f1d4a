using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Server.Data;
using Steady.Server.Features.Users;

namespace Steady.Server.Features.Accounts;

public sealed class AccountModel(SteadyDb db, UserCommands users) : ConsolePage
{
    [BindProperty]
    public string Name { get; set; } = "";

    [BindProperty]
    public string TimeZone { get; set; } = "";

    [BindProperty]
    public string? CurrentPassword { get; set; }

    [BindProperty]
    public string NewPassword { get; set; } = "";

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await db.Users.AsNoTracking().FirstAsync(u => u.Id == Actor.UserId, RequestAborted);
        Name = user.Name;
        TimeZone = user.TimeZone;
        return Page();
    }

    public async Task<IActionResult> OnPostProfileAsync()
    {
        var outcome = await users.UpdateAsync(Actor, Actor.UserId, new UserPatch(Name, null, TimeZone, null, null), RequestAborted);
        if (!outcome.Succeeded)
        {
            ShowFailure(outcome.Failure!, "");
            return Page();
        }
        Notice("Profile saved.");
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostPasswordAsync()
    {
        var outcome = await users.ChangePasswordAsync(Actor, Actor.UserId, new PasswordInput(NewPassword, CurrentPassword), RequestAborted);
        if (!outcome.Succeeded)
        {
            ShowFailure(outcome.Failure!);
            var user = await db.Users.AsNoTracking().FirstAsync(u => u.Id == Actor.UserId, RequestAborted);
            Name = user.Name;
            TimeZone = user.TimeZone;
            return Page();
        }
        Notice("Password changed.");
        return RedirectToPage();
    }
}
