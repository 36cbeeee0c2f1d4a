using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Incidents;
using Steady.Core.Postmortems;
using Steady.Server.Data;
using Steady.Server.Features.Incidents;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Postmortems;

/// <summary>POST /action-items: from an incident (its number) or a postmortem (its id).</summary>
public sealed record ActionItemInput(
    string? Title = null,
    string? Type = null,
    string? Owner = null,
    string? Priority = null,
    DateTimeOffset? DueAt = null,
    string? TicketUrl = null,
    string? Status = null,
    string? Reason = null,
    string? Incident = null,
    Guid? PostmortemId = null);

public sealed record ActionItemDto(
    Guid Id, int Incident, Guid? PostmortemId, string Title, string Type, PersonDto Owner, string Priority, DateTimeOffset DueAt,
    string? TicketUrl, string Status, string? Reason, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset UpdatedAt, DateTimeOffset? DoneAt);

/// <summary>
/// Action items, shared by the API and (later) the console and CLI: create one from a postmortem or an
/// incident, change it, list them. An owner is a person (an active user); "not doing" needs a reason; a
/// new item's due date is not in the past.
/// </summary>
public sealed class ActionItemCommands(SteadyDb db, IncidentQueries queries, IOptions<PostmortemOptions> options, WakeSignal<FollowUpWorker> reminders, TimeProvider time)
{
    public async Task<Outcome<ActionItemDto>> CreateAsync(Actor actor, ActionItemInput input, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        Incident? incident = null;
        Guid? postmortemId = null;
        if (input.PostmortemId is { } pmId)
        {
            var postmortem = await db.Set<Postmortem>().AsNoTracking().FirstOrDefaultAsync(p => p.Id == pmId, cancellationToken);
            if (postmortem is null)
                return Failure.Invalid("postmortemId", $"There is no postmortem {pmId}.");
            incident = await db.Incidents.AsNoTracking().FirstAsync(i => i.Id == postmortem.IncidentId, cancellationToken);
            postmortemId = postmortem.Id;
        }
        else if (!string.IsNullOrWhiteSpace(input.Incident))
        {
            incident = await queries.FindAsync(input.Incident, tracked: false, cancellationToken);
            if (incident is null)
                return Failure.Invalid("incident", $"There is no incident {input.Incident}.");
            postmortemId = await db.Set<Postmortem>().Where(p => p.IncidentId == incident.Id).Select(p => (Guid?)p.Id).FirstOrDefaultAsync(cancellationToken);
        }
        else
        {
            return Failure.Invalid("incident", "Name the 'incident' (its number) or the 'postmortemId' the action item comes from.");
        }
        if (!Permissions.CanRespondFor(actor, incident.TeamId))
            return Failure.Forbidden("Only responders of the team that answers for the incident can add its action items.");

        var validation = new Validation().Name("title", input.Title, 300).Url("ticketUrl", input.TicketUrl).Text("reason", input.Reason, 2000);
        var type = ActionItemRules.ParseType(input.Type);
        if (type is null)
            validation.Add("type", $"'type' must be one of {ActionItemRules.TypeNames}.");
        var priority = string.IsNullOrWhiteSpace(input.Priority) ? "medium" : input.Priority.Trim().ToLowerInvariant();
        if (!ActionItemRules.Priorities.Contains(priority))
            validation.Add("priority", $"'priority' must be one of {string.Join(", ", ActionItemRules.Priorities)}.");
        var status = input.Status is null ? ActionItemStatus.Open : ActionItemRules.ParseStatus(input.Status);
        if (status is null)
            validation.Add("status", $"'status' must be one of {ActionItemRules.StatusNames}.");
        else if (ActionItemRules.CheckStatus(status.Value, input.Reason) is { } noReason)
            validation.Add("reason", noReason);
        if (input.DueAt is not { } due)
            validation.Add("dueAt", "'dueAt' is required: when the item should be done.");
        else if (ActionItemRules.CheckNewDueDate(due, now) is { } past)
            validation.Add("dueAt", past);
        var owner = await OwnerAsync(input.Owner, validation, cancellationToken);
        if (validation.ToFailure() is { } invalid)
            return invalid;

        var item = new ActionItem
        {
            Id = Ids.New(time),
            IncidentId = incident.Id,
            PostmortemId = postmortemId,
            Title = input.Title!.Trim(),
            Type = type!.Value,
            OwnerId = owner!.Id,
            Priority = priority,
            DueAt = input.DueAt!.Value.ToUniversalTime(),
            TicketUrl = string.IsNullOrWhiteSpace(input.TicketUrl) ? null : input.TicketUrl.Trim(),
            Status = status!.Value,
            Reason = string.IsNullOrWhiteSpace(input.Reason) ? null : input.Reason.Trim(),
            CreatedAt = now,
            CreatedBy = actor.Name,
            UpdatedAt = now,
            DoneAt = status == ActionItemStatus.Done ? now : null,
        };
        item.NextReminderAt = ActionItemReminders.Next(item.Status, item.DueAt, item.CreatedAt, 0, options.Value.Policy);
        db.Add(item);
        await db.SaveChangesAsync(cancellationToken);
        reminders.Wake();
        return Dto(item, incident.Number, new PersonDto(owner.Id, owner.Name));
    }

