using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Alerts;
using Steady.Server.Data;

namespace Steady.Server.Features.Alerts;

/// <summary>
/// The alert list for triage: one row per alert group (a storm of twelve is one row with its count),
/// the most severe first, then what still waits for a person, then the latest; several groups are
/// acknowledged at once with the same command the API's acknowledge uses.
/// </summary>
public sealed class AlertsPageModel(SteadyDb db, AlertActions actions, TimeProvider time) : ConsolePage
{
    private const int PageSize = 100;

    /// <summary>A group as one row: its most urgent alert leads; the others are listed under it.</summary>
    public sealed record GroupRow(Guid GroupId, string? Title, Alert Lead, IReadOnlyList<Alert> Alerts)
    {
        public Severity Severity => Lead.Severity;

        public AlertStatus Status => Alerts.Min(a => a.Status);

        public DateTimeOffset LastSeen => Alerts.Max(a => a.LastSeenAt);

        /// <summary>The alerts a tick acknowledges: those still triggered.</summary>
        public string Triggered => string.Join(",", Alerts.Where(a => a.Status == AlertStatus.Triggered).Select(a => a.Id));
    }

    [BindProperty(SupportsGet = true)]
    public string? Service { get; set; }

    /// <summary>Nullable so that a missing ?status= means "open" rather than a model-binding error.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Label { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? Before { get; set; }

    public IReadOnlyList<GroupRow> Groups { get; private set; } = [];

    public Dictionary<Guid, string> Names { get; private set; } = [];

    public IReadOnlyList<string> ServiceNames { get; private set; } = [];

    public Guid? Older { get; private set; }

    public DateTimeOffset Now { get; private set; }

    public string OlderLink => $"/alerts?service={Uri.EscapeDataString(Service ?? "")}&status={Status}&label={Uri.EscapeDataString(Label ?? "")}&before={Older}";

    // Back to the same filters; a filter too long to be one (no name or label is 500 characters) is
    // dropped rather than echoed into a Location header that no client would accept.
    private string Here => $"/alerts?service={Filter(Service)}&status={Filter(Status)}&label={Filter(Label)}";

    private static string Filter(string? value) => value is { Length: <= 500 } ? Uri.EscapeDataString(value) : "";

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    /// <summary>Acknowledges every ticked group's triggered alerts, each through <see cref="AlertActions.AcknowledgeAsync"/> as the API does.</summary>
    public async Task<IActionResult> OnPostAcknowledgeAsync(string[]? groups)
    {
        var ids = (groups ?? []).SelectMany(g => g.Split(',', StringSplitOptions.RemoveEmptyEntries)).Select(s => Guid.TryParse(s, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).Distinct().ToList();
        if (ids.Count == 0)
        {
            ModelState.AddModelError(string.Empty, "Tick the alerts to acknowledge first.");
            await LoadAsync();
            return Page();
        }
        var done = 0;
        foreach (var id in ids)
        {
            var outcome = await actions.AcknowledgeAsync(Actor, id, RequestAborted);
            if (outcome.Succeeded)
                done++;
            else
                ModelState.AddModelError(string.Empty, outcome.Failure!.Detail);
        }
        if (!ModelState.IsValid)
        {
            await LoadAsync();
            return Page();
        }
        Notice(done == 1 ? "Acknowledged 1 alert." : $"Acknowledged {done} alerts.");
        return Redirect(Here);
    }

    private async Task LoadAsync()
    {
        Now = time.GetUtcNow();
        Status = string.IsNullOrEmpty(Status) ? "open" : Status;
        ServiceNames = await db.Services.AsNoTracking().OrderBy(s => s.Name).Select(s => s.Name).ToListAsync(RequestAborted);
        var filter = new AlertsApi.Filter(string.IsNullOrEmpty(Service) ? null : Service, Status, string.IsNullOrWhiteSpace(Label) ? null : [Label.Trim()], null, null, null);
        var query = await AlertsApi.QueryAsync(db, filter, RequestAborted);
        if (!query.Succeeded)
        {
            ShowFailure(query.Failure!);
            return;
        }
        var q = query.Value!;
        if (Before is { } before)
            q = q.Where(a => a.Id.CompareTo(before) < 0);
        var rows = await q.OrderByDescending(a => a.Id).Take(PageSize + 1).ToListAsync(RequestAborted);
        if (rows.Count > PageSize)
        {
            rows.RemoveAt(PageSize);
            Older = rows[^1].Id;
        }
        var groupIds = rows.Select(a => a.GroupId).Distinct().ToList();
        var titles = await db.AlertGroups.AsNoTracking().Where(g => groupIds.Contains(g.Id)).ToDictionaryAsync(g => g.Id, g => g.Title, RequestAborted);
        Groups = rows.GroupBy(a => a.GroupId)
            .Select(g =>
            {
                var ordered = g.OrderByDescending(a => a.Severity).ThenBy(a => a.Status).ThenByDescending(a => a.LastSeenAt).ToList();
                return new GroupRow(g.Key, titles.GetValueOrDefault(g.Key), ordered[0], ordered);
            })
            .OrderByDescending(g => g.Severity).ThenBy(g => g.Status).ThenByDescending(g => g.LastSeen)
            .ToList();
        Names = await AlertsApi.ServiceNamesAsync(db, rows, RequestAborted);
    }
}
