using Microsoft.EntityFrameworkCore;
using NodaTime;
using Steady.Core.Paging;
using Steady.Core.Reports;
using Steady.Server.Data;

namespace Steady.Server.Features.Reports;

/// <summary>One message that reached a person: a delivery the outbox sent (deliveries sent together as one message count once), for a team.</summary>
public sealed record SentPage(Guid MessageId, Guid UserId, Guid TeamId, Guid? ServiceId, Instant At, IReadOnlyList<Guid> Groups, Guid? IncidentId, IReadOnlyList<(Guid RunId, int Pass, int Step)> Positions);

/// <summary>
/// The pages people received in a period, from the deliveries outbox: sent deliveries only (failed and
/// cancelled ones reached nobody), of any kind (a step's page, or a new alert in a group the person
/// acknowledged), each message once, at the time it was sent, for the team of its service (or of its
/// incident, for an incident's page without a service).
/// </summary>
public static class SentPages
{
    public static async Task<IReadOnlyList<SentPage>> LoadAsync(SteadyDb db, Span period, CancellationToken cancellationToken)
    {
        var (from, to) = (period.Start.ToDateTimeOffset(), period.End.ToDateTimeOffset());
        // Read row by row into values: a year's 50,000 deliveries through EF took 125 MB of short-lived objects a report, and
        // the garbage collections they caused stopped the whole server (intake and paging with it) while reports ran.
        var rows = new List<Row>();
        await ReportRows.ReadAsync(db, $"""
            SELECT d.id, d.sent_as, d.user_id, d.run_id, d.step, d.pass, d.group_id, d.incident_id, d.service_id, d.kind, d.sent_at
            FROM deliveries AS d
            WHERE d.state = '{DeliveryState.Sent.ToWire()}' AND d.sent_at IS NOT NULL AND d.sent_at >= @p0 AND d.sent_at < @p1
            """, [db.Param(from), db.Param(to)], row => rows.Add(new Row(row.Guid(0), GuidOrNull(row, 1), row.Guid(2), row.Guid(3), (int)row.Number(4), (int)row.Number(5),
                GuidOrNull(row, 6), GuidOrNull(row, 7), GuidOrNull(row, 8), row.Text(9) == DeliveryKinds.Page, row.At(10))), cancellationToken);
        var serviceTeams = await db.Services.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.TeamId, cancellationToken);
        var incidentIds = rows.Where(r => r.ServiceId is null && r.IncidentId is not null).Select(r => r.IncidentId!.Value).Distinct().ToList();
        var incidentTeams = incidentIds.Count == 0 ? [] : await db.Incidents.AsNoTracking().Where(i => incidentIds.Contains(i.Id))
            .ToDictionaryAsync(i => i.Id, i => i.TeamId, cancellationToken);
        var pages = new List<SentPage>();
        foreach (var message in rows.GroupBy(r => (r.SentAs ?? r.Id, r.UserId)))
        {
            var first = message.MinBy(r => r.SentAt)!;
            Guid? team = first.ServiceId is { } service && serviceTeams.TryGetValue(service, out var t) ? t
                : first.IncidentId is { } incident && incidentTeams.TryGetValue(incident, out var it) ? it : null;
            if (team is null)
                continue;
            pages.Add(new SentPage(
                message.Key.Item1,
                message.Key.UserId,
                team.Value,
                first.ServiceId,
                first.SentAt,
                Distinct(message, r => r.GroupId),
                first.IncidentId,
                Distinct<(Guid, int, int)>(message, r => r.IsPage ? (r.RunId, r.Pass, r.Step) : null)));
        }
        return pages;
    }

    /// <summary>A sent delivery as the report reads it.</summary>
    private readonly record struct Row(Guid Id, Guid? SentAs, Guid UserId, Guid RunId, int Step, int Pass, Guid? GroupId, Guid? IncidentId, Guid? ServiceId, bool IsPage, Instant SentAt);

    /// <summary>The distinct values of a message's deliveries (most messages are one delivery: no set is made for them).</summary>
    private static List<T> Distinct<T>(IGrouping<(Guid, Guid), Row> message, Func<Row, T?> value) where T : struct
    {
        var list = new List<T>(1);
        foreach (var row in message)
        {
            if (value(row) is { } v && !list.Contains(v))
                list.Add(v);
        }
        return list;
    }

    private static Guid? GuidOrNull(ReportRow row, int ordinal) => row.IsNull(ordinal) ? null : row.Guid(ordinal);

    /// <summary>
    /// How many of each person's paged steps an escalation went past: the step's run went on to a later step
    /// (or a later pass) afterwards, so the page was not answered in time. Read from every delivery of the runs.
    /// </summary>
    public static async Task<Dictionary<(Guid TeamId, Guid UserId), int>> EscalatedPastAsync(SteadyDb db, IReadOnlyList<SentPage> pages, CancellationToken cancellationToken)
    {
        // Every step the runs paged, in one read: the deliveries made since a day before the first page of the period
        // (a run lives minutes to hours; its later steps come after its first page).
        var since = pages.Count == 0 ? DateTimeOffset.MaxValue : pages.Min(p => p.At).ToDateTimeOffset().AddDays(-1);
        var runIds = pages.SelectMany(p => p.Positions.Select(x => x.RunId)).ToHashSet();
        var furthest = new Dictionary<Guid, (int Pass, int Step)>();
        if (pages.Count > 0)
        {
            await ReportRows.ReadAsync(db, $"""
                SELECT d.run_id, d.pass, d.step FROM deliveries AS d WHERE d.created_at >= @p0 AND d.kind = '{DeliveryKinds.Page}'
                """, [db.Param(since)], row =>
            {
                var runId = row.Guid(0);
                if (!runIds.Contains(runId))
                    return;
                var position = ((int)row.Number(1), (int)row.Number(2));
                if (!furthest.TryGetValue(runId, out var last) || position.CompareTo(last) > 0)
                    furthest[runId] = position;
            }, cancellationToken);
        }
        var result = new Dictionary<(Guid, Guid), int>();
        foreach (var person in pages.GroupBy(p => (p.TeamId, p.UserId)))
        {
            result[person.Key] = person.SelectMany(p => p.Positions).Distinct()
                .Count(x => furthest.TryGetValue(x.RunId, out var last) && last.CompareTo((x.Pass, x.Step)) > 0);
        }
        return result;
    }
}
