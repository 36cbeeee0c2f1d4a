using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Incidents;
using Steady.Core.OnCall;
using Steady.Core.Paging;
using Steady.Server.Data;
using Steady.Server.Features.Paging;
using Steady.Server.Features.EmergencyLines;

namespace Steady.Server.Features.Incidents;

/// <summary>The commander's one screen: header, pages (and their acknowledgement), checklist, update composer, roles, actions, changes, alerts, evidence, timeline.</summary>
public sealed class IncidentDetailModel(SteadyDb db, IncidentQueries queries, IncidentCommands commands, IncidentRecords records, IncidentChannels channels, IncidentSeverities severities, EmergencyLineCommands lines, TimeProvider time) : ConsolePage
{
    public EmergencySubmission? Submission { get; private set; }

    public Task<IActionResult> OnPostMisuseAsync(int number, string? reason) =>
        ActAsync(number, async a =>
        {
            var submission = await db.EmergencySubmissions.AsNoTracking().Where(s => s.IncidentId == db.Incidents.Where(i => i.Number == number).Select(i => i.Id).FirstOrDefault()).FirstOrDefaultAsync(RequestAborted);
            if (submission is null)
                return Failure.NotFound("The emergency-line submission");
            return (await lines.MarkMisuseAsync(a, submission.Id, new MisuseInput(reason), RequestAborted)).Failure;
        }, "Marked as misuse.");

    public IncidentDto Incident { get; private set; } = null!;

    public IReadOnlyList<TimelineDto> Timeline { get; private set; } = [];

    public IReadOnlyList<EvidenceDto> Evidence { get; private set; } = [];

    public IReadOnlyList<(Guid Id, string Name, string Email)> People { get; private set; } = [];

    public IReadOnlyList<SeverityLevel> Levels => severities.Table.Levels;

    /// <summary>One escalation the incident owns: a page it asked the paging engine for, or its alert group's escalation.</summary>
    public sealed record PageRun(RunState State, string What, DateTimeOffset StartedAt, DateTimeOffset? NextDueAt, string? Note);

    /// <summary>The incident's escalation runs (each page it asked the paging engine for) and its alert groups', oldest first.</summary>
    public IReadOnlyList<PageRun> Runs { get; private set; } = [];

    /// <summary>Every page the runs sent: to whom, how, its state (as <c>GET /api/v1/incidents/{number}/pages</c>).</summary>
    public IReadOnlyList<Features.Paging.DeliveryDto> Deliveries { get; private set; } = [];

    /// <summary>A run still waits for an answer: "Acknowledge pages" would stop it.</summary>
    public bool Paging => Runs.Any(r => IncidentRunSteps.Unanswered.Contains(r.State));

    public bool CanRespond { get; private set; }

    /// <summary>A retainer client's name and contact are for the responders of the line's service team only.</summary>
    public bool CanSeeClientContact { get; private set; }

    public bool IsCommander { get; private set; }

    public DateTimeOffset Now { get; private set; }

    /// <summary>What the close form starts from: the postmortem's sections that are the closing record's parts.</summary>
    public ClosingRecord? CloseRecord { get; private set; }

    public async Task<IActionResult> OnGetAsync(int number)
    {
        return await LoadAsync(number) ? Page() : NotFound();
    }

    public Task<IActionResult> OnPostUpdateAsync(int number, string? known, string? unknown, string? doing, int? nextMinutes, string? visibility) =>
        ActAsync(number, a => Minutes("nextMinutes", nextMinutes, 1440) ?? Result(records.PostUpdateAsync(a, Key(number), new UpdateInput(known, unknown, doing, nextMinutes is > 0 ? time.GetUtcNow().AddMinutes(nextMinutes.Value) : null, visibility), RequestAborted)), "Update posted and sent to the incident's channels.");

    public Task<IActionResult> OnPostAcknowledgeAsync(int number) =>
        ActAsync(number, a => Result(commands.AcknowledgeAsync(a, Key(number), RequestAborted)), "Pages acknowledged: their escalation stopped.");

