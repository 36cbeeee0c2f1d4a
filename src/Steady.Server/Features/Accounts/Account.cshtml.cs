using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Server.Data;
using Steady.Server.Features.Users;

namespace Steady.Server.Features.Accounts;

/// <summary>The signed-in person's profile, password and console sessions.</summary>
public sealed class AccountModel(SteadyDb db, UserCommands users, ConsoleSessions sessions) : ConsolePage
{
    // Each form posts its own fields only: nullable, so the fields of the other forms are not "required".
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? TimeZone { get; set; }

    [BindProperty]
    public string? CurrentPassword { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    [BindProperty]
    public bool RevokeTokens { get; set; }

    /// <summary>This person's live console sessions, this one marked.</summary>
    public IReadOnlyList<SessionDto> Sessions { get; private set; } = [];

    private Guid? CurrentSession => Guid.TryParse(User.FindFirstValue(ConsoleSessions.SessionClaim), out var id) ? id : null;

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await db.Users.AsNoTracking().FirstAsync(u => u.Id == Actor.UserId, RequestAborted);
        Name = user.Name;
        TimeZone = user.TimeZone;
        await LoadSessionsAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostProfileAsync()
    {
        var outcome = await users.UpdateAsync(Actor, Actor.UserId, new UserPatch(Name ?? "", null, TimeZone ?? "", null, null), RequestAborted);
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
        var outcome = await users.ChangePasswordAsync(Actor, Actor.UserId, new PasswordInput(NewPassword ?? "", CurrentPassword, RevokeTokens), RequestAborted, keepSession: CurrentSession);
        if (!outcome.Succeeded)
        {
            ShowFailure(outcome.Failure!);
            var user = await db.Users.AsNoTracking().FirstAsync(u => u.Id == Actor.UserId, RequestAborted);
            Name = user.Name;
            TimeZone = user.TimeZone;
            await LoadSessionsAsync();
            return Page();
        }
        Notice(RevokeTokens ? "Password changed; your other sessions ended and your API tokens were revoked." : "Password changed; your other sessions ended.");
        return RedirectToPage();
    }

    /// <summary>Ends one of this person's sessions (another device, or this one).</summary>
    public async Task<IActionResult> OnPostEndSessionAsync(Guid sessionId)
    {
        var outcome = await sessions.EndAsync(Actor, Actor.UserId, sessionId, null, RequestAborted);
        Notice(outcome.Succeeded ? "Session ended." : outcome.Failure!.Detail);
        return RedirectToPage();
    }

    /// <summary>Ends every session of this person but this one.</summary>
    public async Task<IActionResult> OnPostEndOtherSessionsAsync()
    {
        var outcome = await sessions.EndAsync(Actor, Actor.UserId, null, CurrentSession, RequestAborted);
        Notice(outcome.Succeeded ? $"{outcome.Value} other session{(outcome.Value == 1 ? "" : "s")} ended." : outcome.Failure!.Detail);
        return RedirectToPage();
    }

    private async Task LoadSessionsAsync()
    {
        var listed = await sessions.ListAsync(Actor, Actor.UserId, CurrentSession, RequestAborted);
        Sessions = listed.Value ?? [];
    }
}
