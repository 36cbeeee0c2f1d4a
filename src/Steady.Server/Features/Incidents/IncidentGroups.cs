using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Alerts;
using Steady.Core.Incidents;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Server.Features.Paging;
using Steady.Server.Features.Alerts;
using Steady.Core.Paging;

namespace Steady.Server.Features.Incidents;

/// <summary>
/// An incident owns the alert groups of the alerts linked to it (declaring from an alert links its whole
/// group): their pages are its pages — on its timeline and in its page list —, acknowledging the incident
/// acknowledges their alerts and stops their escalation, and while the incident is open no other
/// incident may be declared from them. Alerts that join such a group later are part of the incident too.
/// </summary>
public static class IncidentGroups
{
    /// <summary>The alert groups the incident owns: those of its linked alerts.</summary>
    public static IQueryable<Guid> Of(SteadyDb db, Guid incidentId) =>
        db.IncidentAlerts.Where(l => l.IncidentId == incidentId).Join(db.Alerts, l => l.AlertId, a => a.Id, (l, a) => a.GroupId).Distinct();

    /// <summary>
    /// The incident's alerts: those linked to it, and those that joined its groups before it was resolved
    /// (after that, a group that fires again is a new story).
    /// </summary>
    public static IQueryable<Alert> AlertsOf(SteadyDb db, Incident incident)
    {
        var groups = Of(db, incident.Id);
        var until = incident.ResolvedAt;
        return db.Alerts.AsNoTracking().Where(a =>
            db.IncidentAlerts.Any(l => l.IncidentId == incident.Id && l.AlertId == a.Id)
            || (groups.Contains(a.GroupId) && (until == null || a.FirstSeenAt <= until)));
    }

    private static IQueryable<Incident> Open(SteadyDb db) =>
        db.Incidents.AsNoTracking().Where(i => i.Status != IncidentStatus.Resolved && i.Status != IncidentStatus.Closed);

    /// <summary>The open incident that owns the group, if there is one (there is at most one: declaring refuses a second).</summary>
    public static Task<Incident?> OpenIncidentOfAsync(SteadyDb db, Guid groupId, CancellationToken cancellationToken) =>
        Open(db)
            .Where(i => db.IncidentAlerts.Any(l => l.IncidentId == i.Id && db.Alerts.Any(a => a.Id == l.AlertId && a.GroupId == groupId)))
            .OrderByDescending(i => i.Number)
            .FirstOrDefaultAsync(cancellationToken);

    /// <summary>The refusal of a second incident for a group: 409, naming the incident that has it (number, id) for people and programs.</summary>
    public static Failure AlreadyIn(AlertGroup group, Incident existing) =>
        Failure.Conflict($"The alert group '{group.Title}' is already in incident #{existing.Number} ({existing.Severity}, {Lifecycle.Name(existing.Status)}): {existing.Title}. "
            + "An alert group belongs to one open incident at a time: work on it there.")
        with { Extensions = new Dictionary<string, object?> { ["incident"] = AlertIncidentDto.From(existing) } };

    /// <summary>
    /// For each alert, the incident it is in: the open incident that owns its group, or else the latest
    /// incident it was linked to (resolved or closed). Alerts in no incident are left out.
    /// </summary>
    public static async Task<Dictionary<Guid, AlertIncidentDto>> ForAlertsAsync(SteadyDb db, IReadOnlyCollection<Alert> alerts, CancellationToken cancellationToken)
    {
        var result = new Dictionary<Guid, AlertIncidentDto>();
        if (alerts.Count == 0)
            return result;
        var groupIds = alerts.Select(a => a.GroupId).Distinct().ToList();
        var alertIds = alerts.Select(a => a.Id).ToList();
        // Open incidents are few: start from them.
        var owning = await Open(db)
            .Join(db.IncidentAlerts, i => i.Id, l => l.IncidentId, (i, l) => new { Incident = i, l.AlertId })
            .Join(db.Alerts, x => x.AlertId, a => a.Id, (x, a) => new { x.Incident, a.GroupId })
            .Where(x => groupIds.Contains(x.GroupId))
            .Select(x => new { x.GroupId, x.Incident })
            .ToListAsync(cancellationToken);
        var byGroup = owning.GroupBy(x => x.GroupId).ToDictionary(g => g.Key, g => g.Select(x => x.Incident).MaxBy(i => i.Number)!);
        var linked = await db.IncidentAlerts.AsNoTracking().Where(l => alertIds.Contains(l.AlertId))
            .Join(db.Incidents, l => l.IncidentId, i => i.Id, (l, i) => new { l.AlertId, Incident = i })
            .ToListAsync(cancellationToken);
        var byAlert = linked.GroupBy(x => x.AlertId).ToDictionary(g => g.Key, g => g.Select(x => x.Incident).MaxBy(i => i.Number)!);
        foreach (var alert in alerts)
        {
            if ((byGroup.GetValueOrDefault(alert.GroupId) ?? byAlert.GetValueOrDefault(alert.Id)) is { } incident)
                result[alert.Id] = AlertIncidentDto.From(incident);
        }
        return result;
    }