    public Task<IActionResult> OnPostStatusAsync(int number, string? status, string? reason, string? overrideReason) =>
        ActAsync(number, a => Result(commands.ChangeStatusAsync(a, Key(number), new StatusInput(status, reason, overrideReason), RequestAborted)), "Status changed.");

    public Task<IActionResult> OnPostSeverityAsync(int number, string? severity, string? reason) =>
        ActAsync(number, a => Result(commands.ChangeSeverityAsync(a, Key(number), new SeverityInput(severity, reason), RequestAborted)), "Severity changed.");

    public Task<IActionResult> OnPostRoleAsync(int number, string? role, string? user) =>
        ActAsync(number, a => Result(commands.AssignRoleAsync(a, Key(number), new RoleInput(role, user), RequestAborted)), "Role given.");

    public Task<IActionResult> OnPostRemoveRoleAsync(int number, string role, string user) =>
        ActAsync(number, a => Result(commands.RemoveRoleAsync(a, Key(number), role, user, RequestAborted)), "Role taken away.");

    public Task<IActionResult> OnPostNoteAsync(int number, string? text, int? minutesAgo, bool pinned) =>
        ActAsync(number, a => Minutes("minutesAgo", minutesAgo, 10080) ?? Result(records.AddNoteAsync(a, Key(number), new NoteInput(text, minutesAgo is > 0 ? time.GetUtcNow().AddMinutes(-minutesAgo.Value) : null, pinned), RequestAborted)), "Noted.");

    public Task<IActionResult> OnPostPinAsync(int number, Guid entry, bool pinned) =>
        ActAsync(number, a => Result(records.PinAsync(a, Key(number), entry, pinned, RequestAborted)), pinned ? "Pinned." : "Unpinned.");

    public Task<IActionResult> OnPostActionAsync(int number, string? intent, string? expectedEffect, string? decidedBy, bool done) =>
        ActAsync(number, a => Result(records.RecordActionAsync(a, Key(number), new ActionInput(intent, expectedEffect, decidedBy, done ? time.GetUtcNow() : null), RequestAborted)), "Action recorded.");

    public Task<IActionResult> OnPostObserveAsync(int number, Guid action, string? observedEffect, string? verdict, bool done) =>
        ActAsync(number, a => Result(records.ObserveAsync(a, Key(number), action, new ObservationInput(done ? time.GetUtcNow() : null, observedEffect, verdict), RequestAborted)), "Recorded what the action did.");

    public Task<IActionResult> OnPostCloseAsync(int number, string? whatHappened, string? whatWasDone, string? failedAssumptions, string? whatShouldChange, string? cause) =>
        ActAsync(number, a => Result(commands.CloseAsync(a, Key(number), new CloseInput(whatHappened, whatWasDone, failedAssumptions, whatShouldChange, cause), RequestAborted)), "Closed, with the written record.");

    public Task<IActionResult> OnPostChannelAsync(int number, string? chatKind, string? chatUrl, string? emails) =>
        ActAsync(number, async a =>
        {
            var given = IncidentDeclareModel.Channels(chatKind, chatUrl, emails);
            if (given.Count == 0)
                return Failure.Invalid("channel", "Give a chat webhook URL or email addresses.");
            foreach (var channel in given)
            {
                if ((await channels.AddAsync(a, Key(number), channel, RequestAborted)).Failure is { } failure)
                    return failure;
            }
            return null;
        }, "Channel added: the incident's updates go there from now on.");

    public Task<IActionResult> OnPostRemoveChannelAsync(int number, Guid channel) =>
        ActAsync(number, a => Result(channels.RemoveAsync(a, Key(number), channel, RequestAborted)), "Channel removed.");

    private static string Key(int number) => number.ToString(CultureInfo.InvariantCulture);

    private static async Task<Failure?> Result<T>(Task<Outcome<T>> outcome) => (await outcome).Failure;

    /// <summary>A number of minutes from the form within what its field allows (a crafted 2147483647 overflowed the clock: a 500), or why not.</summary>
    private static Task<Failure?>? Minutes(string field, int? minutes, int max) =>
        minutes is < 0 || minutes > max ? Task.FromResult<Failure?>(Failure.Invalid(field, $"'{field}' must be between 0 and {max} minutes.")) : null;

