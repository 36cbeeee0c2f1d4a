using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steady.Core;
using Steady.Core.Incidents;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Core.Paging;

namespace Steady.Server.Features.Incidents;

/// <summary>
/// Pages people for an incident: the SEV1 page on declare, a raised severity, the emergency line, the
/// commander's escalation when an update stays overdue. <see cref="EngineIncidentPager"/> hands them to
/// the durable paging engine. The page is added to the caller's unit of work: it is stored with the
/// change that caused it, or not at all; the caller wakes the engine after saving.
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
/// Pages through the durable paging engine: each page is an escalation run of the incident (under its
/// key, so asking twice pages once), added to the caller's unit of work; the escalation worker runs it
/// step by step with the policy's waits, through the delivery outbox (idempotency keys, retries,
/// throttle, signed acknowledge links), until someone acknowledges or the incident is resolved.
/// </summary>
public sealed class EngineIncidentPager(SteadyDb db, TimeProvider time) : IIncidentPager
{
    public Task PageUserAsync(Incident incident, Guid userId, string reason, string key, CancellationToken cancellationToken) =>
        StartAsync(incident, Guid.Empty, userId, reason, $"{key}:user:{userId:N}", cancellationToken);

    public Task PagePolicyAsync(Incident incident, Guid policyId, string reason, string key, CancellationToken cancellationToken) =>
        StartAsync(incident, policyId, null, reason, $"{key}:policy:{policyId:N}", cancellationToken);

    private async Task StartAsync(Incident incident, Guid policyId, Guid? userId, string reason, string key, CancellationToken cancellationToken)
    {
        if (db.EscalationRuns.Local.Any(r => r.IncidentId == incident.Id && r.Key == key)
            || await db.EscalationRuns.AsNoTracking().AnyAsync(r => r.IncidentId == incident.Id && r.Key == key, cancellationToken))
            return;
        var now = time.GetUtcNow();
        var serviceId = db.IncidentServices.Local.Where(s => s.IncidentId == incident.Id).Select(s => (Guid?)s.ServiceId).FirstOrDefault()
            ?? await db.IncidentServices.AsNoTracking().Where(s => s.IncidentId == incident.Id).OrderBy(s => s.ServiceId).Select(s => (Guid?)s.ServiceId).FirstOrDefaultAsync(cancellationToken);
        db.EscalationRuns.Add(new EscalationRunRecord
        {
            Id = Ids.New(time),
            IncidentId = incident.Id,
            ServiceId = serviceId,
            PolicyId = policyId,
            TargetUserId = userId,
            Key = key,
            Reason = reason,
            State = RunState.Active,
            Urgency = Paging.IncidentRunSteps.Urgency,
            NextDueAt = now,
            StartedAt = now,
            UpdatedAt = now,
        });
    }
}
