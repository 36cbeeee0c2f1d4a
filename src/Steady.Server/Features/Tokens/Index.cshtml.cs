using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Accounts;
using Steady.Server.Data;

namespace Steady.Server.Features.Tokens;

public sealed class TokensModel(SteadyDb db, TokenCommands tokens) : ConsolePage
{
    public IReadOnlyList<ApiToken> Tokens { get; private set; } = [];

    [BindProperty]
    public string Name { get; set; } = "";

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadActorAsync())
            return SignedOut();
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await LoadActorAsync())
            return SignedOut();
        var outcome = await tokens.CreateAsync(Actor, new TokenInput(Name), HttpContext.RequestAborted);
        if (!outcome.Succeeded)
        {
            ShowFailure(outcome.Failure!);
            await LoadAsync();
            return Page();
        }
        TempData["NewToken"] = outcome.Value!.Secret;
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid tokenId)
    {
        if (!await LoadActorAsync())
            return SignedOut();
        var outcome = await tokens.RevokeAsync(Actor, tokenId, HttpContext.RequestAborted);
        if (!outcome.Succeeded)
        {
            ShowFailure(outcome.Failure!);
            await LoadAsync();
            return Page();
        }
        Notice($"Token {outcome.Value!.Name} revoked.");
        return RedirectToPage();
    }

    private async Task LoadAsync() =>
        Tokens = await db.ApiTokens.AsNoTracking().Where(t => t.UserId == Actor.UserId).OrderByDescending(t => t.Id).ToListAsync();
}
