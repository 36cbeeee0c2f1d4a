using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Alerts;
using Steady.Server.Data;

namespace Steady.Server.Features.Alerts.Silences;

/// <summary>Maintenance windows of every service: those in force or planned, those ended lately, a form to plan one and a button to end one. Through <see cref="SuppressionCommands"/> like the API.</summary>
public sealed class MaintenanceModel(SteadyDb db, SuppressionCommands commands, TimeProvider time) : ConsolePage
{
    [BindProperty]
    public Guid Service { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public int DurationMinutes { get; set; } = 120;

    [BindProperty]
    public string? StartsAt { get; set; }

    /// <summary>A local date and time in the person's zone; when given, it is the end instead of the length.</summary>
    [BindProperty]
    public string? EndsAt { get; set; }

    public string Zone { get; private set; } = "UTC";

    public IReadOnlyList<(MaintenanceWindow Window, string Service, bool CanEnd)> Current { get; private set; } = [];

    public IReadOnlyList<(MaintenanceWindow Window, string Service)> Ended { get; private set; } = [];

    public IReadOnlyList<(Guid Id, string Name)> Services { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid? service)
    {
        await LoadAsync();
        Service = service ?? Guid.Empty;
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync()
    {
        await LoadAsync();
        if (!ModelState.IsValid)
            return Page();
        var (start, end, minutes, timeErrors) = SuppressionTimes.Read(StartsAt, EndsAt, DurationMinutes, Zone);
        foreach (var (field, error) in timeErrors)
            ModelState.AddModelError(field, error);
        if (timeErrors.Count > 0)
            return Page();
        var outcome = await commands.PlanMaintenanceAsync(Actor, Service, new MaintenanceInput(Reason ?? "", start, end, minutes), RequestAborted);
        if (!outcome.Succeeded)
        {
            if (outcome.Failure!.Kind == FailureKind.NotFound)
                ModelState.AddModelError("service", "Choose a service.");
            else
                ShowFailure(outcome.Failure);
            return Page();
        }
        Notice($"Maintenance planned until {SuppressionTimes.Format(outcome.Value!.EndsAt, Zone)}.");
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostEndAsync(Guid id, Guid serviceId)
    {
        var outcome = await commands.EndMaintenanceAsync(Actor, serviceId, id, RequestAborted);
        if (outcome.Failure is { Kind: FailureKind.Forbidden })
            return StatusCode(StatusCodes.Status403Forbidden);
        if (!outcome.Succeeded)
        {
            await LoadAsync();
            ModelState.AddModelError("end", outcome.Failure!.Detail);
            return Page();
        }
        Notice("Maintenance ended: its alerts that are still triggered page now.");
        return RedirectToPage();
    }

    public IEnumerable<string> Errors(string key) =>
        ModelState.TryGetValue(key, out var entry) ? entry.Errors.Select(e => string.IsNullOrEmpty(e.ErrorMessage) ? "This value is not valid." : e.ErrorMessage) : [];

    private async Task LoadAsync()
    {
        Zone = Time.Zone.Id;
        var services = await db.Services.AsNoTracking().OrderBy(s => s.Name).ToListAsync(RequestAborted);
        var byId = services.ToDictionary(s => s.Id);
        Services = services.Where(s => Permissions.CanRespondFor(Actor, s.TeamId)).Select(s => (s.Id, s.Name)).ToList();
        var now = time.GetUtcNow();
        var rows = await db.MaintenanceWindows.AsNoTracking().OrderByDescending(m => m.EndsAt).Take(200).ToListAsync(RequestAborted);
        string Name(MaintenanceWindow m) => byId.TryGetValue(m.ServiceId, out var s) ? s.Name : "(deleted)";
        bool CanEnd(MaintenanceWindow m) => byId.TryGetValue(m.ServiceId, out var s) && Permissions.CanRespondFor(Actor, s.TeamId);
        Current = rows.Where(m => !m.IsOverAt(now)).OrderBy(m => m.StartsAt).Select(m => (m, Name(m), CanEnd(m))).ToList();
        Ended = rows.Where(m => m.IsOverAt(now)).Take(20).Select(m => (m, Name(m))).ToList();
    }
}
