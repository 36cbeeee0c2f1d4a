using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Steady.Core.Incidents;

namespace Steady.Server.Features.EmergencyLines;

/// <summary>A retainer client's emergency intake: the written boundaries first, then the form. No sign-in: the secret URL is the key.</summary>
public sealed class EmergencyIntakeModel(EmergencyLineCommands lines, EmergencyLineRequests requests) : PageModel
{
    public EmergencyAgreement? Agreement { get; private set; }

    public string? Error { get; private set; }

    public string? Done { get; private set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Contact { get; set; }

    [BindProperty]
    public string? Description { get; set; }

    [BindProperty]
    public string? Severity { get; set; }

    [BindProperty]
    public bool Understood { get; set; }

    public async Task<IActionResult> OnGetAsync(string key)
    {
        if (TooMany(requests.Check(key)))
            return Page();
        Agreement = await lines.FindByKeyAsync(key, HttpContext.RequestAborted);
        if (Agreement is null)
            Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string key)
    {
        if (TooMany(requests.Check(key)))
            return Page();
        Agreement = await lines.FindByKeyAsync(key, HttpContext.RequestAborted);
        if (Agreement is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        if (!Understood)
        {
            Error = "Please confirm you have read what this line is for and what it is not.";
            return Page();
        }
        var outcome = await lines.SubmitAsync(key, new SubmissionInput(Name, Contact, Description, Severity), HttpContext.RequestAborted);
        if (!outcome.Succeeded)
        {
            TooMany(outcome.Failure);
            Error = outcome.Failure!.Detail;
            Agreement = await lines.FindByKeyAsync(key, HttpContext.RequestAborted);
            return Page();
        }
        Done = $"Received. Incident #{outcome.Value.Incident.Number} is open in triage and the on-call engineer is being paged. Keep your phone close: we will contact you at {outcome.Value.Submission.Contact}.";
        return Page();
    }

    /// <summary>A rate refusal: 429 with Retry-After, and its message at the top of the page.</summary>
    private bool TooMany(Steady.Core.Failure? failure)
    {
        if (failure?.Kind != Steady.Core.FailureKind.TooManyRequests)
            return false;
        Response.StatusCode = StatusCodes.Status429TooManyRequests;
        if (failure.RetryAfter is { } wait)
            Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        RateLimited = failure.Detail;
        return true;
    }

    public string? RateLimited { get; private set; }
}
