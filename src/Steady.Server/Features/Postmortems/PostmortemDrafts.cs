using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Incidents;
using Steady.Core.Postmortems;
using Steady.Server.Data;

namespace Steady.Server.Features.Postmortems;

/// <summary>One entry of a postmortem's timeline copy.</summary>
public sealed record PostmortemTimelineEntry(DateTimeOffset At, string Kind, string Text, string? Actor, bool Pinned);

/// <summary>One role a person held during the incident, from when to when (to: null while still held).</summary>
public sealed record PostmortemResponder(Guid UserId, string Name, string Role, DateTimeOffset From, DateTimeOffset? To);

/// <summary>
/// Drafts an incident's postmortem from what the incident knows: the owner is the commander, the due
/// date follows the severity, the summary starts from the incident's, the timeline is a copy of the
/// pinned entries and the key events, the responders are every role held. Called in the transaction that
/// resolves the incident (so the draft exists exactly when the incident is resolved), and on demand.
/// </summary>
public sealed class PostmortemDrafts(SteadyDb db, Incidents.IncidentSeverities severities, Microsoft.Extensions.Options.IOptions<PostmortemOptions> options, Infrastructure.WakeSignal<FollowUpWorker> followUp, TimeProvider time)
{
    /// <summary>The kinds of timeline entries that are key events; the others (notes, journal lines, findings) are copied only when pinned.</summary>
    private static readonly HashSet<string> KeyKinds = ["declared", "severity", "status", "role", "update", "action", "evidence", "page", "alert-linked", "resolution"];

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The incident's postmortem if it has one, tracked (the one added in this unit of work too).</summary>
    public async Task<Postmortem?> OfAsync(Incident incident, CancellationToken cancellationToken) =>
        db.Set<Postmortem>().Local.FirstOrDefault(p => p.IncidentId == incident.Id)
        ?? await db.Set<Postmortem>().FirstOrDefaultAsync(p => p.IncidentId == incident.Id, cancellationToken);

    /// <summary>
    /// The closing record and the postmortem are one record: what the close writes fills the postmortem's
    /// sections that are still empty (what happened → summary, what was done → resolution, the failed
    /// assumptions → contributing factors (put before what is there, unless it holds them already), the cause →
    /// root cause, what should change → what went wrong); what people wrote in the postmortem stays.
    /// </summary>
    public static void TakeRecord(Postmortem postmortem, ClosingRecord record, DateTimeOffset now)
    {
        var changed = false;
        void Fill(string key, string? text, bool prepend = false)
        {
            var section = PostmortemSections.Find(key)!;
            var current = section.Get(postmortem);
            if (string.IsNullOrWhiteSpace(text) || (!string.IsNullOrWhiteSpace(current) && (!prepend || current.Contains(text.Trim(), StringComparison.Ordinal))))
                return;
            section.Set(postmortem, string.IsNullOrWhiteSpace(current) ? text.Trim() : $"{text.Trim()}\n\n{current}");
            changed = true;
        }
        Fill("summary", record.WhatHappened);
        Fill("resolution", record.WhatWasDone);
        Fill("contributingFactors", record.FailedAssumptions, prepend: true); // before the proposed actions, if the draft has them
        Fill("rootCause", record.Cause);
        Fill("wentWrong", record.WhatShouldChange);
        if (!changed)
            return;
        postmortem.UpdatedAt = now;
        postmortem.Version++;
    }

    /// <summary>The closing record as the postmortem already holds it (the reverse of <see cref="TakeRecord"/>): what the close form starts from.</summary>
    public static ClosingRecord RecordOf(Postmortem postmortem) =>
        new(postmortem.Summary, postmortem.Resolution, postmortem.ContributingFactors, postmortem.WentWrong, postmortem.RootCause);

    /// <summary>The record a close gives, each part left out taken from the postmortem's section (one record, not two: what is written there need not be written again).</summary>
    public static ClosingRecord Complete(ClosingRecord given, Postmortem? postmortem)
    {
        if (postmortem is null)
            return given;
        var written = RecordOf(postmortem);
        static string? Either(string? a, string? b) => string.IsNullOrWhiteSpace(a) ? b : a;
        return new(Either(given.WhatHappened, written.WhatHappened), Either(given.WhatWasDone, written.WhatWasDone), Either(given.FailedAssumptions, written.FailedAssumptions),
            Either(given.WhatShouldChange, written.WhatShouldChange), Either(given.Cause, written.Cause));
    }

    /// <summary>The incident's postmortem, drafted now if it has none (added to the context; the caller saves).</summary>
    public async Task<Postmortem> DraftAsync(Incident incident, string by, CancellationToken cancellationToken)
    {
        var existing = await OfAsync(incident, cancellationToken);
        if (existing is not null)
            return existing;
        var now = time.GetUtcNow();

        // Entries written in this same transaction (the resolving status change) are not saved yet: take them too.
        var saved = await db.Timeline.AsNoTracking().Where(t => t.IncidentId == incident.Id).ToListAsync(cancellationToken);
        var pending = db.Timeline.Local.Where(t => t.IncidentId == incident.Id && saved.All(s => s.Id != t.Id));
        var timeline = saved.Concat(pending)
            .Where(t => t.Pinned || KeyKinds.Contains(t.Kind))
            .OrderBy(t => t.At).ThenBy(t => t.RecordedAt)
            .Select(t => new PostmortemTimelineEntry(t.At, t.Kind, t.Text, t.ActorName, t.Pinned))
            .ToList();

        var roles = await (from r in db.IncidentRoles.AsNoTracking()
                           join u in db.Users.AsNoTracking() on r.UserId equals u.Id
                           where r.IncidentId == incident.Id
                           select new { r.UserId, u.Name, r.Role, r.StartedAt, r.EndedAt }).ToListAsync(cancellationToken);
        var responders = roles.OrderBy(r => r.StartedAt)
            .Select(r => new PostmortemResponder(r.UserId, r.Name, Roles.Name(r.Role), r.StartedAt, r.EndedAt))
            .ToList();
        var commander = roles.Where(r => r.Role == IncidentRole.Commander).OrderByDescending(r => r.StartedAt).FirstOrDefault();
        var actions = await db.IncidentActions.AsNoTracking().Where(a => a.IncidentId == incident.Id)
            .Select(a => new ActionTaken(a.Intent, a.ExpectedEffect, a.DecidedBy, a.DecidedAt, a.ObservedEffect, a.Verdict)).ToListAsync(cancellationToken);

        var postmortem = new Postmortem
        {
            Id = Ids.New(time),
            IncidentId = incident.Id,
            Status = PostmortemStatus.Draft,
            OwnerId = commander?.UserId,
            DueAt = PostmortemDue.For(severities.Table.PostmortemDeadlineOf(incident.Severity), incident.ResolvedAt ?? now, options.Value.Zone),
            Summary = incident.Summary,
            Resolution = incident.WhatWasDone,
            RootCause = incident.Cause,
            ContributingFactors = PostmortemProposals.ContributingFactors(incident.FailedAssumptions, actions),
            Timeline = JsonSerializer.Serialize(timeline, Json),
            Responders = JsonSerializer.Serialize(responders, Json),
            CreatedAt = now,
            CreatedBy = by,
            UpdatedAt = now,
        };
        postmortem.NextReminderAt = ActionItemReminders.Next(postmortem.Status, postmortem.OwnerId, postmortem.DueAt, now, 0, options.Value.Policy);
        db.Add(postmortem);
        followUp.Wake(); // early: the worker finds it once saved, or at its next sweep
        return postmortem;
    }
}
