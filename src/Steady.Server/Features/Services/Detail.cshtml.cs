using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Accounts;
using Steady.Core.Services;
using Steady.Core.Alerts;
using Steady.Core.Incidents;
using Steady.Server.Data;
using Steady.Server.Features.Changes;
using Steady.Server.Features.Checks;
using Steady.Server.Features.Incidents;

namespace Steady.Server.Features.Services;

/// <summary>
/// One service: what it is (name, team, description, runbook) and how it pages (policy, urgency, business hours,
/// acknowledgement timeout, grouping, flapping, checklist), editable by its team's admins through
/// <see cref="ServiceCommands"/>; what is open on it now (alerts, incidents, the freeze, a maintenance window); its
/// checks, which its responders add, change, pause, run and remove through <see cref="CheckCommands"/>; its
/// integration keys.
/// </summary>
public sealed class ServiceDetailModel(SteadyDb db, ServiceCommands services, CheckCommands checks, IncidentSeverities severities, TimeProvider time) : ConsolePage
{
    [BindProperty]
    public ServiceSettingsForm Settings { get; set; } = new();

    [BindProperty]
    public ServiceAboutForm About { get; set; } = new();

    /// <summary>The check being added or changed, shown again with its errors when refused.</summary>
    [BindProperty]
    public CheckForm Check { get; set; } = new();

    /// <summary>Teams this person may move the service to (those they administer).</summary>
    public IReadOnlyList<(Guid Id, string Name)> MovableTo { get; private set; } = [];

    /// <summary>Responders of the service's team change its checks.</summary>
    public bool CanEditChecks { get; private set; }

    public string? PolicyName { get; private set; }

    public IReadOnlyList<string> PolicyNames { get; private set; } = [];

    public int OpenAlerts { get; private set; }

    public IReadOnlyList<(int Number, string Title, string Severity, IncidentStatus Status)> OpenIncidents { get; private set; } = [];

    public FreezeDto Freeze { get; private set; } = null!;

    public MaintenanceWindow? Maintenance { get; private set; }

    public bool CanManage { get; private set; }

    public Service Service { get; private set; } = null!;

    public string TeamName { get; private set; } = "";

    public IReadOnlyList<Steady.Core.Alerts.Check> Checks { get; private set; } = [];

