using Microsoft.AspNetCore.Mvc;
using Steady.Core.StatusPage;

namespace Steady.Server.Features.StatusPage;

/// <summary>
/// The links in subscribers' emails: confirm (a button: mail scanners that open links confirm nothing),
/// manage (choose components, unsubscribe) and unsubscribe (RFC 8058: a POST from the mail client
/// unsubscribes at once). The signed token in the path is the credential, so there is no antiforgery token;
/// a link that is forged, expired or used already says so, with a 4xx.
/// </summary>
[Microsoft.AspNetCore.Authorization.AllowAnonymous]
[IgnoreAntiforgeryToken]
public sealed class SubscriptionModel(StatusPageCache cache, SubscriberCommands subscribers, StatusPageAccess access) : PublicPage(cache)
{
    public string Step { get; private set; } = "";

    public string Token { get; private set; } = "";

    /// <summary>Why the link does not work, in words; null when it does.</summary>
    public string? Problem { get; private set; }

    /// <summary>What was done: confirmed, saved, unsubscribed; null while a button waits.</summary>
    public string? Done { get; private set; }

    public StatusSubscriber? Subscriber { get; private set; }

    public IReadOnlyList<Guid>? Chosen => Subscriber?.ComponentIds();

    public Task<IActionResult> OnGetAsync(string step, string token) => HandleAsync(step, token, post: false, null);

    public Task<IActionResult> OnPostAsync(string step, string token, List<string>? components) => HandleAsync(step, token, post: true, components);

    private async Task<IActionResult> HandleAsync(string step, string token, bool post, List<string>? components)
    {
        (Step, Token) = (step, token);
        if (access.Subscribe(HttpContext, null) is { } wait)
        {
            await StatusPageAccess.TooManyAsync(HttpContext, wait);
            return new EmptyResult();
        }
        var ct = HttpContext.RequestAborted;
        var found = step == "confirm" ? await subscribers.ConfirmAsync(token, dryRun: !post, ct) : await subscribers.FindAsync(token, ct);
        if (found.Page is null || !await LoadAsync(found.Page.Slug))
            return Refused(found.Status, found.Problem ?? "This link is not valid.");
        Subscriber = found.Subscriber;
        if (found.Problem is not null)
            return Refused(found.Status, found.Problem);
        if (!post)
            return Page();
        switch (step)
        {
            case "confirm":
                Done = "confirmed";
                break;
            case "unsubscribe":
                await subscribers.UnsubscribeAsync(found.Subscriber!, ct);
                Done = "unsubscribed";
                break;
            default:
                if (Request.HasFormContentType && Request.Form.ContainsKey("unsubscribe"))
                {
                    await subscribers.UnsubscribeAsync(found.Subscriber!, ct);
                    Done = "unsubscribed";
                    break;
                }
                if (await subscribers.ChooseComponentsAsync(found.Subscriber!, found.Page, components, ct) is { } refused)
                    return Refused(StatusCodes.Status400BadRequest, refused.Errors?.Values.SelectMany(m => m).FirstOrDefault() ?? refused.Detail);
                Done = "saved";
                break;
        }
        return Page();
    }

    private IActionResult Refused(int status, string problem)
    {
        Problem = problem;
        Response.StatusCode = status;
        if (Snapshot is null)
            return new ContentResult { StatusCode = status, ContentType = "text/plain; charset=utf-8", Content = problem };
        return Page();
    }
}
