using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Incidents;
using Steady.Server.Data;

namespace Steady.Server.Features.Incidents;

public sealed class IncidentDeclareModel(SteadyDb db, IncidentCommands commands, IncidentSeverities severities) : ConsolePage
{
    public IReadOnlyList<SeverityLevel> Levels => severities.Table.Levels;

    public IReadOnlyList<string> ServiceNames { get; private set; } = [];

    [BindProperty(SupportsGet = true)]
    public Guid? Alert { get; set; }

    public string? AlertSummary { get; private set; }

    [BindProperty]
    public string? Title { get; set; }

    [BindProperty]
    public string? Severity { get; set; }

    [BindProperty]
    public string? Service { get; set; }

    [BindProperty]
    public string? Summary { get; set; }

    [BindProperty]
    public string? ChatKind { get; set; } = "slack";

    [BindProperty]
    public string? ChatUrl { get; set; }

    [BindProperty]
    public string? Emails { get; set; }

    /// <summary>The form's chat webhook and email list as channels (blank ones left out).</summary>
    internal static List<ChannelInput?> Channels(string? chatKind, string? chatUrl, string? emails)
    {
        var channels = new List<ChannelInput?>();
        if (!string.IsNullOrWhiteSpace(chatUrl))
            channels.Add(new ChannelInput(chatKind, chatUrl));
        if (!string.IsNullOrWhiteSpace(emails))
            channels.Add(new ChannelInput("email", emails));
        return channels;
    }

    public async Task<IActionResult> OnGetAsync()
    {
        // An alert whose group is already in an open incident: the work is there, not in a second incident.
        if (Alert is { } id && await db.Alerts.AsNoTracking().Where(a => a.Id == id).Select(a => (Guid?)a.GroupId).FirstOrDefaultAsync(RequestAborted) is { } groupId
            && await IncidentGroups.OpenIncidentOfAsync(db, groupId, RequestAborted) is { } existing)
        {
            Notice($"This alert's group is already in incident #{existing.Number}: work on it here.");
            return Redirect($"/incidents/{existing.Number}");
        }
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var input = new DeclareInput(Title, Severity, string.IsNullOrWhiteSpace(Service) ? null : [Service], null, Summary, Alert, Channels: Channels(ChatKind, ChatUrl, Emails));
        var outcome = await commands.DeclareAsync(Actor, input, RequestAborted);
        if (outcome.Failure?.Extensions?.GetValueOrDefault("incident") is Alerts.AlertIncidentDto existing)
        {
            Notice(outcome.Failure.Detail);
            return Redirect($"/incidents/{existing.Number}");
        }
        if (!outcome.Succeeded)
        {
            ShowFailure(outcome.Failure!);
            await LoadAsync();
            return Page();
        }
        Notice($"Declared incident #{outcome.Value!.Number}. You are the incident commander until you hand it over.");
        return Redirect($"/incidents/{outcome.Value.Number}");
    }

    private async Task LoadAsync()
    {
        ServiceNames = await db.Services.AsNoTracking().OrderBy(s => s.Name).Select(s => s.Name).ToListAsync(RequestAborted);
        if (Alert is { } id)
            AlertSummary = await db.Alerts.AsNoTracking().Where(a => a.Id == id).Select(a => a.Summary).FirstOrDefaultAsync(RequestAborted);
    }
}
