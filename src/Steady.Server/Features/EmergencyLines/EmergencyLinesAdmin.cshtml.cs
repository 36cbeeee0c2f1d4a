using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Accounts;
using Steady.Core.Incidents;
using Steady.Server.Data;
using Steady.Server.Features.Incidents;

namespace Steady.Server.Features.EmergencyLines;

/// <summary>The agreements admin page: write a line's boundaries down, change them, see its intake URL and submissions, reinstate it.</summary>
public sealed class EmergencyLinesAdminModel(SteadyDb db, EmergencyLineCommands lines, IncidentSeverities severities) : ConsolePage
{
    public IReadOnlyList<EmergencyAgreement> Agreements { get; private set; } = [];

    public IReadOnlyList<SubmissionDto> Submissions { get; private set; } = [];

    public IReadOnlyDictionary<Guid, string> Services { get; private set; } = new Dictionary<Guid, string>();

    public IReadOnlyDictionary<Guid, string> Policies { get; private set; } = new Dictionary<Guid, string>();

    public IReadOnlyDictionary<Guid, (string Name, string Email)> People { get; private set; } = new Dictionary<Guid, (string, string)>();

    public bool Allowed { get; private set; } = true;

    /// <summary>The agreement whose change was refused, shown open with what was sent.</summary>
    public Guid? EditingId { get; private set; }

    public AgreementPatch? Edited { get; private set; }

    public IReadOnlyList<string> Levels => severities.Table.Levels.Select(l => l.Name).ToList();

    public async Task<IActionResult> OnGetAsync()
    {
        if (!Permissions.CanAdministerOrganization(Actor))
            return Refused();
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync(string? client, string[]? covered, string? hours, string? purpose, string? boundaries, string? service, string? policy, string? commander)
    {
        var outcome = await lines.CreateAsync(Actor, new AgreementInput(client, covered, hours, purpose, boundaries, service, policy, string.IsNullOrWhiteSpace(commander) ? null : commander), RequestAborted);
        if (!outcome.Succeeded)
        {
            if (outcome.Failure!.Kind == Steady.Core.FailureKind.Forbidden)
                return Refused();
            ShowFailure(outcome.Failure);
            await LoadAsync();
            return Page();
        }
        Notice($"Emergency line for {outcome.Value!.Client} written down. Give the client its intake URL: /emergency/{outcome.Value.Key}");
        return RedirectToPage();
    }

    /// <summary>The edit form sends every field, so an emptied one is refused as required rather than left as it was.</summary>
    public async Task<IActionResult> OnPostEditAsync(Guid id, string? client, string[]? covered, string? hours, string? purpose, string? boundaries, string? service, string? policy, string? commander)
    {
        var patch = new AgreementPatch(client ?? "", covered ?? [], hours ?? "", purpose ?? "", boundaries ?? "", service ?? "", policy ?? "", commander ?? "");
        var outcome = await lines.UpdateAsync(Actor, id, patch, RequestAborted);
        if (outcome.Failure?.Kind == Steady.Core.FailureKind.Forbidden)
            return Refused();
        if (!outcome.Succeeded)
        {
            ShowFailure(outcome.Failure!);
            (EditingId, Edited) = (id, patch);
            await LoadAsync();
            return Page();
        }
        Notice($"The agreement for {outcome.Value!.Client} is changed. Its intake URL stays the same.");
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostReinstateAsync(Guid id)
    {
        var outcome = await lines.ReinstateAsync(Actor, id, RequestAborted);
        if (outcome.Failure?.Kind == Steady.Core.FailureKind.Forbidden)
            return Refused();
        if (!outcome.Succeeded)
        {
            ShowFailure(outcome.Failure!);
            await LoadAsync();
            return Page();
        }
        Notice($"The line for {outcome.Value!.Client} is open again.");
        return RedirectToPage();
    }

    private PageResult Refused()
    {
        Allowed = false;
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Page();
    }

    private async Task LoadAsync()
    {
        Agreements = await db.EmergencyAgreements.AsNoTracking().OrderBy(a => a.Client).ToListAsync(RequestAborted);
        Submissions = await lines.SubmissionsAsync(null, RequestAborted);
        Services = (await db.Services.AsNoTracking().OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).ToListAsync(RequestAborted)).ToDictionary(s => s.Id, s => s.Name);
        People = (await db.Users.AsNoTracking().OrderBy(u => u.Name).Select(u => new { u.Id, u.Name, u.Email, u.DisabledAt }).ToListAsync(RequestAborted))
            .ToDictionary(u => u.Id, u => (u.DisabledAt is null ? u.Name : u.Name + " (disabled)", u.Email));
        Policies = (await db.EscalationPolicies.AsNoTracking().OrderBy(p => p.Name).Select(p => new { p.Id, p.Name }).ToListAsync(RequestAborted)).ToDictionary(p => p.Id, p => p.Name);
    }
}