    /// <summary>Null when this person may not see the keys.</summary>
    public IReadOnlyList<IntegrationKey>? Keys { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadAsync(id))
            return NotFound();
        Settings = ServiceSettingsForm.From(Service, PolicyName);
        About = ServiceAboutForm.From(Service);
        return Page();
    }

    public async Task<IActionResult> OnPostAboutAsync(Guid id)
    {
        if (!await LoadAsync(id))
            return NotFound();
        if (!CanManage)
            return StatusCode(StatusCodes.Status403Forbidden);
        Settings = ServiceSettingsForm.From(Service, PolicyName);
        var outcome = await services.UpdateAsync(Actor, id, About.ToPatch(), RequestAborted);
        if (!outcome.Succeeded)
        {
            // A refusal of no one field: a team not theirs to move it to, or a name another service has.
            if (outcome.Failure!.Errors is null)
                ModelState.AddModelError(outcome.Failure.Kind == Steady.Core.FailureKind.Forbidden ? "About.teamId" : "About.name", outcome.Failure.Detail);
            else
                ShowFailure(outcome.Failure, "About.");
            return Page();
        }
        Notice($"{outcome.Value!.Name} saved.");
        return RedirectToPage(new { id });
    }

    /// <summary>Adds a check (no id) or changes one.</summary>
    public async Task<IActionResult> OnPostCheckAsync(Guid id)
    {
        if (!await LoadAsync(id))
            return NotFound();
        if (!CanEditChecks)
            return StatusCode(StatusCodes.Status403Forbidden);
        Settings = ServiceSettingsForm.From(Service, PolicyName);
        About = ServiceAboutForm.From(Service);
        if (!ModelState.IsValid)
            return Page();
        if (Check.Id is { } checkId && Checks.All(c => c.Id != checkId))
            return NotFound();
        var outcome = Check.Id is { } existing
            ? await checks.UpdateAsync(Actor, existing, Check.ToInput(id), RequestAborted)
            : await checks.CreateAsync(Actor, Check.ToInput(id), RequestAborted);
        if (!outcome.Succeeded)
        {
            if (outcome.Failure!.Errors is null)
                ModelState.AddModelError("Check.", outcome.Failure.Detail);
            else
                ShowFailure(outcome.Failure, "Check.");
            return Page();
        }
        Notice(Check.Id is null ? $"Check {outcome.Value!.Name} added: it runs now and every {outcome.Value.IntervalSeconds} s." : $"Check {outcome.Value!.Name} saved.");
        return RedirectToPage(new { id });
    }

    public Task<IActionResult> OnPostCheckRunAsync(Guid id, Guid checkId) =>
        CheckActionAsync(id, checkId, () => checks.RunNowAsync(Actor, checkId, RequestAborted), c => $"Check {c.Name} runs now; its result shows here in a moment.");

    public Task<IActionResult> OnPostCheckPauseAsync(Guid id, Guid checkId, bool enabled) =>
        CheckActionAsync(id, checkId, () => checks.UpdateAsync(Actor, checkId, new CheckInput(Enabled: enabled), RequestAborted), c => c.Enabled ? $"Check {c.Name} resumed." : $"Check {c.Name} paused: it does not run until resumed.");

    public Task<IActionResult> OnPostCheckDeleteAsync(Guid id, Guid checkId) =>
        CheckActionAsync(id, checkId, () => checks.DeleteAsync(Actor, checkId, RequestAborted), c => $"Check {c.Name} removed with its results.");

    private async Task<IActionResult> CheckActionAsync(Guid id, Guid checkId, Func<Task<Steady.Core.Outcome<Steady.Core.Alerts.Check>>> act, Func<Steady.Core.Alerts.Check, string> notice)
    {
        if (!await LoadAsync(id))
            return NotFound();
        if (Checks.All(c => c.Id != checkId))
            return NotFound();
        if (!CanEditChecks)
            return StatusCode(StatusCodes.Status403Forbidden);
        var outcome = await act();
        if (!outcome.Succeeded)
        {
            Settings = ServiceSettingsForm.From(Service, PolicyName);
            About = ServiceAboutForm.From(Service);
            ModelState.AddModelError("checks", outcome.Failure!.Detail);
            return Page();
        }
        Notice(notice(outcome.Value!));
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostSettingsAsync(Guid id)
    {
        if (!await LoadAsync(id))
            return NotFound();
        if (!CanManage)
            return StatusCode(StatusCodes.Status403Forbidden);
        About = ServiceAboutForm.From(Service);
        if (Settings.Grouping == "labels" && string.IsNullOrWhiteSpace(Settings.GroupBy))
            ModelState.AddModelError("groupBy", "Name the labels whose values group alerts, like alertname, instance.");
        if (!ModelState.IsValid)
            return Page();
        var outcome = await services.UpdateAsync(Actor, id, Settings.ToPatch(), RequestAborted);
        if (!outcome.Succeeded)
        {
            if (outcome.Failure!.Kind == Steady.Core.FailureKind.Forbidden)
                return StatusCode(StatusCodes.Status403Forbidden);
            ShowFailure(outcome.Failure);
            return Page();
        }
        Notice($"Paging settings of {outcome.Value!.Name} saved.");
        return RedirectToPage(new { id });
    }

    /// <summary>The page again after a refused key change, its other forms as stored.</summary>
    private async Task<IActionResult> ShownAgainAsync(Guid id)
    {
        if (!await LoadAsync(id))
            return NotFound();
        Settings = ServiceSettingsForm.From(Service, PolicyName);
        About = ServiceAboutForm.From(Service);
        return Page();
    }

    /// <summary>The errors recorded for one field (the command's name for it, or the form's).</summary>
    public IEnumerable<string> Errors(string key) =>
        ModelState.TryGetValue(key, out var entry) ? entry.Errors.Select(e => string.IsNullOrEmpty(e.ErrorMessage) ? "This value is not valid." : e.ErrorMessage) : [];

    public async Task<IActionResult> OnPostKeyAsync(Guid id, string? keyName)
    {
        var outcome = await services.CreateKeyAsync(Actor, id, new IntegrationKeyInput(keyName), RequestAborted);
        if (!outcome.Succeeded)
        {
            ShowFailure(outcome.Failure!);
            return await ShownAgainAsync(id);
        }
        Notice($"Integration key {outcome.Value!.Name} created.");
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, Guid keyId)
    {
        var outcome = await services.RevokeKeyAsync(Actor, id, keyId, RequestAborted);
        if (!outcome.Succeeded)
        {
            ShowFailure(outcome.Failure!);
            return await ShownAgainAsync(id);
        }
        Notice($"Integration key {outcome.Value!.Name} revoked; alerts sent with it are now refused.");
        return RedirectToPage(new { id });
    }

    /// <summary>A check's target: in full to responders of the service's team, with its credentials and query values masked to others.</summary>
    public string TargetOf(Check check) => Permissions.CanRespondFor(Actor, Service.TeamId) ? check.Target : CheckTargets.Masked(check.Kind, check.Target);

    private async Task<bool> LoadAsync(Guid id)
    {
        var service = await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, RequestAborted);
        if (service is null)
            return false;
        Service = service;
        Checks = await db.Checks.AsNoTracking().Where(c => c.ServiceId == id).OrderBy(c => c.Name).ToListAsync(RequestAborted);
        TeamName = await db.Teams.Where(t => t.Id == service.TeamId).Select(t => t.Name).FirstAsync(RequestAborted);
        CanManage = Permissions.CanManageServicesOf(Actor, service.TeamId);
        CanEditChecks = Permissions.CanRespondFor(Actor, service.TeamId);
        MovableTo = (await db.Teams.AsNoTracking().OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(RequestAborted))
            .Where(t => t.Id == service.TeamId || Permissions.CanManageServicesOf(Actor, t.Id)).Select(t => (t.Id, t.Name)).ToList();
        PolicyNames = await db.EscalationPolicies.AsNoTracking().OrderBy(p => p.Name).Select(p => p.Name).ToListAsync(RequestAborted);
        PolicyName = service.EscalationPolicyId is { } policyId
            ? await db.EscalationPolicies.Where(p => p.Id == policyId).Select(p => p.Name).FirstOrDefaultAsync(RequestAborted)
            : null;
        var now = time.GetUtcNow();
        OpenAlerts = await db.Alerts.CountAsync(a => a.ServiceId == id && a.Status != AlertStatus.Resolved, RequestAborted);
        OpenIncidents = (await db.IncidentServices.AsNoTracking().Where(l => l.ServiceId == id)
            .Join(db.Incidents, l => l.IncidentId, i => i.Id, (l, i) => i)
            .Where(i => i.Status != IncidentStatus.Resolved && i.Status != IncidentStatus.Closed)
            .OrderBy(i => i.Number)
            .ToListAsync(RequestAborted))
            .Select(i => (i.Number, i.Title, i.Severity, i.Status)).ToList();
        Freeze = await ChangesApi.VerdictAsync(db, service, severities, now, RequestAborted);
        Maintenance = await db.MaintenanceWindows.AsNoTracking()
            .Where(m => m.ServiceId == id && m.StartsAt <= now && m.EndsAt > now)
            .OrderBy(m => m.EndsAt).FirstOrDefaultAsync(RequestAborted);
        Keys = Permissions.CanSeeIntegrationKeysOf(Actor, service.TeamId)
            ? await db.IntegrationKeys.AsNoTracking().Where(k => k.ServiceId == id).OrderBy(k => k.RevokedAt != null).ThenBy(k => k.Id).ToListAsync(RequestAborted)
            : null;
        return true;
    }
}
