using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Incidents;
using Steady.Server.Data;
using Steady.Server.Features.Accounts;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Incidents;

/// <summary>/api/v1/incidents: declare, run, record and close incidents. {number} is 12, #12 or INC-12.</summary>
public static class IncidentsApi
{
    public static RouteGroupBuilder MapIncidentsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/incident-severities", Severities).WithTags("Incidents").WithSummary("The severity table: meaning, expected response, update cadence");
        var incidents = api.MapGroup("/incidents").WithTags("Incidents");
        incidents.MapGet("/", List).WithSummary("Incidents, newest first; ?status=open|closed|all|triage|..., severity, service, mine=true");
        incidents.MapPost("/", Declare).WithSummary("Declare an incident, by hand or from an alert (alertId / alertGroupId links its group; 409 naming the incident when the group is already in an open one; responders of the team of each service named)");
        incidents.MapGet("/{number}", Get).WithSummary("An incident whole: roles, services, checklist, alerts, actions, updates, changes before it, resolution readiness");
        incidents.MapPost("/{number}/severity", Severity).WithSummary("Change the severity, with a reason");
        incidents.MapPost("/{number}/status", Status).WithSummary("Move through triage → mitigating → mitigated → resolved (back only with a reason; resolved is verified or overridden by the commander)");
        incidents.MapGet("/{number}/pages", Pages).WithSummary("Every page of the incident: its own and its alert groups' (to whom, how, its state and attempts)");
        incidents.MapPost("/{number}/acknowledge", Acknowledge).WithSummary("Acknowledge the incident: its pages and its alert groups' escalation stop, their triggered alerts are acknowledged (as the link in a page does)");
        incidents.MapPost("/{number}/close", Close).WithSummary("Close a resolved incident with the written record");
        incidents.MapPost("/{number}/roles", AssignRole).WithSummary("Give a role (commander: a handoff; communications-lead, scribe: replace; responder: add)");
        incidents.MapDelete("/{number}/roles/{role}/{user}", RemoveRole).WithSummary("Take a role from a person (never the commander: hand it over instead)");
        incidents.MapGet("/{number}/channels", Channels).WithSummary("The incident's own channels (chat webhooks, email addresses); its updates go there and to the server-wide channels");
        incidents.MapPost("/{number}/channels", AddChannel).WithSummary("Add a channel: {kind, address, settings} as a contact method; an email address list adds one per address");
        incidents.MapDelete("/{number}/channels/{id:guid}", RemoveChannel).WithSummary("Remove one of the incident's channels");
        incidents.MapGet("/{number}/updates", Updates).WithSummary("The status updates, newest first");
        incidents.MapPost("/{number}/updates", PostUpdate).WithSummary("Post a structured update: known, unknown, doing, next update at; internal or public");
        incidents.MapGet("/{number}/timeline", Timeline).WithSummary("Every event in time order");
        incidents.MapPost("/{number}/notes", AddNote).WithSummary("Add a note to the timeline (at may be in the past; pinned)");
        incidents.MapPatch("/{number}/timeline/{id:guid}", Pin).WithSummary("Pin or unpin a timeline entry");
        incidents.MapPost("/{number}/timeline/import", Import).WithSummary("Import host journal entries (deduplicated by key; original time and host kept)");
        incidents.MapPost("/{number}/actions", RecordAction).WithSummary("Record a deliberate action: intent, expected effect, who decided");
        incidents.MapPatch("/{number}/actions/{id:guid}", Observe).WithSummary("Record when an action was done and what it did");
        incidents.MapGet("/{number}/evidence", ListEvidence).WithSummary("Evidence attached to the incident, findings first");
        incidents.MapGet("/{number}/evidence/{id:guid}", GetEvidence).WithSummary("One piece of evidence with its whole document");
        incidents.MapPost("/{number}/evidence", AddEvidence).WithSummary("Attach a steady.snapshot/v1 document; each finding goes on the timeline");
        return api;
    }

    private static Ok<IReadOnlyList<SeverityDto>> Severities(IncidentSeverities severities) =>
        TypedResults.Ok<IReadOnlyList<SeverityDto>>(severities.Table.Levels.Select(SeverityDto.From).ToList());

    public sealed record ListFilter(string? Status, string? Severity, string? Service, bool Mine);

    /// <summary>The incident list query, shared with the console.</summary>
    public static async Task<Outcome<List<IncidentSummaryDto>>> ListAsync(SteadyDb db, Guid actorId, ListFilter filter, int limit, Guid? cursor, CancellationToken cancellationToken)
    {
        var query = db.Incidents.AsNoTracking();
        switch (filter.Status?.Trim().ToLowerInvariant())
        {
            case null or "" or "all":
                break;
            case "open":
                query = query.Where(i => i.Status != IncidentStatus.Resolved && i.Status != IncidentStatus.Closed);
                break;
            default:
                if (Lifecycle.Parse(filter.Status) is not { } status)
                    return Failure.Invalid("status", "'status' must be open, all, triage, mitigating, mitigated, resolved or closed.");
                query = query.Where(i => i.Status == status);
                break;
        }
        if (!string.IsNullOrWhiteSpace(filter.Severity))
            query = query.Where(i => i.Severity == filter.Severity.Trim().ToUpperInvariant());
        if (!string.IsNullOrWhiteSpace(filter.Service))
        {
            var service = await db.ServiceAsync(filter.Service, cancellationToken);
            if (service is null)
                return Failure.NotFound($"Service '{filter.Service}'");
            query = query.Where(i => db.IncidentServices.Any(s => s.IncidentId == i.Id && s.ServiceId == service.Id));
        }
        if (filter.Mine)
            query = query.Where(i => db.IncidentRoles.Any(r => r.IncidentId == i.Id && r.UserId == actorId && r.EndedAt == null));
        if (cursor is { } before)
            query = query.Where(i => i.Id.CompareTo(before) < 0);
        var rows = await query.OrderByDescending(i => i.Id).Take(limit).ToListAsync(cancellationToken);
        var ids = rows.Select(i => i.Id).ToList();
        var roles = await db.IncidentRoles.AsNoTracking().Where(r => ids.Contains(r.IncidentId) && r.EndedAt == null).ToListAsync(cancellationToken);
        var userIds = roles.Select(r => r.UserId).Distinct().ToList();
        var names = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Name, cancellationToken);
        var services = await db.IncidentServices.AsNoTracking().Where(s => ids.Contains(s.IncidentId))
            .Join(db.Services, l => l.ServiceId, s => s.Id, (l, s) => new { l.IncidentId, s.Name }).ToListAsync(cancellationToken);
        return rows.Select(i =>
        {
            var commander = roles.FirstOrDefault(r => r.IncidentId == i.Id && r.Role == IncidentRole.Commander);
            return new IncidentSummaryDto(i.Id, i.Number, i.Title, i.Severity, Lifecycle.Name(i.Status), i.DeclaredAt, i.StartedAt,
                commander?.UserId, commander is null ? null : names.GetValueOrDefault(commander.UserId),
                services.Where(s => s.IncidentId == i.Id).Select(s => s.Name).Order(StringComparer.Ordinal).ToList(),
                i.NextUpdateDueAt, roles.Where(r => r.IncidentId == i.Id && r.UserId == actorId).Select(r => Roles.Name(r.Role)).ToList(),
                i.ResolvedAt, i.ClosedAt);
        }).ToList();
    }

    private static async Task<Results<Ok<Page<IncidentSummaryDto>>, ProblemHttpResult>> List(
        SteadyDb db, ActorAccessor actors, string? status, string? severity, string? service, bool? mine, int? limit, Guid? cursor, CancellationToken cancellationToken)
    {
        var actor = await actors.RequireAsync(cancellationToken);
        var take = Pagination.Limit(limit);
        var rows = await ListAsync(db, actor.UserId, new ListFilter(status, severity, service, mine == true), take + 1, cursor, cancellationToken);
        return rows.Succeeded ? TypedResults.Ok(Pagination.Of(rows.Value!, take, i => i.Id)) : rows.Failure!.ToProblem();
    }

    private static async Task<Results<Created<IncidentDto>, ProblemHttpResult>> Declare(DeclareInput input, ActorAccessor actors, IncidentCommands commands, IncidentQueries queries, CancellationToken cancellationToken)
    {
        var outcome = await commands.DeclareAsync(await actors.RequireAsync(cancellationToken), input, cancellationToken);
        if (!outcome.Succeeded)
            return outcome.Failure!.ToProblem();
        return TypedResults.Created($"/api/v1/incidents/{outcome.Value!.Number}", await queries.DtoAsync(outcome.Value, cancellationToken));
    }

    private static async Task<Results<Ok<IncidentDto>, ProblemHttpResult>> Get(string number, IncidentQueries queries, CancellationToken cancellationToken)
    {
        var incident = await queries.FindAsync(number, tracked: false, cancellationToken);
        return incident is null ? NotFound(number) : TypedResults.Ok(await queries.DtoAsync(incident, cancellationToken));
    }

    private static Task<Results<Ok<IncidentDto>, ProblemHttpResult>> Severity(string number, SeverityInput input, ActorAccessor actors, IncidentCommands commands, IncidentQueries queries, CancellationToken cancellationToken) =>
        Respond(actors, queries, a => commands.ChangeSeverityAsync(a, number, input, cancellationToken), cancellationToken);

    private static Task<Results<Ok<IncidentDto>, ProblemHttpResult>> Status(string number, StatusInput input, ActorAccessor actors, IncidentCommands commands, IncidentQueries queries, CancellationToken cancellationToken) =>
        Respond(actors, queries, a => commands.ChangeStatusAsync(a, number, input, cancellationToken), cancellationToken);

    private static async Task<Results<Ok<IReadOnlyList<Features.Paging.DeliveryDto>>, ProblemHttpResult>> Pages(string number, SteadyDb db, IncidentQueries queries, CancellationToken cancellationToken)
    {
        var incident = await queries.FindAsync(number, tracked: false, cancellationToken);
        if (incident is null)
            return NotFound(number);
        return TypedResults.Ok<IReadOnlyList<Features.Paging.DeliveryDto>>(await Features.Paging.PagingApi.ForIncidentAsync(db, incident.Id, cancellationToken));
    }

    private static Task<Results<Ok<IncidentDto>, ProblemHttpResult>> Acknowledge(string number, ActorAccessor actors, IncidentCommands commands, IncidentQueries queries, CancellationToken cancellationToken) =>
        Respond(actors, queries, a => commands.AcknowledgeAsync(a, number, cancellationToken), cancellationToken);

    private static Task<Results<Ok<IncidentDto>, ProblemHttpResult>> Close(string number, CloseInput input, ActorAccessor actors, IncidentCommands commands, IncidentQueries queries, CancellationToken cancellationToken) =>
        Respond(actors, queries, a => commands.CloseAsync(a, number, input, cancellationToken), cancellationToken);

    private static Task<Results<Ok<IncidentDto>, ProblemHttpResult>> AssignRole(string number, RoleInput input, ActorAccessor actors, IncidentCommands commands, IncidentQueries queries, CancellationToken cancellationToken) =>
        Respond(actors, queries, a => commands.AssignRoleAsync(a, number, input, cancellationToken), cancellationToken);

    private static Task<Results<Ok<IncidentDto>, ProblemHttpResult>> RemoveRole(string number, string role, string user, ActorAccessor actors, IncidentCommands commands, IncidentQueries queries, CancellationToken cancellationToken) =>
        Respond(actors, queries, a => commands.RemoveRoleAsync(a, number, role, user, cancellationToken), cancellationToken);

    private static async Task<Results<Ok<IReadOnlyList<ChannelDto>>, ProblemHttpResult>> Channels(string number, IncidentQueries queries, IncidentChannels channels, CancellationToken cancellationToken)
    {
        var incident = await queries.FindAsync(number, tracked: false, cancellationToken);
        return incident is null ? NotFound(number) : TypedResults.Ok<IReadOnlyList<ChannelDto>>(await channels.ListAsync(incident.Id, cancellationToken));
    }

    private static async Task<Results<Created<IReadOnlyList<ChannelDto>>, ProblemHttpResult>> AddChannel(string number, ChannelInput input, ActorAccessor actors, IncidentChannels channels, CancellationToken cancellationToken)
    {
        var outcome = await channels.AddAsync(await actors.RequireAsync(cancellationToken), number, input, cancellationToken);
        return outcome.Succeeded ? TypedResults.Created<IReadOnlyList<ChannelDto>>($"/api/v1/incidents/{number}/channels", outcome.Value!) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveChannel(string number, Guid id, ActorAccessor actors, IncidentChannels channels, CancellationToken cancellationToken)
    {
        var outcome = await channels.RemoveAsync(await actors.RequireAsync(cancellationToken), number, id, cancellationToken);
        return outcome.Succeeded ? TypedResults.NoContent() : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<IReadOnlyList<UpdateDto>>, ProblemHttpResult>> Updates(string number, SteadyDb db, IncidentQueries queries, CancellationToken cancellationToken)
    {
        var incident = await queries.FindAsync(number, tracked: false, cancellationToken);
        if (incident is null)
            return NotFound(number);
        var rows = await db.IncidentUpdates.AsNoTracking().Where(u => u.IncidentId == incident.Id).OrderByDescending(u => u.At).ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<UpdateDto>>(rows.Select(UpdateDto.From).ToList());
    }

    private static async Task<Results<Created<UpdateDto>, ProblemHttpResult>> PostUpdate(string number, UpdateInput input, ActorAccessor actors, IncidentRecords records, CancellationToken cancellationToken)
    {
        var outcome = await records.PostUpdateAsync(await actors.RequireAsync(cancellationToken), number, input, cancellationToken);
        return outcome.Succeeded ? TypedResults.Created($"/api/v1/incidents/{number}/updates", UpdateDto.From(outcome.Value!)) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<IReadOnlyList<TimelineDto>>, ProblemHttpResult>> Timeline(string number, bool? pinned, IncidentQueries queries, CancellationToken cancellationToken)
    {
        var incident = await queries.FindAsync(number, tracked: false, cancellationToken);
        if (incident is null)
            return NotFound(number);
        var entries = await queries.TimelineAsync(incident, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<TimelineDto>>(pinned == true ? entries.Where(e => e.Pinned).ToList() : entries);
    }

    private static async Task<Results<Created<TimelineDto>, ProblemHttpResult>> AddNote(string number, NoteInput input, ActorAccessor actors, IncidentRecords records, CancellationToken cancellationToken)
    {
        var outcome = await records.AddNoteAsync(await actors.RequireAsync(cancellationToken), number, input, cancellationToken);
        return outcome.Succeeded ? TypedResults.Created($"/api/v1/incidents/{number}/timeline", Dto(outcome.Value!)) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<TimelineDto>, ProblemHttpResult>> Pin(string number, Guid id, PinInput input, ActorAccessor actors, IncidentRecords records, CancellationToken cancellationToken)
    {
        var outcome = await records.PinAsync(await actors.RequireAsync(cancellationToken), number, id, input.Pinned, cancellationToken);
        return outcome.Succeeded ? TypedResults.Ok(Dto(outcome.Value!)) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<ImportResult>, ProblemHttpResult>> Import(string number, ImportInput input, ActorAccessor actors, IncidentRecords records, CancellationToken cancellationToken)
    {
        var outcome = await records.ImportAsync(await actors.RequireAsync(cancellationToken), number, input, cancellationToken);
        return outcome.Succeeded ? TypedResults.Ok(outcome.Value!) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Created<ActionDto>, ProblemHttpResult>> RecordAction(string number, ActionInput input, ActorAccessor actors, IncidentRecords records, CancellationToken cancellationToken)
    {
        var outcome = await records.RecordActionAsync(await actors.RequireAsync(cancellationToken), number, input, cancellationToken);
        return outcome.Succeeded ? TypedResults.Created($"/api/v1/incidents/{number}/actions/{outcome.Value!.Id}", ActionDto.From(outcome.Value)) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<ActionDto>, ProblemHttpResult>> Observe(string number, Guid id, ObservationInput input, ActorAccessor actors, IncidentRecords records, CancellationToken cancellationToken)
    {
        var outcome = await records.ObserveAsync(await actors.RequireAsync(cancellationToken), number, id, input, cancellationToken);
        return outcome.Succeeded ? TypedResults.Ok(ActionDto.From(outcome.Value!)) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<IReadOnlyList<EvidenceDto>>, ProblemHttpResult>> ListEvidence(string number, IncidentQueries queries, CancellationToken cancellationToken)
    {
        var incident = await queries.FindAsync(number, tracked: false, cancellationToken);
        if (incident is null)
            return NotFound(number);
        return TypedResults.Ok<IReadOnlyList<EvidenceDto>>(await queries.EvidenceAsync(incident.Id, withDocument: false, cancellationToken));
    }

    private static async Task<Results<Ok<EvidenceDto>, ProblemHttpResult>> GetEvidence(string number, Guid id, SteadyDb db, IncidentQueries queries, CancellationToken cancellationToken)
    {
        var incident = await queries.FindAsync(number, tracked: false, cancellationToken);
        if (incident is null)
            return NotFound(number);
        var row = await db.IncidentEvidence.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id && e.IncidentId == incident.Id, cancellationToken);
        return row is null ? Problems.NotFound("The evidence") : TypedResults.Ok(IncidentQueries.ToDto(row, withDocument: true));
    }

    private static async Task<Results<Created<EvidenceCreated>, ProblemHttpResult>> AddEvidence(string number, JsonElement document, ActorAccessor actors, IncidentRecords records, CancellationToken cancellationToken)
    {
        var outcome = await records.AddEvidenceAsync(await actors.RequireAsync(cancellationToken), number, document, cancellationToken);
        return outcome.Succeeded
            ? TypedResults.Created($"/api/v1/incidents/{number}/evidence/{outcome.Value!.Id}", new EvidenceCreated(outcome.Value.Id, outcome.Value.FindingCount))
            : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<IncidentDto>, ProblemHttpResult>> Respond(ActorAccessor actors, IncidentQueries queries, Func<Steady.Core.Accounts.Actor, Task<Outcome<Incident>>> act, CancellationToken cancellationToken)
    {
        var outcome = await act(await actors.RequireAsync(cancellationToken));
        return outcome.Succeeded ? TypedResults.Ok(await queries.DtoAsync(outcome.Value!, cancellationToken)) : outcome.Failure!.ToProblem();
    }

    private static ProblemHttpResult NotFound(string number) =>
        IncidentQueries.ParseNumber(number) is null
            ? Failure.Invalid("number", $"'{number}' is not an incident number (12, #12 or INC-12).").ToProblem()
            : Problems.NotFound($"Incident #{number.TrimStart('#')}");

    private static TimelineDto Dto(TimelineEntry t) => new(t.Id, t.At, t.Kind, t.Text, t.ActorName, t.Source, t.Host, t.Pinned, t.RefId);
}
