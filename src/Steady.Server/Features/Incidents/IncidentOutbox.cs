using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steady.Core;
using Steady.Core.Incidents;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Server.Features.OnCall;

namespace Steady.Server.Features.Incidents;

/// <summary>
/// Pages people for an incident: the SEV1 page on declare, the commander's escalation when an update
/// stays overdue. The seam where the durable paging engine (escalation runs + delivery outbox) takes
/// over on merge; until then <see cref="OutboxIncidentPager"/> sends through the incident's own outbox.
/// The page is added to the caller's unit of work: it is stored with the change that caused it, or not at all.
/// </summary>
public interface IIncidentPager
{
    Task PageUserAsync(Incident incident, Guid userId, string reason, string key, CancellationToken cancellationToken);

    Task PagePolicyAsync(Incident incident, Guid policyId, string reason, string key, CancellationToken cancellationToken);
}

/// <summary>Adds messages to the incident's outbox (incident_notices), in the caller's unit of work; the incident worker sends them.</summary>
public sealed class IncidentOutbox(SteadyDb db, IOptions<IncidentOptions> options, TimeProvider time)
{
    /// <summary>
    /// A status message to every configured incident channel (chat webhook, email list) and to the
    /// incident's own channels, those stored and those added in this unit of work.
    /// </summary>
    public async Task ToChannelsAsync(Incident incident, string kind, string key, string title, string body, CancellationToken cancellationToken)
    {
        for (var i = 0; i < options.Value.Channels.Count; i++)
            Add(incident, kind, $"{key}:channel:{i}", $"channel:{i}", title, body);
        var stored = await db.IncidentChannels.AsNoTracking().Where(c => c.IncidentId == incident.Id).Select(c => c.Id).ToListAsync(cancellationToken);
        var added = db.ChangeTracker.Entries<IncidentChannel>().Where(e => e.State == EntityState.Added && e.Entity.IncidentId == incident.Id).Select(e => e.Entity.Id);
        var removed = db.ChangeTracker.Entries<IncidentChannel>().Where(e => e.State == EntityState.Deleted).Select(e => e.Entity.Id).ToHashSet();
        foreach (var id in stored.Concat(added).Distinct().Where(id => !removed.Contains(id)).Order())
            Add(incident, kind, $"{key}:incident-channel:{id:N}", $"incident-channel:{id}", title, body);
    }

    /// <summary>A message to a person, through every contact method they have.</summary>
    public void ToUser(Incident incident, Guid userId, string kind, string key, string title, string body) =>
        Add(incident, kind, $"{key}:user:{userId:N}", $"user:{userId}", title, body);

    private void Add(Incident incident, string kind, string key, string recipient, string title, string body)
    {
        if (db.IncidentNotices.Local.Any(n => n.IncidentId == incident.Id && n.Key == key))
            return;
        var now = time.GetUtcNow();
        db.IncidentNotices.Add(new IncidentNotice
        {
            Id = Ids.New(time),
            IncidentId = incident.Id,
            Key = key,
            Kind = kind,
            Recipient = recipient,
            Title = title,
            Body = body,
            CreatedAt = now,
            DueAt = now,
        });
    }
}

/// <summary>
/// Pages through the incident's outbox: a user directly; a policy by its first step that reaches
/// anyone now (users, whoever is on call in a schedule, a team's members), as the paging engine's first step would.
/// </summary>
public sealed class OutboxIncidentPager(SteadyDb db, IncidentOutbox outbox, TimeProvider time) : IIncidentPager
{
    public Task PageUserAsync(Incident incident, Guid userId, string reason, string key, CancellationToken cancellationToken)
    {
        outbox.ToUser(incident, userId, "page", key, $"Incident #{incident.Number} ({incident.Severity}): {incident.Title}", reason);
        return Task.CompletedTask;
    }

    public async Task PagePolicyAsync(Incident incident, Guid policyId, string reason, string key, CancellationToken cancellationToken)
    {
        var record = await db.EscalationPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Id == policyId, cancellationToken);
        if (record is null)
            return;
        var now = time.GetUtcNow();
        var resolved = new Dictionary<EscalationTarget, IReadOnlyList<Guid>>();
        foreach (var target in record.ReadSteps().SelectMany(s => s.Targets).Distinct())
            resolved[target] = await ResolveAsync(target, now, cancellationToken);
        var run = Escalations.Run(record.ToPolicy(), new EscalationPosition(0, 0), t => resolved.GetValueOrDefault(t, []));
        foreach (var userId in run?.Notify ?? [])
            await PageUserAsync(incident, userId, $"{reason} (escalation policy {record.Name})", key, cancellationToken);
    }

    private async Task<IReadOnlyList<Guid>> ResolveAsync(EscalationTarget target, DateTimeOffset now, CancellationToken cancellationToken)
    {
        switch (target.Kind)
        {
            case TargetKind.User:
                return [target.Id];
            case TargetKind.Schedule:
                var schedule = await db.Schedules.AsNoTracking().FirstOrDefaultAsync(s => s.Id == target.Id, cancellationToken);
                if (schedule is null)
                    return [];
                var shifts = await SchedulesApi.FinalAsync(db, schedule, now, now.AddMinutes(1), cancellationToken);
                return shifts.FirstOrDefault()?.UserId is { } onCall ? [onCall] : [];
            default:
                return await db.Memberships.AsNoTracking().Where(m => m.TeamId == target.Id && m.Role >= Steady.Core.Accounts.TeamRole.Responder)
                    .OrderBy(m => m.UserId).Select(m => m.UserId).Take(1).ToListAsync(cancellationToken);
        }
    }
}
