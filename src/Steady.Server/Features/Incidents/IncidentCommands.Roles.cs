using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Alerts;
using Steady.Core.Incidents;
using Steady.Core.Services;
using Steady.Server.Data;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Incidents;

/// <summary>Incident roles: one commander at a time, handoffs told to the people they change.</summary>
public sealed partial class IncidentCommands
{
    public async Task<Outcome<Incident>> AssignRoleAsync(Actor actor, string number, RoleInput input, CancellationToken cancellationToken)
    {
        var role = Roles.Parse(input.Role);
        if (role is null)
            return Failure.Invalid("role", "'role' must be commander, responder, communications-lead or scribe.");
        Steady.Core.Accounts.User? user = null;
        if (!string.IsNullOrWhiteSpace(input.User))
        {
            user = await db.UserAsync(input.User, cancellationToken);
            if (user is null || user.DisabledAt is not null)
                return Failure.Invalid("user", $"There is no active user '{input.User}'.");
        }
        return await RoleChangeAsync(actor, number, current => Roles.Assign(current, role.Value, user?.Id, user?.Name ?? "", time.GetUtcNow()), cancellationToken);
    }

    public async Task<Outcome<Incident>> RemoveRoleAsync(Actor actor, string number, string roleName, string userRef, CancellationToken cancellationToken)
    {
        var role = Roles.Parse(roleName);
        if (role is null)
            return Failure.Invalid("role", "'role' must be commander, responder, communications-lead or scribe.");
        var user = await db.UserAsync(userRef, cancellationToken);
        if (user is null)
            return Failure.NotFound($"User '{userRef}'");
        return await RoleChangeAsync(actor, number, current => Roles.Remove(current, role.Value, user.Id, user.Name), cancellationToken);
    }

    private async Task<Outcome<Incident>> RoleChangeAsync(Actor actor, string number, Func<IReadOnlyList<RoleHolder>, Outcome<RoleChange>> decide, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var incident = await queries.FindAsync(number, tracked: true, cancellationToken);
        if (incident is null)
            return Failure.NotFound($"Incident #{number.TrimStart('#')}");
        if (!Permissions.CanRespondFor(actor, incident.TeamId))
            return Failure.Forbidden("Only responders of the team that answers for this incident can change its roles.");
        var rows = await db.IncidentRoles.Where(r => r.IncidentId == incident.Id && r.EndedAt == null).ToListAsync(cancellationToken);
        var change = decide(rows.Select(r => new RoleHolder(r.UserId, r.Role, r.StartedAt)).ToList());
        if (!change.Succeeded)
            return change.Failure!;
        var now = time.GetUtcNow();
        // Ending the old holder and starting the new one are two statements: the partial unique index
        // on the current commander holds between them, so end first, then start, in one transaction.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var ended in change.Value!.Ended)
            rows.First(r => r.UserId == ended.UserId && r.Role == ended.Role).EndedAt = now;
        incident.Version++;
        await db.SaveChangesAsync(cancellationToken);
        if (change.Value.Started is { } started)
        {
            var assignment = new IncidentRoleAssignment { Id = Ids.New(time), IncidentId = incident.Id, UserId = started.UserId, Role = started.Role, StartedAt = now, AssignedBy = actor.Name };
            db.IncidentRoles.Add(assignment);
            if (started.Role == IncidentRole.Commander)
                await TellOfHandoffAsync(incident, actor, assignment, change.Value.Ended.Select(e => e.UserId).ToList(), cancellationToken);
        }
        Entry(incident, "role", $"{change.Value.Description} (by {actor.Name})", actor);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return Failure.Conflict("Someone else changed the commander at the same moment; look again and retry.");
        }
        await transaction.CommitAsync(cancellationToken);
        wake.Wake();
        return incident;
    }

    /// <summary>
    /// A commander handoff reaches the people it changes, through all their contact methods (the incident's
    /// outbox; each message carries the incident's link): the new commander, and the one who held it —
    /// except whoever made the change, who knows.
    /// </summary>
    private async Task TellOfHandoffAsync(Incident incident, Actor actor, IncidentRoleAssignment assignment, IReadOnlyList<Guid> previous, CancellationToken cancellationToken)
    {
        var ids = previous.Append(assignment.UserId).ToList();
        var names = await queries.UserNamesAsync(ids, cancellationToken);
        var to = names.GetValueOrDefault(assignment.UserId, "?");
        var from = previous.Count == 0 ? null : names.GetValueOrDefault(previous[0], "?");
        var key = $"handoff:{assignment.Id:N}";
        var next = incident.NextUpdateDueAt is { } due ? $" The next status update is due at {due.UtcDateTime:HH:mm} UTC." : "";
        if (assignment.UserId != actor.UserId)
        {
            outbox.ToUser(incident, assignment.UserId, "handoff", key, $"You are now the incident commander of #{incident.Number} ({incident.Severity})",
                $"{actor.Name} handed you command of incident #{incident.Number} {incident.Severity} [{Lifecycle.Name(incident.Status)}]: {incident.Title}."
                + (from is null ? "" : $" {from} held it until now.") + next);
        }
        foreach (var old in previous.Where(p => p != actor.UserId && p != assignment.UserId))
        {
            outbox.ToUser(incident, old, "handoff", key, $"Incident #{incident.Number}: {to} is now the incident commander",
                $"{actor.Name} handed command of incident #{incident.Number} {incident.Severity} [{Lifecycle.Name(incident.Status)}]: {incident.Title} from you to {to}. You are no longer its commander.");
        }
    }
}
