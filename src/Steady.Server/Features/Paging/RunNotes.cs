using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Alerts;
using Steady.Core.Incidents;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Core.Paging;

namespace Steady.Server.Features.Paging;

/// <summary>
/// What the engine tells people about an escalation, where they look, in the unit of work of the
/// change: an incident's run writes on the incident's timeline (the pages it sent, and anything out
/// of the ordinary); an alert group's run writes what is out of the ordinary (its policy changed under
/// it, nobody was left to page, it could not run a step) into the history of the group's open alerts,
/// as kind <c>paging</c>. The run's own note says the same on the alert's Paging section and its API.
/// </summary>
public static class RunNotes
{
    public static async Task AddAsync(SteadyDb db, EscalationRunRecord run, string text, DateTimeOffset now, TimeProvider time, CancellationToken cancellationToken)
    {
        if (run.IncidentId is { } incidentId)
        {
            Incident(db, incidentId, text, now, time);
            return;
        }
        var alerts = await db.Alerts.AsNoTracking()
            .Where(a => a.GroupId == run.GroupId && a.Status != AlertStatus.Resolved)
            .Select(a => new { a.Id, a.ServiceId, a.DedupKey })
            .ToListAsync(cancellationToken);
        foreach (var alert in alerts)
        {
            db.AlertEvents.Add(new AlertEvent
            {
                Id = Ids.New(time),
                AlertId = alert.Id,
                ServiceId = alert.ServiceId,
                DedupKey = alert.DedupKey,
                At = now,
                Kind = AlertEventKinds.Paging,
                ActorName = "steady",
                Note = text,
            });
        }
    }

    /// <summary>An entry on the incident's timeline, from the paging engine.</summary>
    public static void Incident(SteadyDb db, Guid incidentId, string text, DateTimeOffset now, TimeProvider time) =>
        db.Timeline.Add(new TimelineEntry { Id = Ids.New(time), IncidentId = incidentId, At = now, Kind = "page", Text = text, ActorName = "Steady", Source = "paging", RecordedAt = now });
}
