using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Steady.Server.Features.Users;

namespace Steady.Server.Features.Accounts;

public sealed class LoginModel(UserCommands users, SignIns signIns, TimeProvider time) : PageModel
{
    [BindProperty]
    public string Email { get; set; } = "";

    [BindProperty]
    public string Password { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var cancellationToken = HttpContext.RequestAborted;
        var attempt = await signIns.BeginAsync(Email, HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown", cancellationToken);
        Password = Password ?? "";
        if (attempt.Refused)
            return Refuse(attempt);

        var user = string.IsNullOrWhiteSpace(Email) || Password.Length == 0
            ? null
            : await users.VerifyPasswordAsync(Email, Password, cancellationToken);
        Password = "";
        if (user is null)
        {
            if (await signIns.FailedAsync(attempt, cancellationToken) is { } lockedUntil)
                return Refuse(attempt with { RefusedUntil = lockedUntil, Refusal = "Too many failed sign-ins: sign-in is locked" });
            ModelState.AddModelError(string.Empty, SignIns.WrongCredentials);
            return Page();
        }
        await signIns.SucceededAsync(attempt, user, cancellationToken);
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()), new Claim(ClaimTypes.Name, user.Name), new Claim(ClaimTypes.Email, user.Email)],
            CookieAuthenticationDefaults.AuthenticationScheme);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }

    /// <summary>A locked account or address: 429 with Retry-After, the page saying why and for how long.</summary>
    private PageResult Refuse(SignInAttempt attempt)
    {
        var now = time.GetUtcNow();
        var seconds = Math.Max(1, (int)Math.Ceiling((attempt.RefusedUntil!.Value - now).TotalSeconds));
        Response.StatusCode = StatusCodes.Status429TooManyRequests;
        Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        Password = "";
        ModelState.AddModelError(string.Empty, SignIns.Explain(attempt, now));
        return Page();
    }
}