    /// <summary>
    /// Acknowledging the incident, in the caller's unit of work: its own pages stop escalating, and so do
    /// its alert groups' — their triggered alerts are acknowledged by the same person (their history says
    /// through which incident) and deliveries not yet sent are cancelled. Cancelling is written at once:
    /// the caller saves in a transaction. Returns whether any of its own runs stopped, and how many alerts
    /// were acknowledged with it.
    /// </summary>
    public static async Task<(bool OwnRuns, int Alerts)> AcknowledgeAsync(SteadyDb db, AlertStore store, Incident incident, Guid? actorId, string actorName, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var own = await IncidentRunSteps.StopAsync(db, incident.Id, RunState.Acknowledged, $"acknowledged by {actorName}", now, cancellationToken);
        var groupIds = await Of(db, incident.Id).ToListAsync(cancellationToken);
        var alerts = groupIds.Count == 0 ? [] : await db.Alerts.Where(a => groupIds.Contains(a.GroupId) && a.Status == AlertStatus.Triggered).ToListAsync(cancellationToken);
        var runs = new RunChanges();
        foreach (var alert in alerts)
            AlertActions.Acknowledge(db, store, alert, actorId, actorName, now, runs, $"with incident #{incident.Number}");
        await runs.ApplyAsync(db, now, cancellationToken);
        if (own)
        {
            // The incident's own pages stopping is no audited record's change (its alerts' acknowledgements are entries of their own).
            db.AuditEvent("acknowledged", "incident", incident.Id.ToString(), actorId, actorName,
                new Dictionary<string, string?> { ["pages"] = "stopped", ["alerts"] = alerts.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }
        return (own, alerts.Count);
    }

    /// <summary>What an acknowledgement of the incident did, for its timeline.</summary>
    public static string Acknowledged(string who, string how, (bool OwnRuns, int Alerts) stopped) =>
        $"{who} acknowledged {how}: escalation stopped"
        + (stopped.Alerts == 0 ? "" : $"; {stopped.Alerts} alert{(stopped.Alerts == 1 ? "" : "s")} of its alert group{(stopped.Alerts == 1 ? " was" : "s were")} acknowledged with it");

    /// <summary>Whether anything of the incident still waits for an answer: one of its own pages, or its groups' escalation.</summary>
    public static Task<bool> PagingAsync(SteadyDb db, Guid incidentId, CancellationToken cancellationToken)
    {
        var groups = Of(db, incidentId);
        return db.EscalationRuns.AsNoTracking().AnyAsync(r => IncidentRunSteps.Unanswered.Contains(r.State)
            && (r.IncidentId == incidentId || (r.GroupId != null && groups.Contains(r.GroupId.Value))), cancellationToken);
    }

    /// <summary>
    /// The pages sent for the incident's alert groups, before and after it was declared, as timeline entries:
    /// each delivery that went out (or failed for good), when it did. The incident's own pages are on the
    /// timeline from the step that planned them.
    /// </summary>
    public static async Task<List<TimelineDto>> PagesAsync(SteadyDb db, Guid incidentId, CancellationToken cancellationToken)
    {
        var groups = Of(db, incidentId);
        var rows = await db.Deliveries.AsNoTracking()
            .Where(d => d.GroupId != null && groups.Contains(d.GroupId.Value) && (d.State == DeliveryState.Sent || d.State == DeliveryState.FailedPermanent))
            .ToListAsync(cancellationToken);
        if (rows.Count == 0)
            return [];
        var userIds = rows.Select(r => r.UserId).Distinct().ToList();
        var names = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Name, cancellationToken);
        var groupIds = rows.Select(r => r.GroupId!.Value).Distinct().ToList();
        var titles = await db.AlertGroups.AsNoTracking().Where(g => groupIds.Contains(g.Id)).ToDictionaryAsync(g => g.Id, g => g.Title, cancellationToken);
        return rows.Select(d =>
        {
            var who = names.GetValueOrDefault(d.UserId, "(deleted user)");
            var group = titles.GetValueOrDefault(d.GroupId!.Value, "?");
            var how = d.Channel is null ? "" : $" by {d.Channel} ({d.Target})";
            var text = d.State == DeliveryState.Sent
                ? $"Paged {who}{how} for alert group '{group}' ({d.Reason ?? $"step {d.Step + 1}"})"
                : $"Could not page {who}{how} for alert group '{group}': {d.Error}";
            return new TimelineDto(null, d.SentAt ?? d.LastAttemptAt ?? d.CreatedAt, "page", text, "Steady", "paging", null, false, d.Id);
        }).ToList();
    }
}
