using System.Runtime.InteropServices;
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
    /// <summary>The tables a year's acknowledgements fill, kept between reports by <see cref="ReportRunner.Scratch"/>.</summary>
    public sealed class Tally
    {
        public Dictionary<Guid, Guid> ByAlert { get; } = [];

        public Dictionary<Guid, List<Guid>> More { get; } = [];

        /// <summary>Per part of the read of the alerts (<see cref="ReportRows.ReadInPartsAsync"/>), the (team, person, group) met in it.</summary>
        public HashSet<(Guid TeamId, Guid UserId, Guid Subject)>[] Groups { get; } = Enumerable.Range(0, ReportRows.Parts).Select(_ => new HashSet<(Guid, Guid, Guid)>()).ToArray();

        /// <summary>The most acknowledgements a report here read (the tables are cleared after each).</summary>
        public int Largest { get; set; }

        /// <summary>A tally with room for <paramref name="acknowledgements"/> (as many as the last one read).</summary>
        public static Tally For(int acknowledgements)
        {
            var tally = new Tally { Largest = acknowledgements };
            tally.ByAlert.EnsureCapacity(acknowledgements);
            foreach (var part in tally.Groups)
                part.EnsureCapacity(acknowledgements / ReportRows.Parts);
            return tally;
        }

        public void Clear()
        {
            ByAlert.Clear();
            More.Clear();
            foreach (var part in Groups)
                part.Clear();
        }
    }

    public static async Task<Dictionary<(Guid TeamId, Guid UserId), int>> LoadAsync(SteadyDb db, IServiceScopeFactory scopes, Span period, Tally tally, CancellationToken cancellationToken)
    {
        tally.Clear();
        var (start, end) = (period.Start.ToDateTimeOffset(), period.End.ToDateTimeOffset());
        // Who acknowledged which alert in the period (an index holds only acknowledgements), then each alert's group and
        // service from one pass over the alerts, joined here: SQLite has no hash join, and looking each alert up would
        // fetch its row at random (a year holds hundreds of thousands of acknowledgements).
        // The person of each alert's first acknowledgement here, and the few alerts acknowledged by more than one (or
        // more than once) beside: a list per alert would be hundreds of thousands of small objects that outlive the
        // collector's young generations, and copying them there paused the whole server (intake and paging with it).
        var (byAlert, more, groups) = (tally.ByAlert, tally.More, tally.Groups);
        await ReportRows.ReadAsync(db, $"""
            SELECT e.alert_id, e.actor_id FROM alert_events AS e
            WHERE e.kind = '{AlertEventKinds.Acknowledged}' AND e.actor_id IS NOT NULL AND e.at >= @p0 AND e.at < @p1
            """, [db.Param(start), db.Param(end)], row =>
        {
            var alertId = row.Guid(0);
            var person = row.Guid(1);
            if (!byAlert.TryAdd(alertId, person))
            {
                if (!more.TryGetValue(alertId, out var others))
                    more[alertId] = others = [];
                others.Add(person);
            }
        }, cancellationToken);
        tally.Largest = Math.Max(tally.Largest, byAlert.Count);
        if (byAlert.Count > 0)
        {
            var teams = await db.Services.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.TeamId, cancellationToken);
            // In parts read at once, each into a set of its own (the tables it looks in are only read meanwhile).
            Action<ReportRow> Part(HashSet<(Guid, Guid, Guid)> met) => row =>
            {
                // Most alerts were acknowledged by nobody in the period: their group and service are not even parsed.
                var alertId = row.Guid(0);
                if (byAlert.TryGetValue(alertId, out var person) && teams.TryGetValue(row.Guid(2), out var team))
                {
                    var group = row.Guid(1);
                    met.Add((team, person, group));
                    if (more.TryGetValue(alertId, out var others))
                    {
                        foreach (var other in others)
                            met.Add((team, other, group));
                    }
                }
            };
            await ReportRows.ReadInPartsAsync(db, scopes, "alerts", "a", part => $"SELECT a.id, a.group_id, a.service_id FROM alerts AS a WHERE {part}", [],
                groups.Select(Part).ToList(), cancellationToken);
            // A group's alerts may lie in both parts: each (team, person, group) once.
            foreach (var later in groups.Skip(1))
                groups[0].UnionWith(later);
        }
        var incidents = await (from t in db.Timeline.AsNoTracking()
                               join i in db.Incidents.AsNoTracking() on t.IncidentId equals i.Id
                               where t.Kind == "page" && t.ActorId != null && t.At >= start && t.At < end
                               select new { i.TeamId, UserId = t.ActorId!.Value, Subject = i.Id })
            .Distinct().ToListAsync(cancellationToken);
        // Counted in place: grouping the (hundreds of thousands of) entries first made an object for each, all alive at once.
        var result = new Dictionary<(Guid TeamId, Guid UserId), int>();
        foreach (var (team, user, _) in groups[0])
            CollectionsMarshal.GetValueRefOrAddDefault(result, (team, user), out _)++;
        foreach (var page in incidents)
            CollectionsMarshal.GetValueRefOrAddDefault(result, (page.TeamId, page.UserId), out _)++;
        tally.Clear();
        return result;
    }
}
