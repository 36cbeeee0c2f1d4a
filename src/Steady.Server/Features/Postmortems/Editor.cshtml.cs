using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using NodaTime.Text;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Postmortems;
using Steady.Server.Data;
using Steady.Server.Features.Incidents;

namespace Steady.Server.Features.Postmortems;

/// <summary>One row of the timeline copy in the editor: when (UTC), what kind, what happened; dropped when ticked.</summary>
public sealed class TimelineRow
{
    public string? At { get; set; }

    public string? Kind { get; set; }

    public string? Text { get; set; }

    public string? Actor { get; set; }

    public bool Pinned { get; set; }

    public bool Drop { get; set; }
}

/// <summary>
/// The postmortem editor, beside the incident: its status moves, owner and due date, the written sections
/// (Markdown, previewed as the reader will see it, with hints for what is not written yet and the
/// blameless check's advice), the timeline copy, responders and the action items (add, edit, close, drop) —
/// every change through the commands the API uses.
/// </summary>
public sealed class PostmortemEditorModel(SteadyDb db, IncidentQueries queries, PostmortemCommands postmortems, ActionItemCommands items, TimeProvider time) : ConsolePage
{
    public const string TimeFormat = "yyyy-MM-dd HH:mm:ss";

    public int Number { get; private set; }

    public Guid IncidentId { get; private set; }

    public string IncidentTitle { get; private set; } = "";

    public string IncidentSeverity { get; private set; } = "";

    public PostmortemDto? Postmortem { get; private set; }

    public IReadOnlyList<ActionItemDto> Items { get; private set; } = [];

    public IReadOnlyList<(Guid Id, string Name, string Email)> People { get; private set; } = [];

    public bool CanRespond { get; private set; }

    public DateTimeOffset Now { get; private set; }

    /// <summary>The sections as the form shows them: the saved text, or what was just previewed.</summary>
    [BindProperty]
    public Dictionary<string, string?> Sections { get; set; } = [];

    [BindProperty]
    public List<TimelineRow> Timeline { get; set; } = [];

    /// <summary>What customers read on the status page once it is published (optional).</summary>
    [BindProperty]
    public string? PublicSummary { get; set; }

    /// <summary>True while the page shows a preview of text not saved yet.</summary>
    public bool Previewing { get; private set; }

    /// <summary>The add-item form's title, prefilled from a timeline entry ("make this an action item").</summary>
    public string? NewItemTitle { get; private set; }

    public async Task<IActionResult> OnGetAsync(int number, Guid? from)
    {
        if (!await LoadAsync(number))
            return NotFound();
        if (from is { } entryId)
        {
            var text = await db.Timeline.AsNoTracking().Where(t => t.Id == entryId && t.IncidentId == IncidentId).Select(t => t.Text).FirstOrDefaultAsync(RequestAborted);
            NewItemTitle = text is { Length: > 300 } ? text[..300] : text;
        }
        return Page();
    }

    public async Task<IActionResult> OnGetMarkdownAsync(int number)
    {
        var markdown = await postmortems.ExportAsync(Actor, Key(number), RequestAborted);
        if (!markdown.Succeeded)
            return NotFound();
        return File(Encoding.UTF8.GetBytes(markdown.Value!), "text/markdown; charset=utf-8", PostmortemsApi.FileName(number));
    }

    public Task<IActionResult> OnPostDraftAsync(int number, string? returnTo) =>
        ActAsync(number, a => Result(postmortems.DraftAsync(a, Key(number), RequestAborted)), "Postmortem drafted from the incident.", returnTo);

    public async Task<IActionResult> OnPostPreviewAsync(int number)
    {
        if (!await LoadAsync(number, keepForm: true))
            return NotFound();
        Previewing = true;
        return Page();
    }

    public Task<IActionResult> OnPostSectionsAsync(int number) =>
        ActAsync(number, a => Result(postmortems.UpdateAsync(a, Key(number), Input(), RequestAborted)), "Sections saved.", keepForm: true);

    public Task<IActionResult> OnPostOwnerAsync(int number, string? owner, string? dueAt) =>
        ActAsync(number, a =>
        {
            var (due, error) = Local(dueAt, "dueAt");
            return error is not null ? Task.FromResult<Failure?>(error) : Result(postmortems.UpdateAsync(a, Key(number), new PostmortemInput(Owner: owner, DueAt: due), RequestAborted));
        }, "Owner and due date saved.");

    public Task<IActionResult> OnPostStatusAsync(int number, string? status) =>
        ActAsync(number, a => Result(postmortems.UpdateAsync(a, Key(number), new PostmortemInput(Status: status), RequestAborted)), $"Postmortem moved to {status}.");

    public Task<IActionResult> OnPostTimelineAsync(int number) =>
        ActAsync(number, a =>
        {
            var entries = new List<PostmortemTimelineEntry>();
            foreach (var (row, index) in Timeline.Select((r, i) => (r, i)))
            {
                if (row.Drop || (string.IsNullOrWhiteSpace(row.Text) && string.IsNullOrWhiteSpace(row.At)))
                    continue;
                var at = InstantPattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd' 'HH':'mm':'ss").Parse(row.At?.Trim().TrimEnd('Z').Replace('T', ' ') ?? "");
                if (!at.Success)
                    return Task.FromResult<Failure?>(Failure.Invalid($"timeline[{index}].at", $"Entry {index + 1}: give the time in UTC as {TimeFormat} ('{row.At}' is not)."));
                entries.Add(new PostmortemTimelineEntry(at.Value.ToDateTimeOffset(), string.IsNullOrWhiteSpace(row.Kind) ? "note" : row.Kind.Trim(), row.Text?.Trim() ?? "", string.IsNullOrWhiteSpace(row.Actor) ? null : row.Actor.Trim(), row.Pinned));
            }
            return Result(postmortems.UpdateAsync(a, Key(number), new PostmortemInput(Timeline: entries), RequestAborted));
        }, "Timeline copy saved (the incident's own timeline is unchanged).", keepForm: true);

