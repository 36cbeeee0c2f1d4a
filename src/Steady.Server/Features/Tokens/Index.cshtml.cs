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
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var outcome = await tokens.CreateAsync(Actor, new TokenInput(Name), RequestAborted);
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
        var outcome = await tokens.RevokeAsync(Actor, tokenId, RequestAborted);
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
        Tokens = await db.ApiTokens.AsNoTracking().Where(t => t.UserId == Actor.UserId).OrderByDescending(t => t.Id).ToListAsync(RequestAborted);
}
