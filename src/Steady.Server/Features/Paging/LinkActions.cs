using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Alerts;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Server.Features.Paging;
using Steady.Server.Features.Alerts;
using Steady.Server.Features.Incidents;
using Steady.Server.Infrastructure;
using Steady.Core.Paging;

namespace Steady.Server.Features.Paging;

/// <summary>One alert group a link acts on, as its page shows it, with what the monitoring tool said about its latest alert.</summary>
public sealed record LinkGroup(Guid GroupId, Guid? AlertId, string Service, string Title, string Summary, Severity Severity, int Triggered, int Acknowledged, int Open, AlertDescription? About = null);

/// <summary>The incident an incident's page is about, as its link's page shows it: why it paged, what is known, whether anything still pages.</summary>
public sealed record LinkIncident(int Number, string Title, string Severity, string Status, string Commander, string? Why, string? Known, bool Paging);

/// <summary>What a link's page shows: the action, for whom it was sent, the groups (or the incident), and why it cannot be used when it cannot.</summary>
public sealed record LinkView(LinkAction Action, string Recipient, DateTimeOffset ExpiresAt, IReadOnlyList<LinkGroup> Groups, string? Refusal, LinkIncident? Incident = null);

/// <summary>
/// The signed links in notifications: the page shows what a link will do (GET, safe for mail
/// scanners that prefetch links), and one POST does it, once: its nonce is stored in the same
/// transaction as the acknowledgement or resolution. The link stands for the person it was sent to, in the
/// audit log too.
/// </summary>
public sealed class LinkActions(SteadyDb db, AckLinks links, AlertStore store, AuditContext audit, TimeProvider time, WakeSignal<EscalationWorker> engine)
{
    public async Task<LinkView?> ViewAsync(string token, CancellationToken cancellationToken)
    {
        var link = await links.VerifyAsync(token, cancellationToken);
        if (link is null)
            return null;
        var (recipient, groups, incident) = await LoadAsync(link, cancellationToken);
        var used = await db.UsedLinks.AsNoTracking().FirstOrDefaultAsync(u => u.Nonce == link.Nonce, cancellationToken);
        return new LinkView(link.Action, recipient, link.ExpiresAt, groups, Refusal(link, used), incident);
    }