    /// <summary>Changes the fields given. A due date may move into the past only if it already was (the check is for new dates).</summary>
    public async Task<Outcome<ActionItemDto>> UpdateAsync(Actor actor, Guid id, ActionItemInput input, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var item = await db.Set<ActionItem>().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (item is null)
            return Failure.NotFound("The action item");
        var incident = await db.Incidents.AsNoTracking().FirstAsync(i => i.Id == item.IncidentId, cancellationToken);
        if (!Permissions.CanRespondFor(actor, incident.TeamId) && actor.UserId != item.OwnerId)
            return Failure.Forbidden("Only the owner or responders of the incident's team can change this action item.");

        var validation = new Validation().Url("ticketUrl", input.TicketUrl).Text("reason", input.Reason, 2000);
        if (input.Title is not null)
            validation.Name("title", input.Title, 300);
        ActionItemType? type = null;
        if (input.Type is not null && (type = ActionItemRules.ParseType(input.Type)) is null)
            validation.Add("type", $"'type' must be one of {ActionItemRules.TypeNames}.");
        var priority = input.Priority?.Trim().ToLowerInvariant();
        if (priority is not null && !ActionItemRules.Priorities.Contains(priority))
            validation.Add("priority", $"'priority' must be one of {string.Join(", ", ActionItemRules.Priorities)}.");
        ActionItemStatus? status = null;
        if (input.Status is not null && (status = ActionItemRules.ParseStatus(input.Status)) is null)
            validation.Add("status", $"'status' must be one of {ActionItemRules.StatusNames}.");
        var reason = input.Reason is null ? item.Reason : (string.IsNullOrWhiteSpace(input.Reason) ? null : input.Reason.Trim());
        if (ActionItemRules.CheckStatus(status ?? item.Status, reason) is { } noReason)
            validation.Add("reason", noReason);
        if (input.DueAt is { } due && due != item.DueAt && ActionItemRules.CheckNewDueDate(due, now) is { } past)
            validation.Add("dueAt", past);
        User? owner = null;
        if (input.Owner is not null)
            owner = await OwnerAsync(input.Owner, validation, cancellationToken);
        if (validation.ToFailure() is { } invalid)
            return invalid;

        if (input.Title is not null)
            item.Title = input.Title.Trim();
        if (type is { } t)
            item.Type = t;
        if (priority is not null)
            item.Priority = priority;
        if (input.DueAt is { } newDue && newDue != item.DueAt)
        {
            item.DueAt = newDue.ToUniversalTime();
            item.RemindersSent = 0; // a new due date: the follow-up starts again
        }
        if (input.TicketUrl is not null)
            item.TicketUrl = string.IsNullOrWhiteSpace(input.TicketUrl) ? null : input.TicketUrl.Trim();
        if (owner is not null)
            item.OwnerId = owner.Id;
        item.Reason = reason;
        if (status is { } s && s != item.Status)
        {
            item.Status = s;
            item.DoneAt = s == ActionItemStatus.Done ? now : null;
        }
        item.NextReminderAt = ActionItemReminders.Next(item.Status, item.DueAt, item.CreatedAt, item.RemindersSent, options.Value.Policy);
        item.UpdatedAt = now;
        item.Version++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Failure.Conflict("The action item changed meanwhile; read it again and repeat the change.");
        }
        reminders.Wake();
        var ownerDto = await db.Users.AsNoTracking().Where(u => u.Id == item.OwnerId).Select(u => new PersonDto(u.Id, u.Name)).FirstAsync(cancellationToken);
        return Dto(item, incident.Number, ownerDto);
    }

    /// <param name="Status">open, in-progress, done, not-doing; or "unfinished" (open and in progress).</param>
    /// <param name="Order">"due" (the default: soonest due first) or "age" (oldest first).</param>
    public sealed record ListFilter(string? Incident, string? Owner, string? Status, string? Type, string? Team = null, string? Service = null, string? Order = null);

    public async Task<Outcome<List<ActionItemDto>>> ListAsync(ListFilter filter, CancellationToken cancellationToken)
    {
        var query = from a in db.Set<ActionItem>().AsNoTracking()
                    join i in db.Incidents.AsNoTracking() on a.IncidentId equals i.Id
                    join u in db.Users.AsNoTracking() on a.OwnerId equals u.Id
                    select new { a, i.Number, i.TeamId, u.Name };
        if (!string.IsNullOrWhiteSpace(filter.Incident))
        {
            if (IncidentQueries.ParseNumber(filter.Incident) is not { } n)
                return Failure.Invalid("incident", $"'{filter.Incident}' is not an incident number.");
            query = query.Where(x => x.Number == n);
        }
        if (!string.IsNullOrWhiteSpace(filter.Owner))
        {
            var owner = await db.UserAsync(filter.Owner, cancellationToken);
            if (owner is null)
                return Failure.Invalid("owner", $"There is no user '{filter.Owner}'.");
            query = query.Where(x => x.a.OwnerId == owner.Id);
        }
        if (string.Equals(filter.Status?.Trim(), "unfinished", StringComparison.OrdinalIgnoreCase))
        {
            query = query.Where(x => x.a.Status == ActionItemStatus.Open || x.a.Status == ActionItemStatus.InProgress);
        }
        else if (!string.IsNullOrWhiteSpace(filter.Status))
        {
            if (ActionItemRules.ParseStatus(filter.Status) is not { } s)
                return Failure.Invalid("status", $"'status' must be one of {ActionItemRules.StatusNames}, or unfinished.");
            query = query.Where(x => x.a.Status == s);
        }
        if (!string.IsNullOrWhiteSpace(filter.Team))
        {
            var team = await db.TeamAsync(filter.Team, cancellationToken);
            if (team is null)
                return Failure.Invalid("team", $"There is no team '{filter.Team}'.");
            query = query.Where(x => x.TeamId == team.Id);
        }
        if (!string.IsNullOrWhiteSpace(filter.Service))
        {
            var service = await db.ServiceAsync(filter.Service, cancellationToken);
            if (service is null)
                return Failure.Invalid("service", $"There is no service '{filter.Service}'.");
            query = query.Where(x => db.IncidentServices.Any(l => l.IncidentId == x.a.IncidentId && l.ServiceId == service.Id));
        }
        var byAge = string.Equals(filter.Order?.Trim(), "age", StringComparison.OrdinalIgnoreCase);
        if (!byAge && !string.IsNullOrWhiteSpace(filter.Order) && !string.Equals(filter.Order.Trim(), "due", StringComparison.OrdinalIgnoreCase))
            return Failure.Invalid("order", "'order' must be due (soonest due first) or age (oldest first).");
        if (!string.IsNullOrWhiteSpace(filter.Type))
        {
            if (ActionItemRules.ParseType(filter.Type) is not { } t)
                return Failure.Invalid("type", $"'type' must be one of {ActionItemRules.TypeNames}.");
            query = query.Where(x => x.a.Type == t);
        }
        var ordered = byAge ? query.OrderBy(x => x.a.CreatedAt).ThenBy(x => x.a.Id) : query.OrderBy(x => x.a.DueAt).ThenBy(x => x.a.Id);
        var rows = await ordered.Take(500).ToListAsync(cancellationToken);
        return rows.Select(x => Dto(x.a, x.Number, new PersonDto(x.a.OwnerId, x.Name))).ToList();
    }

    public async Task<Outcome<ActionItemDto>> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        var row = await (from a in db.Set<ActionItem>().AsNoTracking()
                         join i in db.Incidents.AsNoTracking() on a.IncidentId equals i.Id
                         join u in db.Users.AsNoTracking() on a.OwnerId equals u.Id
                         where a.Id == id
                         select new { a, i.Number, u.Name }).FirstOrDefaultAsync(cancellationToken);
        return row is null ? Failure.NotFound("The action item") : Dto(row.a, row.Number, new PersonDto(row.a.OwnerId, row.Name));
    }

    /// <summary>The owner: an active user by id or email; anything else (a team, a schedule, nobody) is a validation error.</summary>
    private async Task<User?> OwnerAsync(string? owner, Validation validation, CancellationToken cancellationToken)
    {
        var user = string.IsNullOrWhiteSpace(owner) ? null : await db.UserAsync(owner, cancellationToken);
        if (user is null || user.DisabledAt is not null)
        {
            validation.Add("owner", string.IsNullOrWhiteSpace(owner)
                ? "'owner' is required: the person (id or email) who sees the item through."
                : $"'owner' must be a person: the id or email of an active user ('{owner}' is not).");
            return null;
        }
        return user;
    }

    private static ActionItemDto Dto(ActionItem a, int number, PersonDto owner) =>
        new(a.Id, number, a.PostmortemId, a.Title, a.Type.ToWire(), owner, a.Priority, a.DueAt, a.TicketUrl, a.Status.ToWire(), a.Reason, a.CreatedAt, a.CreatedBy, a.UpdatedAt, a.DoneAt);
}
