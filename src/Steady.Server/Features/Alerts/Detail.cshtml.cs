using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Accounts;
using Steady.Server.Data;

namespace Steady.Server.Features.Alerts;

public sealed class AlertDetailModel(SteadyDb db, AlertActions actions, TimeProvider time) : ConsolePage
{
    public AlertDetailDto Detail { get; private set; } = null!;

    public bool CanRespond { get; private set; }

    /// <summary>What the monitoring tool said beyond the summary: the description and the other annotations or details.</summary>
    public Steady.Core.Alerts.AlertDescription About { get; private set; } = Steady.Core.Alerts.AlertDescription.None;

    /// <summary>The group's escalation and every notification sent for it.</summary>
    public Features.Paging.AlertNotificationsDto? Notifications { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        return await LoadAsync(id) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostAckAsync(Guid id)
    {
        var outcome = await actions.AcknowledgeAsync(Actor, id, RequestAborted);
        return await AfterAsync(id, outcome.Failure, "Acknowledged. Escalation stops; it is yours now.");
    }

    public async Task<IActionResult> OnPostResolveAsync(Guid id, string? note)
    {
        var outcome = await actions.ResolveAsync(Actor, id, note, RequestAborted);
        return await AfterAsync(id, outcome.Failure, "Resolved.");
    }

    private async Task<IActionResult> AfterAsync(Guid id, Steady.Core.Failure? failure, string notice)
    {
        if (failure is not null)
        {
            ShowFailure(failure);
            return await LoadAsync(id) ? Page() : NotFound();
        }
        Notice(notice);
        return RedirectToPage(new { id });
    }

    private async Task<bool> LoadAsync(Guid id)
    {
        var detail = await AlertsApi.DetailAsync(db, id, time.GetUtcNow(), RequestAborted);
        if (detail is null)
            return false;
        Detail = detail;
        About = Steady.Core.Alerts.AlertDescription.Read(detail.Alert.Details?.GetRawText(), detail.Alert.Summary, detail.Alert.Links.Select(l => l.Href));
        Notifications = await Steady.Server.Features.Paging.PagingApi.ForAlertAsync(db, id, RequestAborted);
        var teamId = await db.Services.Where(s => s.Id == detail.Alert.ServiceId).Select(s => s.TeamId).FirstAsync(RequestAborted);
        CanRespond = Permissions.CanRespondFor(Actor, teamId);
        return true;
    }
}
