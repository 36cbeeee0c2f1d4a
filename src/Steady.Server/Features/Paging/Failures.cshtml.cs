using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Paging;
using Steady.Server.Data;

namespace Steady.Server.Features.Paging;

/// <summary>
/// Pages that could not be delivered, for organization admins (the set-up banner links here): to whom, by which
/// channel, for what, why; a button to send one again (<see cref="DeliveryRetries"/>, like the API) and a link to the
/// person's contact method to fix it.
/// </summary>
public sealed class DeliveryFailuresModel(SteadyDb db, DeliveryRetries retries) : ConsolePage
{
    public const int Shown = 100;

    /// <summary>One failed delivery as the page shows it.</summary>
    public sealed record Row(Delivery Delivery, string Person, string? Method, string? ForText, string? ForLink);

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (!Actor.IsAdmin)
            return StatusCode(StatusCodes.Status403Forbidden);
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRetryAsync(Guid delivery)
    {
        var outcome = await retries.RetryAsync(Actor, delivery, RequestAborted);
        if (outcome.Failure is { Kind: FailureKind.Forbidden })
            return StatusCode(StatusCodes.Status403Forbidden);
        if (!outcome.Succeeded)
        {
            ModelState.AddModelError(string.Empty, outcome.Failure!.Detail);
            await LoadAsync();
            return Page();
        }
        Notice(outcome.Value!.Count == 1 ? "Sent again: it goes out now." : $"Sent again, with the {outcome.Value.Count} pages of the same message: they go out now.");
        return RedirectToPage();
    }

    private async Task LoadAsync()
    {
        var rows = await db.Deliveries.AsNoTracking()
            .Where(d => d.State == DeliveryState.FailedPermanent || d.State == DeliveryState.FailedTemporary)
            .OrderByDescending(d => d.Id).Take(Shown).ToListAsync(RequestAborted);
        var userIds = rows.Select(r => r.UserId).Distinct().ToList();
        var people = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Name, RequestAborted);
        var methodIds = rows.Where(r => r.ContactMethodId is not null).Select(r => r.ContactMethodId!.Value).Distinct().ToList();
        var methods = await db.ContactMethods.AsNoTracking().Where(m => methodIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.Label, RequestAborted);
        var groupIds = rows.Where(r => r.GroupId is not null).Select(r => r.GroupId!.Value).Distinct().ToList();
        var groups = await db.AlertGroups.AsNoTracking().Where(g => groupIds.Contains(g.Id)).ToDictionaryAsync(g => g.Id, g => g.Title, RequestAborted);
        // An alert of each group to link to: its first.
        var firstAlerts = (await db.Alerts.AsNoTracking().Where(a => groupIds.Contains(a.GroupId)).Select(a => new { a.GroupId, a.Id }).ToListAsync(RequestAborted))
            .GroupBy(a => a.GroupId).ToDictionary(g => g.Key, g => g.Min(a => a.Id));
        var incidentIds = rows.Where(r => r.IncidentId is not null).Select(r => r.IncidentId!.Value).Distinct().ToList();
        var incidents = await db.Incidents.AsNoTracking().Where(i => incidentIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => new { i.Number, i.Title }, RequestAborted);
        Rows = rows.Select(d =>
        {
            var (text, link) = d switch
            {
                { IncidentId: { } incident } when incidents.TryGetValue(incident, out var i) => ($"#{i.Number} {i.Title}", $"/incidents/{i.Number}"),
                { AlertId: { } alert } => (d.GroupId is { } g ? groups.GetValueOrDefault(g) : null, $"/alerts/{alert}"),
                { GroupId: { } group } => (groups.GetValueOrDefault(group), firstAlerts.TryGetValue(group, out var first) ? $"/alerts/{first}" : null),
                _ => ((string?)null, (string?)null),
            };
            return new Row(d, people.GetValueOrDefault(d.UserId, "(deleted person)"), d.ContactMethodId is { } m ? methods.GetValueOrDefault(m) : null, text, link);
        }).ToList();
    }
}
