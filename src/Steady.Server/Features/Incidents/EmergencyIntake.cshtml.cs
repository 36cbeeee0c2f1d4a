using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Steady.Core.Incidents;

namespace Steady.Server.Features.Incidents;

/// <summary>A retainer client's emergency intake: the written boundaries first, then the form. No sign-in: the secret URL is the key.</summary>
public sealed class EmergencyIntakeModel(EmergencyLines lines) : PageModel
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
        Agreement = await lines.FindByKeyAsync(key, HttpContext.RequestAborted);
        if (Agreement is null)
            Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string key)
    {
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
            Error = outcome.Failure!.Detail;
            Agreement = await lines.FindByKeyAsync(key, HttpContext.RequestAborted);
            return Page();
        }
        Done = $"Received. Incident #{outcome.Value.Incident.Number} is open in triage and the on-call engineer is being paged. Keep your phone close: we will contact you at {outcome.Value.Submission.Contact}.";
        return Page();
    }
}
