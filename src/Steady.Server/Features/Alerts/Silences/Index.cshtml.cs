using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Alerts;
using Steady.Server.Data;

namespace Steady.Server.Features.Alerts.Silences;

/// <summary>
/// Silences: those in force or coming, and the ones that ended lately; a form to make one (prefilled from an
/// alert's labels by "silence alerts like this one"); and a button to end one. Through <see cref="SuppressionCommands"/> like the API.
/// </summary>
public sealed class SilencesModel(SteadyDb db, SuppressionCommands commands, TimeProvider time) : ConsolePage
{
    public const int MatcherRows = 6;

    [BindProperty]
    public string? Service { get; set; }

    [BindProperty]
    public List<MatcherForm> Matchers { get; set; } = [];

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

    public IReadOnlyList<(Silence Silence, string Service, bool CanEnd)> Current { get; private set; } = [];

    public IReadOnlyList<(Silence Silence, string Service)> Ended { get; private set; } = [];

    /// <summary>Services this person may silence (value: id).</summary>
    public IReadOnlyList<(Guid Id, string Name)> Services { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid? alert)
    {
        await LoadAsync();
        if (alert is { } alertId && await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == alertId, RequestAborted) is { } found)
        {
            Service = found.ServiceId.ToString();
            var labels = JsonSerializer.Deserialize<Dictionary<string, string>>(found.Labels) ?? [];
            Matchers = labels.OrderBy(l => l.Key, StringComparer.Ordinal).Take(MatcherRows).Select(l => new MatcherForm { Name = l.Key, Value = l.Value }).ToList();
            Reason = "";
        }
        return Shown();
    }

    public async Task<IActionResult> OnPostCreateAsync()
    {
        await LoadAsync();
        if (!ModelState.IsValid)
            return Shown();
        var (start, end, minutes, timeErrors) = SuppressionTimes.Read(StartsAt, EndsAt, DurationMinutes, Zone);
        foreach (var (field, error) in timeErrors)
            ModelState.AddModelError(field, error);
        if (timeErrors.Count > 0)
            return Shown();
        var service = Guid.TryParse(Service, out var serviceId) ? serviceId.ToString() : null;
        var matchers = Matchers.Where(m => !string.IsNullOrWhiteSpace(m.Name)).Select(m => m.ToMatcher()).ToList();
        var outcome = await commands.CreateSilenceAsync(Actor, new SilenceInput(matchers, Reason ?? "", service, start, end, minutes), RequestAborted);
        if (!outcome.Succeeded)
        {
            ShowFailure(outcome.Failure!);
            return Shown();
        }
        Notice($"Silence made: matching alerts page nobody until {SuppressionTimes.Format(outcome.Value!.EndsAt, Zone)}.");
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostExpireAsync(Guid id)
    {
        var outcome = await commands.ExpireSilenceAsync(Actor, id, RequestAborted);
        if (outcome.Failure is { Kind: FailureKind.Forbidden })
            return StatusCode(StatusCodes.Status403Forbidden);
        if (!outcome.Succeeded)
        {
            await LoadAsync();
            ModelState.AddModelError("expire", outcome.Failure!.Detail);
            return Shown();
        }
        Notice("Silence ended: the alerts it covered that are still triggered page now.");
        return RedirectToPage();
    }

    public IEnumerable<string> Errors(string key) =>
        ModelState.TryGetValue(key, out var entry) ? entry.Errors.Select(e => string.IsNullOrEmpty(e.ErrorMessage) ? "This value is not valid." : e.ErrorMessage) : [];

    private IActionResult Shown()
    {
        Matchers.RemoveAll(m => string.IsNullOrWhiteSpace(m.Name) && string.IsNullOrWhiteSpace(m.Value));
        while (Matchers.Count < MatcherRows)
            Matchers.Add(new MatcherForm());
        return Page();
    }

    private async Task LoadAsync()
    {
        Zone = Time.Zone.Id;
        var services = await db.Services.AsNoTracking().OrderBy(s => s.Name).ToListAsync(RequestAborted);
        var names = services.ToDictionary(s => s.Id, s => s.Name);
        var teams = services.ToDictionary(s => s.Id, s => s.TeamId);
        Services = services.Where(s => Permissions.CanRespondFor(Actor, s.TeamId)).Select(s => (s.Id, s.Name)).ToList();
        var now = time.GetUtcNow();
        var rows = await db.Silences.AsNoTracking().OrderByDescending(s => s.EndsAt).Take(200).ToListAsync(RequestAborted);
        string ServiceName(Silence s) => s.ServiceId is { } id ? names.GetValueOrDefault(id, "(deleted)") : "all services";
        bool CanEnd(Silence s) => s.ServiceId is { } id ? teams.TryGetValue(id, out var team) && Permissions.CanRespondFor(Actor, team) : Actor.IsAdmin;
        Current = rows.Where(s => !s.IsOverAt(now)).OrderBy(s => s.StartsAt).Select(s => (s, ServiceName(s), CanEnd(s))).ToList();
        Ended = rows.Where(s => s.IsOverAt(now)).Take(20).Select(s => (s, ServiceName(s))).ToList();
    }
}