    public Task<IActionResult> OnPostAddItemAsync(int number, string? title, string? type, string? owner, string? priority, string? dueAt, string? ticketUrl, string? returnTo) =>
        ActAsync(number, a =>
        {
            var (due, error) = Local(dueAt, "dueAt");
            return error is not null ? Task.FromResult<Failure?>(error)
                : Result(items.CreateAsync(a, new ActionItemInput(title, type, owner, priority, due, ticketUrl, Incident: Key(number)), RequestAborted));
        }, "Action item added.", returnTo);

    public Task<IActionResult> OnPostItemAsync(int number, Guid id, string? title, string? type, string? owner, string? priority, string? dueAt, string? ticketUrl, string? status, string? reason) =>
        ActAsync(number, a =>
        {
            var (due, error) = Local(dueAt, "dueAt");
            return error is not null ? Task.FromResult<Failure?>(error)
                : Result(items.UpdateAsync(a, id, new ActionItemInput(title, type, owner, priority, due, ticketUrl ?? "", status, reason), RequestAborted));
        }, "Action item saved.");

    public Task<IActionResult> OnPostItemDoneAsync(int number, Guid id, string? returnTo) =>
        ActAsync(number, a => Result(items.UpdateAsync(a, id, new ActionItemInput(Status: "done"), RequestAborted)), "Action item done: its reminders stop.", returnTo);

    public Task<IActionResult> OnPostItemDropAsync(int number, Guid id, string? reason) =>
        ActAsync(number, a => Result(items.UpdateAsync(a, id, new ActionItemInput(Status: "not-doing", Reason: reason ?? ""), RequestAborted)), "Action item dropped, with the reason on record.");

    /// <summary>A local date and time in the person's zone (datetime-local), as an instant; empty: not given.</summary>
    private (DateTimeOffset? At, Failure? Error) Local(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
            return (null, null);
        var parsed = LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm").Parse(text.Trim());
        if (!parsed.Success || parsed.Value.Year is < 2000 or > 2100)
            return (null, Failure.Invalid(field, $"Give '{field}' as a date and time ('{text}' is not one)."));
        return (Time.Zone.AtLeniently(parsed.Value).ToDateTimeOffset(), null);
    }

    /// <summary>An instant as the datetime-local field shows it, in the person's zone.</summary>
    public string LocalValue(DateTimeOffset? at) =>
        at is { } value ? Instant.FromDateTimeOffset(value).InZone(Time.Zone).ToString("uuuu'-'MM'-'dd'T'HH':'mm", CultureInfo.InvariantCulture) : "";

    public static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private PostmortemInput Input()
    {
        string? Given(string key) => Sections.TryGetValue(key, out var text) ? text ?? "" : null;
        return new PostmortemInput(
            Summary: Given("summary"), Impact: Given("impact"), Trigger: Given("trigger"), RootCause: Given("rootCause"),
            ContributingFactors: Given("contributingFactors"), Detection: Given("detection"), Resolution: Given("resolution"),
            WentWell: Given("wentWell"), WentWrong: Given("wentWrong"), GotLucky: Given("gotLucky"),
            PublicSummary: Sections.Count == 0 ? null : PublicSummary ?? "");
    }

    private static string Key(int number) => number.ToString(CultureInfo.InvariantCulture);

    private static async Task<Failure?> Result<T>(Task<Outcome<T>> outcome) => (await outcome).Failure;

    private async Task<IActionResult> ActAsync(int number, Func<Actor, Task<Failure?>> act, string notice, string? returnTo = null, bool keepForm = false)
    {
        if (await act(Actor) is { } failure)
        {
            ShowFailure(failure);
            return await LoadAsync(number, keepForm) ? Page() : NotFound();
        }
        Notice(notice);
        return Redirect(returnTo == "incident" ? $"/incidents/{number}" : $"/incidents/{number}/postmortem");
    }

    private async Task<bool> LoadAsync(int number, bool keepForm = false)
    {
        Now = time.GetUtcNow();
        Number = number;
        var incident = await queries.FindAsync(Key(number), tracked: false, RequestAborted);
        if (incident is null)
            return false;
        IncidentId = incident.Id;
        IncidentTitle = incident.Title;
        IncidentSeverity = incident.Severity;
        CanRespond = Permissions.CanRespondFor(Actor, incident.TeamId);
        var view = await postmortems.GetAsync(Key(number), RequestAborted);
        Postmortem = view.Succeeded ? view.Value : null;
        Items = (await items.ListAsync(new(Key(number), null, null, null), RequestAborted)).Value ?? [];
        People = (await db.Users.AsNoTracking().Where(u => u.DisabledAt == null).OrderBy(u => u.Name).Select(u => new { u.Id, u.Name, u.Email }).ToListAsync(RequestAborted))
            .Select(u => (u.Id, u.Name, u.Email)).ToList();
        // A refused or previewed form shows what was sent; the other forms what is saved.
        if (Postmortem is { } p && (!keepForm || Sections.Count == 0))
        {
            Sections = PostmortemSections.All.ToDictionary(s => s.Key, s => p.Section(s.Key));
            PublicSummary = p.PublicSummary;
        }
        if (Postmortem is { } q && (!keepForm || Timeline.Count == 0))
            Timeline = q.Timeline.Select(e => new TimelineRow { At = Utc(e.At), Kind = e.Kind, Text = e.Text, Actor = e.Actor, Pinned = e.Pinned }).ToList();
        return true;
    }
}
