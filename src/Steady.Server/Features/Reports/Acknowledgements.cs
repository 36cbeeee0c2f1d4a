using Microsoft.EntityFrameworkCore;
using Steady.Core.Alerts;
using Steady.Core.Reports;
using Steady.Server.Data;

namespace Steady.Server.Features.Reports;

/// <summary>
/// What people acknowledged in a period, per team: the alert groups in which they acknowledged an alert (from
/// the alerts' history; a group counts once however many of its alerts they acknowledged), and the incident
/// pages they acknowledged (from the incidents' timelines).
/// </summary>
public static class Acknowledgements
{
    public static async Task<Dictionary<(Guid TeamId, Guid UserId), int>> LoadAsync(SteadyDb db, Span period, CancellationToken cancellationToken)
    {
        var (start, end) = (period.Start.ToDateTimeOffset(), period.End.ToDateTimeOffset());
        var groups = await (from e in db.AlertEvents.AsNoTracking()
                            join a in db.Alerts.AsNoTracking() on e.AlertId equals a.Id
                            join s in db.Services.AsNoTracking() on a.ServiceId equals s.Id
                            where e.Kind == AlertEventKinds.Acknowledged && e.ActorId != null && e.At >= start && e.At < end
                            select new { s.TeamId, UserId = e.ActorId!.Value, Subject = a.GroupId })
            .Distinct().ToListAsync(cancellationToken);
        var incidents = await (from t in db.Timeline.AsNoTracking()
                               join i in db.Incidents.AsNoTracking() on t.IncidentId equals i.Id
                               where t.Kind == "page" && t.ActorId != null && t.At >= start && t.At < end
                               select new { i.TeamId, UserId = t.ActorId!.Value, Subject = i.Id })
            .Distinct().ToListAsync(cancellationToken);
        return groups.Concat(incidents).GroupBy(x => (x.TeamId, x.UserId)).ToDictionary(g => g.Key, g => g.Count());
    }
}
