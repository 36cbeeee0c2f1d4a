using Microsoft.EntityFrameworkCore;
using Steady.Core.Incidents;
using Steady.Core.Postmortems;
using Steady.Server.Data;

namespace Steady.Server.Features.Postmortems;

/// <summary>An earlier incident this one repeats: why it counts (the same alert, or the same service with work still open) and its open action items.</summary>
public sealed record RepeatDto(int Number, string Title, string Severity, DateTimeOffset DeclaredAt, string Why, int OpenActionItems);

/// <summary>
/// "This happened before": the incidents declared before this one that share one of its alerts (the same
/// dedup key, or the same alert name, on one of its services), and those on one of its services whose
/// action items are still open — the follow-up that might have prevented this one. Newest first, at most
/// five; each with its number of open action items.
/// </summary>
public static class RepeatIncidents
{
    public const int Max = 5;

    public static async Task<IReadOnlyList<RepeatDto>> ForAsync(SteadyDb db, Incident incident, CancellationToken cancellationToken)
    {
        var services = await db.IncidentServices.AsNoTracking().Where(s => s.IncidentId == incident.Id).Select(s => s.ServiceId).ToListAsync(cancellationToken);
        var alerts = await (from l in db.IncidentAlerts.AsNoTracking()
                            join a in db.Alerts.AsNoTracking() on l.AlertId equals a.Id
                            where l.IncidentId == incident.Id
                            select new { a.ServiceId, a.DedupKey, a.Summary }).ToListAsync(cancellationToken);
        var alertServices = alerts.Select(a => a.ServiceId).Distinct().ToList();
        var keys = alerts.Select(a => a.DedupKey).Distinct().ToList();
        var names = alerts.Select(a => a.Summary).Where(s => s.Length > 0).Distinct().ToList();

        List<Guid> sameAlert = alerts.Count == 0 ? [] : await (from l in db.IncidentAlerts.AsNoTracking()
                                                        join a in db.Alerts.AsNoTracking() on l.AlertId equals a.Id
                                                        where l.IncidentId != incident.Id && alertServices.Contains(a.ServiceId)
                                                            && (keys.Contains(a.DedupKey) || names.Contains(a.Summary))
                                                        select l.IncidentId).Distinct().ToListAsync(cancellationToken);
        var open = new[] { ActionItemStatus.Open, ActionItemStatus.InProgress };
        List<Guid> sameServiceOpenWork = services.Count == 0 ? [] : await (from s in db.IncidentServices.AsNoTracking()
                                                                    where s.IncidentId != incident.Id && services.Contains(s.ServiceId)
                                                                        && db.Set<ActionItem>().Any(a => a.IncidentId == s.IncidentId && open.Contains(a.Status))
                                                                    select s.IncidentId).Distinct().ToListAsync(cancellationToken);
        var ids = sameAlert.Concat(sameServiceOpenWork).Distinct().ToList();
        if (ids.Count == 0)
            return [];
        var earlier = await db.Incidents.AsNoTracking().Where(i => ids.Contains(i.Id) && i.DeclaredAt <= incident.DeclaredAt && i.Number < incident.Number)
            .OrderByDescending(i => i.DeclaredAt).Take(Max)
            .Select(i => new { i.Id, i.Number, i.Title, i.Severity, i.DeclaredAt }).ToListAsync(cancellationToken);
        var earlierIds = earlier.Select(i => i.Id).ToList();
        var counts = await db.Set<ActionItem>().AsNoTracking().Where(a => earlierIds.Contains(a.IncidentId) && open.Contains(a.Status))
            .GroupBy(a => a.IncidentId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        return earlier.Select(i => new RepeatDto(i.Number, i.Title, i.Severity, i.DeclaredAt,
            sameAlert.Contains(i.Id) ? "the same alert" : "the same service, with action items still open",
            counts.GetValueOrDefault(i.Id))).ToList();
    }

    /// <summary>"#12 on 3 Nov — 2 action items still open".</summary>
    public static string Describe(RepeatDto repeat, string on) =>
        $"#{repeat.Number} on {on}" + (repeat.OpenActionItems switch
        {
            0 => "",
            1 => " — 1 action item still open",
            var n => $" — {n} action items still open",
        });
}
