using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Incidents;
using Steady.Core.Postmortems;
using Steady.Server.Data;
using Steady.Server.Features.Incidents;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Postmortems;

/// <summary>
/// An incident's postmortem, shared by the API and (later) the console: read it with its live impact
/// times and the blameless check's advice, draft it on demand, and change its sections, owner, due date
/// and status. The blameless check advises; nothing it finds refuses a change.
/// </summary>
public sealed class PostmortemCommands(
    SteadyDb db,
    IncidentQueries queries,
    PostmortemDrafts drafts,
    ActionItemCommands actionItems,
    StatusPage.PublicIncidentCommands statusPage,
    Microsoft.Extensions.Options.IOptions<PostmortemOptions> options,
    WakeSignal<FollowUpWorker> followUp,
    TimeProvider time)
{
    private const int MaxSection = 20_000;

    public async Task<Outcome<PostmortemDto>> GetAsync(string number, CancellationToken cancellationToken)
    {
        var incident = await queries.FindAsync(number, tracked: false, cancellationToken);
        if (incident is null)
            return Failure.NotFound($"Incident #{number.TrimStart('#')}");
        var postmortem = await db.Set<Postmortem>().AsNoTracking().FirstOrDefaultAsync(p => p.IncidentId == incident.Id, cancellationToken);
        if (postmortem is null)
            return Failure.NotFound($"The postmortem of incident #{incident.Number} (it is drafted when the incident is resolved, or by POST)");
        return await ViewAsync(incident, postmortem, cancellationToken);
    }

    /// <summary>The whole postmortem as Markdown, its timeline in UTC and in the reader's zone (their user record's).</summary>
    public async Task<Outcome<string>> ExportAsync(Actor actor, string number, CancellationToken cancellationToken)
    {
        var view = await GetAsync(number, cancellationToken);
        if (!view.Succeeded)
            return view.Failure!;
        var items = await actionItems.ListAsync(new(view.Value!.Incident.ToString(System.Globalization.CultureInfo.InvariantCulture), null, null, null), cancellationToken);
        if (!items.Succeeded)
            return items.Failure!;
        var zoneId = await db.Users.AsNoTracking().Where(u => u.Id == actor.UserId).Select(u => u.TimeZone).FirstOrDefaultAsync(cancellationToken);
        var zone = zoneId is null ? null : NodaTime.DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId);
        return PostmortemMarkdown.Export(view.Value, items.Value!, zone);
    }

    /// <summary>Drafts the postmortem now if the incident has none; either way answers it.</summary>
    public async Task<Outcome<PostmortemDto>> DraftAsync(Actor actor, string number, CancellationToken cancellationToken)
    {
        var incident = await queries.FindAsync(number, tracked: false, cancellationToken);
        if (incident is null)
            return Failure.NotFound($"Incident #{number.TrimStart('#')}");
        if (!Permissions.CanRespondFor(actor, incident.TeamId))
            return Failure.Forbidden("Only responders of the team that answers for this incident can draft its postmortem.");
        var postmortem = await drafts.DraftAsync(incident, actor.Name, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Drafted at the same moment by someone else (the unique index): theirs is the one.
            db.ChangeTracker.Clear();
            postmortem = await db.Set<Postmortem>().AsNoTracking().FirstAsync(p => p.IncidentId == incident.Id, cancellationToken);
        }
        return await ViewAsync(incident, postmortem, cancellationToken);
    }

    public async Task<Outcome<PostmortemDto>> UpdateAsync(Actor actor, string number, PostmortemInput input, CancellationToken cancellationToken)
    {
        var incident = await queries.FindAsync(number, tracked: false, cancellationToken);
        if (incident is null)
            return Failure.NotFound($"Incident #{number.TrimStart('#')}");
        if (!Permissions.CanRespondFor(actor, incident.TeamId))
            return Failure.Forbidden("Only responders of the team that answers for this incident can edit its postmortem.");
        var postmortem = await db.Set<Postmortem>().FirstOrDefaultAsync(p => p.IncidentId == incident.Id, cancellationToken);
        if (postmortem is null)
            return Failure.NotFound($"The postmortem of incident #{incident.Number} (it is drafted when the incident is resolved, or by POST)");

        var validation = new Validation();
        foreach (var (field, text) in PostmortemDto.Sections(Apply(new Postmortem { Timeline = "", Responders = "", CreatedBy = "" }, input)))
            validation.Text(field, text, MaxSection);
        validation.Text("publicSummary", input.PublicSummary, 4000);
        if (input.Timeline is { Count: > 1000 })
            validation.Add("timeline", "'timeline' may have at most 1000 entries.");
        if (input.Timeline?.Any(e => e is null || string.IsNullOrWhiteSpace(e.Text) || e.Text.Length > 4000 || string.IsNullOrWhiteSpace(e.Kind)) == true)
            validation.Add("timeline", "Each timeline entry needs 'at', 'kind' and 'text' (at most 4000 characters).");
        PostmortemStatus? status = null;
        if (input.Status is not null && (status = PostmortemStatuses.TryParse(input.Status)) is null)
            validation.Add("status", $"'status' must be one of {string.Join(", ", PostmortemStatuses.All.Select(s => s.ToWire()))}.");
        Guid? ownerId = postmortem.OwnerId;
        if (input.Owner is not null)
        {
            var owner = string.IsNullOrWhiteSpace(input.Owner) ? null : await db.UserAsync(input.Owner, cancellationToken);
            if (owner is null || owner.DisabledAt is not null)
                validation.Add("owner", $"'owner' must be a person: the id or email of an active user ('{input.Owner}' is not).");
            else
                ownerId = owner.Id;
        }
        if (validation.ToFailure() is { } invalid)
            return invalid;

        Apply(postmortem, input);
        if (input.PublicSummary is { } publicSummary)
            postmortem.PublicSummary = string.IsNullOrWhiteSpace(publicSummary) ? null : publicSummary.Trim();
        postmortem.OwnerId = ownerId;
        if (input.DueAt is { } due && due != postmortem.DueAt)
        {
            postmortem.DueAt = due.ToUniversalTime();
            postmortem.RemindersSent = 0; // a new due date: the follow-up starts again
        }
        if (input.Timeline is { } timeline)
            postmortem.Timeline = JsonSerializer.Serialize(timeline.OrderBy(e => e.At).ToList(), PostmortemDrafts.Json);
        if (status is { } to && to != postmortem.Status)
        {
            if (PostmortemStatuses.Check(postmortem.Status, to, postmortem.OwnerId is not null, !string.IsNullOrWhiteSpace(postmortem.Summary)) is { } refused)
                return to == PostmortemStatus.Published && !refused.Contains("one step", StringComparison.Ordinal) ? Failure.Invalid("status", refused) : Failure.Conflict(refused);
            postmortem.Status = to;
            postmortem.PublishedAt = to == PostmortemStatus.Published ? time.GetUtcNow() : null;
            // Published with a public summary: it goes to the status page's incident, in the same transaction.
            if (to == PostmortemStatus.Published && postmortem.PublicSummary is { } summary)
                await statusPage.StagePostmortemAsync(actor, incident, summary, cancellationToken);
        }
        postmortem.UpdatedAt = time.GetUtcNow();
        postmortem.NextReminderAt = ActionItemReminders.Next(postmortem.Status, postmortem.OwnerId, postmortem.DueAt, postmortem.CreatedAt, postmortem.RemindersSent, options.Value.Policy);
        postmortem.Version++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Failure.Conflict("The postmortem changed meanwhile; read it again and repeat the change.");
        }
        followUp.Wake();
        return await ViewAsync(incident, postmortem, cancellationToken);
    }

    /// <summary>Copies the sections the input gives (an empty text clears one).</summary>
    private static Postmortem Apply(Postmortem p, PostmortemInput input)
    {
        foreach (var section in PostmortemSections.All)
        {
            if (input.Section(section.Key) is { } given)
                section.Set(p, string.IsNullOrWhiteSpace(given) ? null : given.Trim());
        }
        return p;
    }

    private async Task<PostmortemDto> ViewAsync(Incident incident, Postmortem postmortem, CancellationToken cancellationToken)
    {
        var firstAlert = await (from l in db.IncidentAlerts.AsNoTracking()
                                join a in db.Alerts.AsNoTracking() on l.AlertId equals a.Id
                                where l.IncidentId == incident.Id
                                select (DateTimeOffset?)a.FirstSeenAt).ToListAsync(cancellationToken);
        var impact = ImpactTimes.From(incident.DeclaredAt, firstAlert.Min(), incident.AcknowledgedAt, incident.MitigatedAt, incident.ResolvedAt);
        var people = await (from r in db.IncidentRoles.AsNoTracking()
                            join u in db.Users.AsNoTracking() on r.UserId equals u.Id
                            where r.IncidentId == incident.Id
                            select u.Name).Distinct().ToListAsync(cancellationToken);
        PersonDto? owner = null;
        if (postmortem.OwnerId is { } ownerId)
            owner = await db.Users.AsNoTracking().Where(u => u.Id == ownerId).Select(u => new PersonDto(u.Id, u.Name)).FirstOrDefaultAsync(cancellationToken);
        var services = await (from l in db.IncidentServices.AsNoTracking()
                              join s in db.Services.AsNoTracking() on l.ServiceId equals s.Id
                              where l.IncidentId == incident.Id
                              orderby s.Name
                              select s.Name).ToListAsync(cancellationToken);
        var pages = (await Paging.PagingApi.ForIncidentAsync(db, incident.Id, cancellationToken))
            .GroupBy(d => d.UserName).Select(g => new PagedDto(g.Key, g.Count())).OrderByDescending(p => p.Pages).ThenBy(p => p.Name, StringComparer.Ordinal).ToList();
        var messaging = (await db.IncidentUpdates.AsNoTracking().Where(u => u.IncidentId == incident.Id).ToListAsync(cancellationToken))
            .OrderBy(u => u.At).Select(u => new MessageDto(u.At, u.Visibility.ToString().ToLowerInvariant(), u.Author, u.Known, u.Unknown, u.Doing)).ToList();
        var facts = new LiveFacts(services, pages, messaging,
            await SeverityTimesAsync(incident, cancellationToken),
            await ComponentsAsync(incident, cancellationToken));
        return PostmortemDto.From(postmortem, incident.Number, incident.Title, incident.Severity, owner, impact, people, facts);
    }

    /// <summary>
    /// The time at each severity from the declaration to the resolution (or now): the severity changes are read
    /// from the audit log's record of the incident (each change of its <c>severity</c>, old and new, at the second).
    /// </summary>
    private async Task<IReadOnlyList<SeverityTimeDto>> SeverityTimesAsync(Incident incident, CancellationToken cancellationToken)
    {
        var id = incident.Id.ToString();
        var entries = await db.AuditEntries.AsNoTracking()
            .Where(a => a.EntityType == "incident" && a.EntityId == id && a.Action == "updated" && a.Changes.Contains("\"severity\""))
            .Select(a => new { a.At, a.Changes }).ToListAsync(cancellationToken);
        var changes = new List<SeverityChange>();
        foreach (var entry in entries)
        {
            using var doc = JsonDocument.Parse(entry.Changes);
            if (doc.RootElement.TryGetProperty("severity", out var pair) && pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 2
                && pair[0].GetString() is { } from && pair[1].GetString() is { } to)
                changes.Add(new(entry.At, from, to));
        }
        return SeverityTimes.From(incident.Severity, incident.DeclaredAt, incident.ResolvedAt ?? time.GetUtcNow(), changes)
            .Select(p => new SeverityTimeDto(p.Severity, (long)p.Duration.TotalSeconds)).ToList();
    }

    /// <summary>The status-page components the incident's public updates named, each with the worst state they set.</summary>
    private async Task<IReadOnlyList<ComponentTouchedDto>> ComponentsAsync(Incident incident, CancellationToken cancellationToken)
    {
        var touched = await (from pi in db.Set<Core.StatusPage.PublicIncident>().AsNoTracking()
                             join u in db.Set<Core.StatusPage.PublicIncidentUpdate>().AsNoTracking() on pi.Id equals u.PublicIncidentId
                             join c in db.Set<Core.StatusPage.PublicUpdateComponent>().AsNoTracking() on u.Id equals c.UpdateId
                             join component in db.Set<Core.StatusPage.StatusComponent>().AsNoTracking() on c.ComponentId equals component.Id
                             where pi.IncidentId == incident.Id
                             select new { component.Id, component.Name, c.NewState }).ToListAsync(cancellationToken);
        return touched.GroupBy(t => t.Id)
            .Select(g => new ComponentTouchedDto(g.First().Name, Core.StatusPage.StatusNames.Wire(g.Select(t => t.NewState).Where(s => s != Core.StatusPage.ComponentState.UnderMaintenance).DefaultIfEmpty(Core.StatusPage.ComponentState.Operational).Max())))
            .OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
    }
}
