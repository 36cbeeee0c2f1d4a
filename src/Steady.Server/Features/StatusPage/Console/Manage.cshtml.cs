using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Incidents;
using Steady.Core.StatusPage;
using Steady.Server.Data;
using Steady.Server.Features.Alerts.Silences;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.StatusPage.Console;

/// <summary>A component as the console lists it: its group and service, and what the service's open incidents suggest (never applied without a person).</summary>
public sealed record ComponentRow(StatusComponent Component, string? Group, string? Service, string? Suggestion);

/// <summary>
/// One status page in the console: its settings and secret link, groups and components (states set here by
/// responders), scheduled maintenance, subscribers (administrators) and the deletes — each form through the
/// same commands as the API, refusals shown next to the form.
/// </summary>
public sealed class ManageModel(
    SteadyDb db,
    StatusPageCommands pages,
    MaintenanceCommands maintenances,
    SubscriberCommands subscribers,
    PublicUrls urls) : ConsolePage
{
    public PublicStatusPage Status { get; private set; } = null!;

    public IReadOnlyList<StatusComponentGroup> Groups { get; private set; } = [];

    public IReadOnlyList<ComponentRow> Components { get; private set; } = [];

    public IReadOnlyList<MaintenanceDto> Maintenances { get; private set; } = [];

    public SubscribersDto? Subscribers { get; private set; }

    public IReadOnlyList<string> Services { get; private set; } = [];

    public bool CanAdminister => Permissions.CanAdministerOrganization(Actor);

    public bool CanPost => StatusPageCommands.CanPost(Actor);

    public string Zone => Time.Zone.Id;

    /// <summary>Which form a refusal belongs to, so it is shown there (and its details opened).</summary>
    public string? Failed { get; private set; }

    public string PublicUrl => StatusPagePaths.Url(Status, urls.Base());

    public async Task<IActionResult> OnGetAsync(string slug) => await LoadAsync(slug) ? Page() : NotFound();

    /// <summary>The subscribers as CSV, as the API exports them (the export is in the audit log).</summary>
    public async Task<IActionResult> OnGetExportAsync(string slug)
    {
        if (!await LoadAsync(slug))
            return NotFound();
        if (!CanAdminister)
            return StatusCode(StatusCodes.Status403Forbidden);
        var csv = await StatusPageAdminApi.SubscribersCsvAsync(db, Actor, Status, RequestAborted);
        return File(System.Text.Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", $"{Status.Slug}-subscribers.csv");
    }

    public Task<IActionResult> OnPostSettingsAsync(string slug, string? name, string? description, string? logoUrl, string? homeUrl, string? timeZone, bool isDefault, bool isPrivate, string? hostName) =>
        RunAsync(slug, "settings", async () =>
        {
            var outcome = await pages.ChangePageAsync(Actor, slug, new PageInput(name ?? "", null, description ?? "", logoUrl ?? "", homeUrl ?? "", string.IsNullOrWhiteSpace(timeZone) ? null : timeZone, isDefault ? true : null, isPrivate, hostName ?? ""), RequestAborted);
            return (outcome.Failure, $"Settings of {name} saved.");
        });

    public Task<IActionResult> OnPostAccessLinkAsync(string slug) =>
        RunAsync(slug, "settings", async () =>
        {
            var outcome = await pages.CreateAccessLinkAsync(Actor, slug, RequestAborted);
            return (outcome.Failure, outcome.Succeeded ? $"New secret link (shown only now; the old one no longer works): {StatusPagePaths.Url(outcome.Value.Page, urls.Base())}?{StatusPageAccess.AccessQuery}={outcome.Value.Key}" : "");
        });

    public async Task<IActionResult> OnPostDeletePageAsync(string slug, string? confirm)
    {
        if (!string.Equals(confirm?.Trim(), slug, StringComparison.Ordinal))
            return await RefuseAsync(slug, "delete", Failure.Invalid("confirm", $"Type the page's slug, {slug}, to delete it and everything on it."));
        var outcome = await pages.DeletePageAsync(Actor, slug, RequestAborted);
        if (!outcome.Succeeded)
            return await RefuseAsync(slug, "delete", outcome.Failure!);
        Notice($"Status page {outcome.Value!.Name} deleted.");
        return Redirect("/status-pages");
    }

    public Task<IActionResult> OnPostAddGroupAsync(string slug, string? name) =>
        RunAsync(slug, "group", async () => ((await pages.AddGroupAsync(Actor, slug, new GroupInput(name), RequestAborted)).Failure, $"Group {name} added."));

    public Task<IActionResult> OnPostDeleteGroupAsync(string slug, Guid id) =>
        RunAsync(slug, "group", async () => ((await pages.DeleteGroupAsync(Actor, slug, id.ToString(), RequestAborted)).Failure, "Group deleted; its components stay, in no group."));

    public Task<IActionResult> OnPostAddComponentAsync(string slug, string? name, string? description, string? group, string? service) =>
        RunAsync(slug, "component", async () => ((await pages.AddComponentAsync(Actor, slug, new ComponentInput(name, Blank(description), Blank(group), Blank(service)), RequestAborted)).Failure, $"Component {name} added."));

    public Task<IActionResult> OnPostEditComponentAsync(string slug, Guid id, string? name, string? description, string? group, string? service, int? position) =>
        RunAsync(slug, $"edit-{id}", async () => ((await pages.ChangeComponentAsync(Actor, slug, id.ToString(), new ComponentInput(name, description ?? "", group ?? "", service ?? "", position), RequestAborted)).Failure, $"Component {name} saved."));

    public Task<IActionResult> OnPostDeleteComponentAsync(string slug, Guid id) =>
        RunAsync(slug, $"edit-{id}", async () => ((await pages.DeleteComponentAsync(Actor, slug, id.ToString(), RequestAborted)).Failure, "Component deleted with its history."));

    public Task<IActionResult> OnPostSetStateAsync(string slug, Guid id, string? state) =>
        RunAsync(slug, "components", async () =>
        {
            var outcome = await pages.ChangeComponentAsync(Actor, slug, id.ToString(), new ComponentInput(State: state ?? ""), RequestAborted);
            return (outcome.Failure, outcome.Succeeded ? $"{outcome.Value!.Name} is now {StatusNames.Words(outcome.Value.State).ToLowerInvariant()}; subscribers are told." : "");
        });

    public Task<IActionResult> OnPostScheduleAsync(string slug, string? title, string? body, string? startsAt, string? endsAt, List<string>? components, int? noticeMinutes, bool silenceAlerts) =>
        RunAsync(slug, "schedule", async () =>
        {
            var (start, startError) = SuppressionTimes.Start(startsAt, Zone);
            var (end, endError) = SuppressionTimes.Start(endsAt, Zone);
            if (startError is not null || endError is not null || start is null || end is null)
                return (Failure.Invalid("startsAt", "Give the start and the end as dates and times."), "");
            var outcome = await maintenances.ScheduleAsync(Actor, slug, new ScheduledMaintenanceInput(title, body, start, end, null, components, noticeMinutes, silenceAlerts), RequestAborted);
            return (outcome.Failure, $"Maintenance {title} scheduled; subscribers are told.");
        });

    public Task<IActionResult> OnPostMaintenanceUpdateAsync(string slug, Guid id, string? status, string? body) =>
        RunAsync(slug, $"maintenance-{id}", async () => ((await maintenances.PostUpdateAsync(Actor, slug, id, new MaintenanceUpdateInput(status, body), RequestAborted)).Failure, "Maintenance updated."));

    public Task<IActionResult> OnPostDeleteMaintenanceAsync(string slug, Guid id) =>
        RunAsync(slug, $"maintenance-{id}", async () => ((await maintenances.DeleteAsync(Actor, slug, id, RequestAborted)).Failure, "Maintenance deleted."));

    public Task<IActionResult> OnPostAddSubscriberAsync(string slug, string? kind, string? address, List<string>? components) =>
        RunAsync(slug, "subscriber", async () => ((await subscribers.AddAsync(Actor, slug, new SubscriberInput(kind, address, components), RequestAborted)).Failure,
            kind == "email" ? $"{address} added: a confirmation link is on its way." : $"Webhook {address} added."));

    public Task<IActionResult> OnPostRemoveSubscriberAsync(string slug, Guid id) =>
        RunAsync(slug, "subscribers", async () => ((await subscribers.RemoveAsync(Actor, slug, id, RequestAborted)).Failure, "Subscriber removed."));

    /// <summary>Runs a form's command: on success a notice and back to the page; refused, the page again with why, at the form.</summary>
    private async Task<IActionResult> RunAsync(string slug, string form, Func<Task<(Failure? Failure, string Notice)>> command)
    {
        var (failure, notice) = await command();
        if (failure is not null)
            return await RefuseAsync(slug, form, failure);
        Notice(notice);
        return Redirect($"/status-pages/{Uri.EscapeDataString(slug)}");
    }

    private async Task<IActionResult> RefuseAsync(string slug, string form, Failure failure)
    {
        if (failure.Kind == FailureKind.Forbidden)
            return StatusCode(StatusCodes.Status403Forbidden);
        if (!await LoadAsync(slug))
            return NotFound();
        Failed = form;
        ShowFailure(failure);
        Response.StatusCode = failure.Kind == FailureKind.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task<bool> LoadAsync(string slug)
    {
        var page = await pages.PageAsync(slug, RequestAborted);
        if (page is null)
            return false;
        Status = page;
        Groups = await db.Set<StatusComponentGroup>().AsNoTracking().Where(g => g.PageId == page.Id).OrderBy(g => g.Position).ThenBy(g => g.Name).ToListAsync(RequestAborted);
        var components = await db.Set<StatusComponent>().AsNoTracking().Where(c => c.PageId == page.Id).OrderBy(c => c.Position).ThenBy(c => c.Name).ToListAsync(RequestAborted);
        var services = await db.Services.AsNoTracking().OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).ToListAsync(RequestAborted);
        Services = services.Select(s => s.Name).ToList();
        var linked = components.Where(c => c.ServiceId is not null).Select(c => c.ServiceId!.Value).ToList();
        var open = (await (from s in db.IncidentServices.AsNoTracking()
                           join i in db.Incidents.AsNoTracking() on s.IncidentId equals i.Id
                           where linked.Contains(s.ServiceId) && i.Status != IncidentStatus.Resolved && i.Status != IncidentStatus.Closed
                           select new { s.ServiceId, i.Number, i.Severity }).ToListAsync(RequestAborted)).ToLookup(x => x.ServiceId);
        var names = services.ToDictionary(s => s.Id, s => s.Name);
        var groups = Groups.ToDictionary(g => g.Id, g => g.Name);
        Components = components.Select(c =>
        {
            var incidents = c.ServiceId is { } s ? open[s].OrderBy(i => i.Number).ToList() : [];
            var suggestion = incidents.Count == 0 ? null
                : $"{names[c.ServiceId!.Value]} has open incident{(incidents.Count == 1 ? "" : "s")} {string.Join(", ", incidents.Select(i => $"#{i.Number} ({i.Severity})"))}: is {c.Name} affected?";
            return new ComponentRow(c, c.GroupId is { } g ? groups.GetValueOrDefault(g) : null, c.ServiceId is { } sid ? names.GetValueOrDefault(sid) : null, suggestion);
        }).ToList();
        var rows = await db.Set<StatusMaintenance>().AsNoTracking().Where(m => m.PageId == page.Id).OrderByDescending(m => m.StartsAt).Take(50).ToListAsync(RequestAborted);
        Maintenances = await StatusPageAdminApi.ReadAsync(db, rows, RequestAborted);
        Subscribers = CanAdminister ? await StatusPageAdminApi.ListSubscribersAsync(db, page, RequestAborted, take: 500) : null;
        return true;
    }

    public IEnumerable<string> Errors(string key) =>
        ModelState.TryGetValue(key, out var entry) ? entry.Errors.Select(e => e.ErrorMessage) : [];

    public string Local(DateTimeOffset at) => SuppressionTimes.Format(at, Zone);

    public string LocalInput(DateTimeOffset at) => NodaTime.Instant.FromDateTimeOffset(at).InZone(Time.Zone).LocalDateTime.ToString("uuuu'-'MM'-'dd'T'HH':'mm", System.Globalization.CultureInfo.InvariantCulture);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
