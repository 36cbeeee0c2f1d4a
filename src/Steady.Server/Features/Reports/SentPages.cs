using System.Runtime.InteropServices;
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
        // Each message is made as its deliveries are read, one pass, in the order of its first delivery read: a year's 50,000
        // deliveries through EF took 125 MB of short-lived objects a report (the garbage collections they caused stopped the
        // whole server while reports ran), and a list of every row grouped after still took a tenth of a second.
        var messages = new List<Message>();
        var byKey = new Dictionary<(Guid, Guid), int>();
        await ReportRows.ReadAsync(db, $"""
            SELECT d.id, d.sent_as, d.user_id, d.run_id, d.step, d.pass, d.group_id, d.incident_id, d.service_id, d.kind, d.sent_at
            FROM deliveries AS d
            WHERE d.state = '{DeliveryState.Sent.ToWire()}' AND d.sent_at IS NOT NULL AND d.sent_at >= @p0 AND d.sent_at < @p1
            """, [db.Param(from), db.Param(to)], row =>
        {
            var key = (GuidOrNull(row, 1) ?? row.Guid(0), row.Guid(2));
            ref var index = ref CollectionsMarshal.GetValueRefOrAddDefault(byKey, key, out var seen);
            Message message;
            if (seen)
                message = messages[index];
            else
            {
                (index, message) = (messages.Count, new Message(key.Item1, key.Item2));
                messages.Add(message);
            }
            message.Add(row.At(10), GuidOrNull(row, 8), GuidOrNull(row, 7), GuidOrNull(row, 6),
                row.Text(9) == DeliveryKinds.Page ? (row.Guid(3), (int)row.Number(5), (int)row.Number(4)) : null);
        }, cancellationToken);
        var serviceTeams = await db.Services.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.TeamId, cancellationToken);
        var incidentIds = messages.Where(m => m.ServiceId is null && m.IncidentId is not null).Select(m => m.IncidentId!.Value).Distinct().ToList();
        var incidentTeams = incidentIds.Count == 0 ? [] : await db.Incidents.AsNoTracking().Where(i => incidentIds.Contains(i.Id))
            .ToDictionaryAsync(i => i.Id, i => i.TeamId, cancellationToken);
        var pages = new List<SentPage>(messages.Count);
        foreach (var message in messages)
        {
            Guid? team = message.ServiceId is { } service && serviceTeams.TryGetValue(service, out var t) ? t
                : message.IncidentId is { } incident && incidentTeams.TryGetValue(incident, out var it) ? it : null;
            if (team is not null)
                pages.Add(new SentPage(message.Id, message.UserId, team.Value, message.ServiceId, message.At, message.Groups, message.IncidentId, message.Positions));
        }
        return pages;
    }

    /// <summary>
    /// One message (its deliveries sent together to one person) as its deliveries are read: the first sent (the first read on
    /// a tie) gives its time, service and incident; the groups and the escalation steps are each one's distinct values, in the
    /// order read (most messages are one delivery: no set is made for them).
    /// </summary>
    private sealed class Message(Guid id, Guid userId)
    {
        public Guid Id { get; } = id;

        public Guid UserId { get; } = userId;

        public Instant At { get; private set; } = Instant.MaxValue;

        public Guid? ServiceId { get; private set; }

        public Guid? IncidentId { get; private set; }

        public List<Guid> Groups { get; } = new(1);

        public List<(Guid RunId, int Pass, int Step)> Positions { get; } = new(1);

        public void Add(Instant at, Guid? serviceId, Guid? incidentId, Guid? groupId, (Guid, int, int)? position)
        {
            if (at < At)
                (At, ServiceId, IncidentId) = (at, serviceId, incidentId);
            if (groupId is { } group && !Groups.Contains(group))
                Groups.Add(group);
            if (position is { } p && !Positions.Contains(p))
                Positions.Add(p);
        }
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