    /// <summary>Acknowledges or resolves the link's groups; a refusal says why (expired, used, not valid).</summary>
    public async Task<Outcome<string>> ActAsync(string token, CancellationToken cancellationToken)
    {
        var link = await links.VerifyAsync(token, cancellationToken);
        if (link is null)
            return Failure.NotFound("This link");
        // Intake may change an alert meanwhile: then everything is read again.
        return await db.RetryAsync<Outcome<string>>(async _ =>
        {
            var now = time.GetUtcNow();
            var used = await db.UsedLinks.AsNoTracking().FirstOrDefaultAsync(u => u.Nonce == link.Nonce, cancellationToken);
            if (Refusal(link, used) is { } refusal)
                return Failure.Conflict(refusal);
            var recipient = await db.Deliveries.AsNoTracking().Where(d => d.SentAs == link.Message || d.Id == link.Message).Select(d => d.UserId).FirstOrDefaultAsync(cancellationToken);
            var name = await db.Users.AsNoTracking().Where(u => u.Id == recipient).Select(u => u.Name).FirstOrDefaultAsync(cancellationToken) ?? "someone";
            var actor = $"{name} (link)";
            audit.Set(recipient == Guid.Empty ? null : recipient, actor); // what the link changes is audited as the person it was sent to
            if (await IncidentOfAsync(link, cancellationToken) is { } incidentId)
                return await ActOnIncidentAsync(link, incidentId, recipient, name, cancellationToken);
            var groupIds = await GroupIdsAsync(link, cancellationToken);
            var only = await NewAlertIdsAsync(link, cancellationToken);
            var groups = await db.AlertGroups.Where(g => groupIds.Contains(g.Id)).ToListAsync(cancellationToken);
            var alerts = await db.Alerts.Where(a => groupIds.Contains(a.GroupId) && a.Status != AlertStatus.Resolved && (only.Count == 0 || only.Contains(a.Id))).ToListAsync(cancellationToken);
            var runs = new RunChanges();
            var acted = 0;
            foreach (var alert in alerts)
            {
                var group = groups.First(g => g.Id == alert.GroupId);
                if (link.Action == LinkAction.Acknowledge)
                {
                    if (alert.Status != AlertStatus.Triggered)
                        continue;
                    AlertActions.Acknowledge(db, store, alert, recipient == Guid.Empty ? null : recipient, actor, now, runs, "from the link in a notification");
                }
                else
                {
                    AlertActions.Resolve(db, store, alert, group, recipient == Guid.Empty ? null : recipient, actor, now, runs, "from the link in a notification");
                }
                acted++;
            }
            db.UsedLinks.Add(new UsedLink { Nonce = link.Nonce, UsedAt = now, ExpiresAt = link.ExpiresAt });
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                await runs.ApplyAsync(db, now, cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
            {
                return Failure.Conflict("This link was already used.");
            }
            engine.Wake();
            var verb = link.Action == LinkAction.Acknowledge ? "Acknowledged" : "Resolved";
            return acted == 0
                ? $"Nothing left to {(link.Action == LinkAction.Acknowledge ? "acknowledge" : "resolve")}: someone got there first."
                : $"{verb} {acted} alert{(acted == 1 ? "" : "s")}. {(link.Action == LinkAction.Acknowledge ? "Escalation stopped; it is yours now." : "Paging stopped.")}";
        });
    }

    private string? Refusal(LinkToken link, UsedLink? used)
    {
        if (used is not null)
            return $"This link was already used, at {used.UsedAt:yyyy-MM-dd HH:mm} UTC. Each link works once.";
        if (link.ExpiresAt <= time.GetUtcNow())
            return $"This link expired at {link.ExpiresAt:yyyy-MM-dd HH:mm} UTC. Open the alert in Steady instead.";
        return null;
    }

    private async Task<List<Guid>> GroupIdsAsync(LinkToken link, CancellationToken cancellationToken) =>
        (await db.Deliveries.AsNoTracking().Where(d => (d.SentAs == link.Message || d.Id == link.Message) && d.GroupId != null).Select(d => d.GroupId).Distinct().ToListAsync(cancellationToken))
        .OfType<Guid>().ToList();

    /// <summary>The new alerts a message told the person who acknowledged their group about: its links act on those alone. Empty for pages.</summary>
    private async Task<List<Guid>> NewAlertIdsAsync(LinkToken link, CancellationToken cancellationToken) =>
        (await db.Deliveries.AsNoTracking().Where(d => (d.SentAs == link.Message || d.Id == link.Message) && d.AlertId != null).Select(d => d.AlertId).Distinct().ToListAsync(cancellationToken))
        .OfType<Guid>().ToList();

    /// <summary>The incident a page was about, when it was an incident's page (they are never bundled with alerts).</summary>
    private async Task<Guid?> IncidentOfAsync(LinkToken link, CancellationToken cancellationToken) =>
        await db.Deliveries.AsNoTracking().Where(d => (d.SentAs == link.Message || d.Id == link.Message) && d.IncidentId != null).Select(d => d.IncidentId).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// The link in an incident's page acknowledges the incident, as "Acknowledge pages" does: its escalation
    /// and its alert groups' stop, the person is on the timeline. Incidents are resolved on their page, once
    /// verified, never by a link.
    /// </summary>
    private async Task<Outcome<string>> ActOnIncidentAsync(LinkToken link, Guid incidentId, Guid recipient, string name, CancellationToken cancellationToken)
    {
        try
        {
            // The incident or one of its alerts may change at the same moment: then everything is read again.
            return await db.RetryAsync<Outcome<string>>(async _ =>
            {
                var now = time.GetUtcNow();
                var incident = await db.Incidents.FirstAsync(i => i.Id == incidentId, cancellationToken);
                if (link.Action != LinkAction.Acknowledge)
                    return Failure.Conflict($"An incident is resolved on its page once its alerts and checks are healthy: open /incidents/{incident.Number}.");
                try
                {
                    await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                    var stopped = await IncidentGroups.AcknowledgeAsync(db, store, incident, recipient == Guid.Empty ? null : recipient, name, now, cancellationToken);
                    var any = stopped.OwnRuns || stopped.Alerts > 0;
                    incident.AcknowledgedAt ??= now;
                    incident.Version++;
                    db.Timeline.Add(new Steady.Core.Incidents.TimelineEntry
                    {
                        Id = Ids.New(time), IncidentId = incidentId, At = now, Kind = "page", RecordedAt = now, Source = "paging",
                        ActorId = recipient == Guid.Empty ? null : recipient, ActorName = name,
                        Text = any ? IncidentGroups.Acknowledged(name, "the page (from the link)", stopped) : $"{name} acknowledged the page (from the link); nothing was paging any more",
                    });
                    db.UsedLinks.Add(new UsedLink { Nonce = link.Nonce, UsedAt = now, ExpiresAt = link.ExpiresAt });
                    await db.SaveChangesAsync(cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                    engine.Wake();
                    return any ? $"Acknowledged incident #{incident.Number}. Escalation stopped; it is yours now." : $"Incident #{incident.Number}: nothing was paging any more; someone got there first.";
                }
                catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
                {
                    return Failure.Conflict("This link was already used.");
                }
            });
        }
        catch (DbUpdateConcurrencyException)
        {
            return Failure.Conflict("The incident changed at the same moment; open the link again.");
        }
    }

    private async Task<(string Recipient, List<LinkGroup> Groups, LinkIncident? Incident)> LoadAsync(LinkToken link, CancellationToken cancellationToken)
    {
        var recipient = await db.Deliveries.AsNoTracking().Where(d => d.SentAs == link.Message || d.Id == link.Message).Select(d => d.UserId).FirstOrDefaultAsync(cancellationToken);
        var name = await db.Users.AsNoTracking().Where(u => u.Id == recipient).Select(u => u.Name).FirstOrDefaultAsync(cancellationToken) ?? "";
        if (await IncidentOfAsync(link, cancellationToken) is { } incidentId)
        {
            var incident = await db.Incidents.AsNoTracking().FirstAsync(i => i.Id == incidentId, cancellationToken);
            var reason = await db.Deliveries.AsNoTracking().Where(d => d.SentAs == link.Message || d.Id == link.Message)
                .Join(db.EscalationRuns, d => d.RunId, r => r.Id, (d, r) => r.Reason).FirstOrDefaultAsync(cancellationToken);
            var commander = await db.IncidentRoles.AsNoTracking().Where(r => r.IncidentId == incidentId && r.Role == Steady.Core.Incidents.IncidentRole.Commander && r.EndedAt == null)
                .Join(db.Users, r => r.UserId, u => u.Id, (r, u) => u.Name).FirstOrDefaultAsync(cancellationToken);
            var known = await IncidentRunSteps.KnownAsync(db, incident, cancellationToken);
            return (name, [], new LinkIncident(incident.Number, incident.Title, incident.Severity, Steady.Core.Incidents.Lifecycle.Name(incident.Status), commander ?? "?",
                reason, known, incident.IsOpen && await IncidentGroups.PagingAsync(db, incidentId, cancellationToken)));
        }
        var groupIds = await GroupIdsAsync(link, cancellationToken);
        var groups = await db.AlertGroups.AsNoTracking().Where(g => groupIds.Contains(g.Id)).ToListAsync(cancellationToken);
        var serviceIds = groups.Select(g => g.ServiceId).Distinct().ToList();
        var services = await db.Services.AsNoTracking().Where(s => serviceIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        var only = await NewAlertIdsAsync(link, cancellationToken);
        var alerts = await db.Alerts.AsNoTracking().Where(a => groupIds.Contains(a.GroupId) && a.Status != AlertStatus.Resolved && (only.Count == 0 || only.Contains(a.Id))).ToListAsync(cancellationToken);
        var result = groups.Select(g =>
        {
            var open = alerts.Where(a => a.GroupId == g.Id).OrderByDescending(a => a.LastSeenAt).ToList();
            var latest = open.FirstOrDefault();
            return new LinkGroup(g.Id, latest?.Id, services.GetValueOrDefault(g.ServiceId, ""), g.Title, latest?.Summary ?? g.Title, g.Severity,
                open.Count(a => a.Status == AlertStatus.Triggered), open.Count(a => a.Status == AlertStatus.Acknowledged), open.Count,
                latest is null ? null : AlertDescription.Of(latest));
        }).OrderByDescending(g => g.Severity).ToList();
        return (name, result, null);
    }
}