    private async Task<IActionResult> ActAsync(int number, Func<Actor, Task<Failure?>> act, string notice)
    {
        if (await act(Actor) is { } failure)
        {
            ShowFailure(failure);
            return await LoadAsync(number) ? Page() : NotFound();
        }
        Notice(notice);
        return Redirect($"/incidents/{number}");
    }

    private async Task<bool> LoadAsync(int number)
    {
        Now = time.GetUtcNow();
        var incident = await queries.FindAsync(Key(number), tracked: false, RequestAborted);
        if (incident is null)
            return false;
        Incident = await queries.DtoAsync(incident, RequestAborted);
        Timeline = await queries.TimelineAsync(incident, RequestAborted);
        Evidence = await queries.EvidenceAsync(incident.Id, withDocument: true, RequestAborted);
        var groups = IncidentGroups.Of(db, incident.Id);
        var runs = await db.EscalationRuns.AsNoTracking().Where(r => r.IncidentId == incident.Id || (r.GroupId != null && groups.Contains(r.GroupId.Value)))
            .OrderBy(r => r.StartedAt).ThenBy(r => r.Id).ToListAsync(RequestAborted);
        var titles = await db.AlertGroups.AsNoTracking().Where(g => groups.Contains(g.Id)).ToDictionaryAsync(g => g.Id, g => g.Title, RequestAborted);
        Runs = runs.Select(r => new PageRun(r.State, r.GroupId is { } g ? $"Alert group '{titles.GetValueOrDefault(g, "?")}': its escalation" : r.Reason ?? "", r.StartedAt, r.NextDueAt, r.Note)).ToList();
        Deliveries = await Features.Paging.PagingApi.ForIncidentAsync(db, incident.Id, RequestAborted);
        CanRespond = Permissions.CanRespondFor(Actor, incident.TeamId);
        Submission = await db.EmergencySubmissions.AsNoTracking().FirstOrDefaultAsync(s => s.IncidentId == incident.Id, RequestAborted);
        if (Submission is { } submission)
        {
            var lineTeam = await db.EmergencyAgreements.AsNoTracking().Where(a => a.Id == submission.AgreementId)
                .Join(db.Services, a => a.ServiceId, s => s.Id, (a, s) => (Guid?)s.TeamId).FirstOrDefaultAsync(RequestAborted);
            CanSeeClientContact = lineTeam is { } team && Permissions.CanRespondFor(Actor, team);
        }
        IsCommander = Incident.CommanderId == Actor.UserId;
        if (incident.Status == IncidentStatus.Resolved && await db.Set<Core.Postmortems.Postmortem>().AsNoTracking().FirstOrDefaultAsync(p => p.IncidentId == incident.Id, RequestAborted) is { } postmortem)
            CloseRecord = Postmortems.PostmortemDrafts.RecordOf(postmortem); // one record: the close form starts from the postmortem
        People = (await db.Users.AsNoTracking().Where(u => u.DisabledAt == null).OrderBy(u => u.Name).Select(u => new { u.Id, u.Name, u.Email }).ToListAsync(RequestAborted))
            .Select(u => (u.Id, u.Name, u.Email)).ToList();
        return true;
    }

    public static string Span(TimeSpan span) => IncidentsIndexModel.Span(span);

    /// <summary>How many of the latest timeline entries are in view; the earlier ones are folded above them.</summary>
    public const int RecentEntries = 8;
}

/// <summary>One timeline entry as <c>_TimelineEntry.cshtml</c> draws it: the entry, its structured update (if it is one), whether that is the latest update (drawn at the top), and whether the reader may pin it.</summary>
/// <summary>One timeline entry as the page shows it; <see cref="CanPin"/> is the viewer's right to respond (pin, make an action item).</summary>
public sealed record TimelineEntryView(int Number, TimelineDto Entry, UpdateDto? Update, bool IsLatestUpdate, bool CanPin);
