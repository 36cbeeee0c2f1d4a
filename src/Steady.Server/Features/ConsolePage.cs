using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Server.Features.Accounts;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features;

/// <summary>A console page: the signed-in actor, and refused commands shown as form errors.</summary>
public abstract class ConsolePage : PageModel
{
    public Actor Actor { get; private set; } = null!;

    protected async Task<bool> LoadActorAsync()
    {
        var actor = await HttpContext.RequestServices.GetRequiredService<ActorAccessor>().GetAsync(HttpContext.RequestAborted);
        if (actor is null)
            return false;
        Actor = actor;
        return true;
    }

    /// <summary>Shows why a command was refused next to the form that sent it.</summary>
    protected void ShowFailure(Failure failure, string prefix = "")
    {
        if (failure.Errors is { Count: > 0 } errors)
        {
            foreach (var (field, messages) in errors)
            {
                foreach (var message in messages)
                    ModelState.AddModelError(prefix + field, message);
            }
        }
        else
        {
            ModelState.AddModelError(string.Empty, failure.Detail);
        }
    }

    protected IActionResult SignedOut() => Redirect("/login?returnUrl=" + Uri.EscapeDataString(Request.Path + Request.QueryString));

    protected void Notice(string message) => TempData["Notice"] = message;
}
