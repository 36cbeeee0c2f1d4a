using Microsoft.AspNetCore.Mvc;

namespace Steady.Server.Features.StatusPage;

/// <summary>The page's subscribe form: an email address and, optionally, the components to hear about; a confirmation link is mailed (double opt-in).</summary>
[Microsoft.AspNetCore.Authorization.AllowAnonymous]
public sealed class SubscribeModel(StatusPageCache cache, SubscriberCommands subscribers, StatusPageAccess access) : PublicPage(cache)
{
    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public List<string> Components { get; set; } = [];

    public bool Sent { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? slug) => await ReadAsync(slug, cacheable: false) ?? Page();

    public async Task<IActionResult> OnPostAsync(string? slug)
    {
        if (await ReadAsync(slug, cacheable: false) is { } early)
            return early;
        if (access.Subscribe(HttpContext, Email) is { } wait)
        {
            await StatusPageAccess.TooManyAsync(HttpContext, wait);
            return new EmptyResult();
        }
        var refused = await subscribers.SubscribeAsync(Snapshot.Page, Email, Components, HttpContext.RequestAborted);
        if (refused is not null)
        {
            foreach (var (field, messages) in refused.Errors ?? new Dictionary<string, string[]>())
            {
                foreach (var message in messages)
                    ModelState.AddModelError(field, message);
            }
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Sent = true;
        return Page();
    }
}
