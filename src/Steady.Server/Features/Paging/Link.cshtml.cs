using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Steady.Server.Features.Paging;

/// <summary>
/// The page a notification's acknowledge or resolve link opens, without signing in: one screen that
/// shows what fired and one big button. GET only shows (mail scanners prefetch links); POST acts.
/// </summary>
public sealed class LinkModel(LinkActions actions) : PageModel
{
    public LinkView? View { get; private set; }

    public string? Done { get; private set; }

    public string? Refused { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token)
    {
        View = await actions.ViewAsync(token, HttpContext.RequestAborted);
        if (View is null)
        {
            Refused = "This link is not valid. Open the alert in Steady instead.";
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
        else if (View.Refusal is not null)
        {
            Refused = View.Refusal;
            Response.StatusCode = StatusCodes.Status410Gone;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string token)
    {
        var outcome = await actions.ActAsync(token, HttpContext.RequestAborted);
        View = await actions.ViewAsync(token, HttpContext.RequestAborted);
        if (outcome.Succeeded)
        {
            Done = outcome.Value;
            return Page();
        }
        Refused = outcome.Failure!.Detail;
        Response.StatusCode = outcome.Failure.Kind == Steady.Core.FailureKind.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status410Gone;
        return Page();
    }
}
