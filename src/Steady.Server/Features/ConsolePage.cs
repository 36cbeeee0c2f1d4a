using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Server.Features.Accounts;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features;

/// <summary>
/// A console page: the signed-in actor, loaded before every handler runs (no actor: the sign-in
/// redirect, and the handler does not run), the request's cancellation token, and refused commands
/// shown as form errors. Pages open to anyone (sign-in, ack links, the emergency line) are plain
/// <see cref="PageModel"/>s, not console pages.
/// </summary>
public abstract class ConsolePage : PageModel
{
    public Actor Actor { get; private set; } = null!;

    /// <summary>Times as the signed-in person reads them, in the zone on their user record.</summary>
    public Shared.PersonalTime Time { get; private set; } = Shared.PersonalTime.For(null);

    /// <summary>For organization admins: what is not set up that people depend on (the layout shows it as a banner).</summary>
    public IReadOnlyList<Shared.SetupWarning> SetupWarnings { get; private set; } = [];

    /// <summary>The request's cancellation token (the browser went away): pass it to every database and async call.</summary>
    protected CancellationToken RequestAborted => HttpContext.RequestAborted;

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (!await LoadActorAsync())
        {
            context.Result = SignedOut();
            return;
        }
        if (User.HasClaim(c => c.Type == ConsoleSessions.MustChangePasswordClaim) && this is not AccountModel)
        {
            // A one-time password (the first admin's, printed at first start): nothing else until it is changed.
            context.Result = Redirect("/account#password");
            return;
        }
        await next();
    }

    /// <summary>Loads the signed-in actor (once per request); false when nobody is signed in.</summary>
    private async Task<bool> LoadActorAsync()
    {
        var actor = await HttpContext.RequestServices.GetRequiredService<ActorAccessor>().GetAsync(RequestAborted);
        if (actor is null)
            return false;
        Actor = actor;
        var db = HttpContext.RequestServices.GetRequiredService<Data.SteadyDb>();
        Time = Shared.PersonalTime.For(await db.Users.AsNoTracking().Where(u => u.Id == actor.UserId).Select(u => u.TimeZone).FirstOrDefaultAsync(RequestAborted));
        HttpContext.Items[typeof(Shared.PersonalTime)] = Time;
        if (actor.IsAdmin)
        {
            var smtp = HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Notify.SmtpOptions>>().CurrentValue;
            var backup = HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Backups.BackupOptions>>().Value;
            SetupWarnings = await Shared.SetupWarnings.ForAdminsAsync(db, smtp, backup, HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow(), RequestAborted);
        }
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

    private RedirectResult SignedOut() => Redirect("/login?returnUrl=" + Uri.EscapeDataString(Request.Path + Request.QueryString));

    protected void Notice(string message) => TempData["Notice"] = message;
}
