using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steady.Core;
using Steady.Core.Incidents;
using Steady.Server.Data;
using Steady.Server.Infrastructure;
using Steady.Server.Notify;

namespace Steady.Server.Features.Incidents;

/// <summary>
/// The incident's clockwork, on the injected clock: when an update is overdue it reminds the
/// communications lead and the commander, and if it stays overdue it pages the commander's
/// escalation (the incident's services' policies) through the paging engine; and it sends the incident
/// outbox (updates to the channels, reminders, commander handoffs), each message once, claimed before it
/// is sent, each with the link to the incident's page.
/// </summary>
public sealed partial class IncidentWorker(
    IServiceScopeFactory scopes,
    WakeSignal<IncidentWorker> signal,
    WakeSignal<Paging.EscalationWorker> engine,
    Paging.OutboxClaims claims,
    PublicUrls urls,
    IOptions<IncidentOptions> options,
    TimeProvider time,
    ILogger<IncidentWorker> logger) : DueTimeWorker<IncidentWorker>(signal, time, logger)
{
    private const int BatchSize = 50;

    /// <summary>Messages a dead process was sending are due again now (<see cref="Paging.OutboxClaims"/>).</summary>
    protected override Task StartingAsync(CancellationToken cancellationToken) =>
        claims.ReleaseOnStartAsync(Paging.ClaimedTable.IncidentNotices, e => LogReleaseFailed(logger, e), cancellationToken);

    protected internal override async Task<DateTimeOffset?> RunDueAsync(CancellationToken cancellationToken)
    {
        // SQLite's "async" calls complete synchronously: yield first, so the first pass never holds up the host's start.
        await Task.Yield();
        var nextCadence = await RunCadenceAsync(cancellationToken);
        var nextSend = await SendDueAsync(cancellationToken);
        return new[] { nextCadence, nextSend }.Where(d => d is not null).Min();
    }

    private async Task<DateTimeOffset?> RunCadenceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        var now = Time.GetUtcNow();
        var escalateAfter = options.Value.EscalateAfter;
        var due = await db.Incidents.AsNoTracking()
            .Where(i => i.NextUpdateDueAt != null && i.NextUpdateDueAt <= now && i.CadenceDone != CadenceStep.Escalate
                && i.Status != IncidentStatus.Resolved && i.Status != IncidentStatus.Closed)
            .OrderBy(i => i.NextUpdateDueAt).Select(i => i.Id).Take(100).ToListAsync(cancellationToken);
        foreach (var id in due)
        {
            try
            {
                await using var stepScope = scopes.CreateAsyncScope();
                await StepAsync(stepScope.ServiceProvider, id, escalateAfter, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // One incident whose step cannot be taken never holds back the others' reminders.
                await SetCadenceAsideAsync(id, e, cancellationToken);
            }
        }
        // The next time the cadence needs a look: the earliest due time not yet reminded, or a reminded one's escalation.
        var nextDue = await db.Incidents.AsNoTracking()
            .Where(i => i.NextUpdateDueAt != null && i.CadenceDone == CadenceStep.None && i.Status != IncidentStatus.Resolved && i.Status != IncidentStatus.Closed)
            .MinAsync(i => i.NextUpdateDueAt, cancellationToken);
        var nextEscalation = await db.Incidents.AsNoTracking()
            .Where(i => i.NextUpdateDueAt != null && i.CadenceDone == CadenceStep.Remind && i.Status != IncidentStatus.Resolved && i.Status != IncidentStatus.Closed)
            .MinAsync(i => i.NextUpdateDueAt, cancellationToken);
        return new[] { nextDue, nextEscalation + escalateAfter }.Where(d => d is not null).Min();
    }

    private async Task StepAsync(IServiceProvider services, Guid incidentId, TimeSpan escalateAfter, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<SteadyDb>();
        var outbox = services.GetRequiredService<IncidentOutbox>();
        var pager = services.GetRequiredService<IIncidentPager>();
        var commands = services.GetRequiredService<IncidentCommands>();
        var incident = await db.Incidents.FirstOrDefaultAsync(i => i.Id == incidentId, cancellationToken);
        if (incident is null)
            return;
        var now = Time.GetUtcNow();
        var decision = Cadence.Decide(incident.NextUpdateDueAt, incident.CadenceDone, escalateAfter, now);
        if (decision.Step == CadenceStep.None)
            return;
        var dueKey = decision.DueAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var roles = await db.IncidentRoles.AsNoTracking().Where(r => r.IncidentId == incident.Id && r.EndedAt == null).ToListAsync(cancellationToken);
        var commanderId = roles.First(r => r.Role == IncidentRole.Commander).UserId;
        var overdue = Durations.Describe(now - decision.DueAt);
        var names = await db.Users.AsNoTracking().Where(u => roles.Select(r => r.UserId).Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Name, cancellationToken);
        if (decision.Step == CadenceStep.Remind)
        {
            var who = roles.Where(r => r.Role is IncidentRole.CommunicationsLead or IncidentRole.Commander).Select(r => r.UserId).Distinct().ToList();
            foreach (var userId in who)
            {
                outbox.ToUser(incident, userId, "remind", $"remind:{dueKey}", $"Update overdue: incident #{incident.Number} ({incident.Severity})",
                    $"The next status update for '{incident.Title}' was due at {decision.DueAt.UtcDateTime:HH:mm} UTC. Post what is known, what is not, what is being done, and when the next update comes.");
            }
            commands.Entry(incident, "cadence", $"Update overdue since {decision.DueAt.UtcDateTime:HH:mm} UTC: reminded {string.Join(" and ", who.Select(u => names.GetValueOrDefault(u, "?")))}", null);
            incident.CadenceDone = CadenceStep.Remind;
        }
        else
        {
            var policies = await commands.PoliciesAsync(incident, cancellationToken);
            var reason = $"The status update for incident #{incident.Number} has been overdue for {overdue}; the commander's escalation runs.";
            foreach (var policyId in policies)
                await pager.PagePolicyAsync(incident, policyId, reason, $"escalate:{dueKey}", cancellationToken);
            if (policies.Count == 0)
                await pager.PageUserAsync(incident, commanderId, reason, $"escalate:{dueKey}", cancellationToken);
            commands.Entry(incident, "cadence", $"Update still overdue ({overdue}): escalated " + (policies.Count == 0 ? $"to the commander {names.GetValueOrDefault(commanderId, "?")} (no escalation policy on its services)" : "through the services' escalation policy"), null);
            incident.CadenceDone = CadenceStep.Escalate;
        }
        incident.Version++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            engine.Wake();
            LogCadence(logger, incident.Number, decision.Step);
        }
        catch (DbUpdateException)
        {
            // another node took this step, or an update arrived meanwhile: the next pass decides again
        }
    }

    /// <summary>
    /// A cadence step that failed: when the failure passes, the next pass takes it again; otherwise it
    /// would fail every pass, so this overdue update's reminders stop, saying why on the timeline, and the
    /// next status update starts the cadence afresh.
    /// </summary>
    private async Task SetCadenceAsideAsync(Guid incidentId, Exception error, CancellationToken cancellationToken)
    {
        var reason = Paging.EngineFailures.Describe(error);
        if (Paging.EngineFailures.IsTransient(error))
        {
            LogCadenceRetried(logger, incidentId, reason);
            return;
        }
        LogCadenceFailed(logger, error, incidentId, reason);
        Paging.EngineFailures.Count(Paging.EngineFailures.IncidentCadence);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
            var now = Time.GetUtcNow();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Incidents.Where(i => i.Id == incidentId).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.CadenceDone, CadenceStep.Escalate)
                .SetProperty(i => i.Version, i => i.Version + 1), cancellationToken);
            db.Timeline.Add(new TimelineEntry
            {
                Id = Ids.New(Time), IncidentId = incidentId, At = now, Kind = "cadence", ActorName = "Steady", Source = "cadence", RecordedAt = now,
                Text = $"Steady could not remind anyone of the overdue update ({reason}); no reminder or escalation follows for it. The next status update starts the cadence again.",
            });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogCadenceFailed(logger, e, incidentId, Paging.EngineFailures.Describe(e));
        }
    }

    /// <summary>Outcomes of messages sent whose storing the database refused for now, by message: stored first thing in the next pass, so they are not sent again.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, Func<SteadyDb, Task<int>>> _unstored = new();

    private async Task<DateTimeOffset?> SendDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        var registry = scope.ServiceProvider.GetRequiredService<ChannelRegistry>();
        foreach (var (id, store) in _unstored)
        {
            await store(db);
            _unstored.TryRemove(id, out _);
        }
        await claims.LetGoLeftAsync(db, Paging.ClaimedTable.IncidentNotices, cancellationToken);
        var now = Time.GetUtcNow();
        // Claimed before sent (a lease; only the claim's owner records the outcome). A node that hangs loses it when the
        // lease runs out; one that dies, at once (see StartingAsync, NodePresence). Looking first is a read, which never waits.
        var owner = claims.NewOwner();
        List<IncidentNotice> due = [];
        var attempted = 0;
        try
        {
            due = !await db.IncidentNotices.AsNoTracking().AnyAsync(n => n.DueAt != null && n.DueAt <= now, cancellationToken)
                || await claims.ClaimAsync(db, Paging.ClaimedTable.IncidentNotices, owner, now, BatchSize, cancellationToken) == 0
                ? []
                : await db.IncidentNotices.AsNoTracking().Where(n => n.LeaseOwner == owner).OrderBy(n => n.CreatedAt).ThenBy(n => n.Id).ToListAsync(cancellationToken);
            for (; attempted < due.Count; attempted++)
                await SendOneAsync(db, registry, due[attempted], owner, cancellationToken);
        }
        catch
        {
            // The database went away mid-pass (or the process is stopping): the messages not tried yet are due again at once.
            // (Those whose outcome waits to be stored stay claimed: they were sent.)
            await claims.LetGoAsync(db, Paging.ClaimedTable.IncidentNotices, owner,
                due.Count == 0 ? null : due.Skip(attempted).Where(n => !_unstored.ContainsKey(n.Id)).Select(n => n.Id).ToList());
            throw;
        }
        return await db.IncidentNotices.AsNoTracking().Where(n => n.DueAt != null).MinAsync(n => n.DueAt, cancellationToken);
    }

    /// <summary>
    /// One message: sent only while the claim is still this node's (checked, and its lease renewed, right before — a node
    /// that stalled past its lease sends nothing another node took over), then its outcome stored while the claim is its own.
    /// A message whose earlier attempt's outcome was lost (its node died mid-send) goes again under the same keys, and says so.
    /// </summary>
    private async Task SendOneAsync(SteadyDb db, ChannelRegistry registry, IncidentNotice notice, string owner, CancellationToken cancellationToken)
    {
        var sendingAt = Time.GetUtcNow();
        var leaseUntil = sendingAt + claims.Lease;
        if (await db.IncidentNotices.Where(n => n.Id == notice.Id && n.LeaseOwner == owner)
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.DueAt, leaseUntil).SetProperty(n => n.SendingAt, sendingAt), cancellationToken) == 0)
            return; // taken over by another node while this one stalled
        var again = notice.SendingAt is not null ? " (sent again: an earlier attempt's outcome was lost with its node; the receiver may have it twice, same key)" : "";
        DeliveryOutcome outcome;
        string detail;
        try
        {
            (outcome, detail) = await SendAsync(db, registry, notice, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // One message that cannot be sent (data it cannot read) fails alone, saying why; the others go.
            var reason = Paging.EngineFailures.Describe(e);
            if (Paging.EngineFailures.IsTransient(e))
            {
                (outcome, detail) = (DeliveryOutcome.Retry, $"retry: Steady could not send it for now ({reason})");
            }
            else
            {
                LogNoticeFailed(logger, e, notice.Id, reason);
                Paging.EngineFailures.Count(Paging.EngineFailures.IncidentMessage);
                (outcome, detail) = (DeliveryOutcome.Failed, $"failed: Steady could not send it ({reason})");
                await TellAsync(db, notice.IncidentId, $"Steady could not send the {notice.Kind} message \"{notice.Title}\" ({reason}); it is not sent.", cancellationToken);
            }
        }
        var attempts = notice.Attempts + 1;
        var retryAt = outcome == DeliveryOutcome.Retry ? claims.RetryAt(attempts, Time.GetUtcNow()) : null;
        DateTimeOffset? sentAt = outcome == DeliveryOutcome.Sent ? Time.GetUtcNow() : null;
        Func<SteadyDb, Task<int>> Store(string outcomeText) => target => target.IncidentNotices.Where(n => n.Id == notice.Id && n.LeaseOwner == owner).ExecuteUpdateAsync(s => s
            .SetProperty(n => n.LeaseOwner, (string?)null)
            .SetProperty(n => n.DueAt, retryAt)
            .SetProperty(n => n.SentAt, sentAt)
            .SetProperty(n => n.Attempts, attempts)
            .SetProperty(n => n.SendingAt, (DateTimeOffset?)null)
            .SetProperty(n => n.Outcome, outcomeText), CancellationToken.None);
        try
        {
            await Store(detail + again)(db);
        }
        catch (Exception e) when (Paging.EngineFailures.IsTransient(e))
        {
            // The database is away: kept here, stored first thing when it is back; never sent again while this node lives.
            _unstored[notice.Id] = Store(detail + again);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Stored without what it said (the part the database may have refused), so it is not sent again and again;
            // failing that too, it goes again after its lease, and the other messages go on now.
            LogNoticeFailed(logger, e, notice.Id, Paging.EngineFailures.Describe(e));
            try
            {
                await Store($"{outcome.ToString().ToLowerInvariant()}: Steady could not store this attempt's outcome in full ({Paging.EngineFailures.Describe(e)})")(db);
            }
            catch (Exception again2) when (again2 is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogNoticeFailed(logger, again2, notice.Id, Paging.EngineFailures.Describe(again2));
            }
        }
    }

    /// <summary>A message that was set aside, on the incident's timeline, so people know it did not go.</summary>
    private async Task TellAsync(SteadyDb db, Guid incidentId, string text, CancellationToken cancellationToken)
    {
        try
        {
            var now = Time.GetUtcNow();
            db.Timeline.Add(new TimelineEntry { Id = Ids.New(Time), IncidentId = incidentId, At = now, Kind = "message", Text = text, ActorName = "Steady", Source = "messages", RecordedAt = now });
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogNoticeFailed(logger, e, incidentId, Paging.EngineFailures.Describe(e));
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    private async Task<(DeliveryOutcome, string)> SendAsync(SteadyDb db, ChannelRegistry registry, IncidentNotice notice, CancellationToken cancellationToken)
    {
        var targets = new List<ContactTarget>();
        try
        {
            if (notice.Recipient.StartsWith("channel:", StringComparison.Ordinal))
            {
                var index = int.Parse(notice.Recipient["channel:".Length..], System.Globalization.CultureInfo.InvariantCulture);
                if (index >= options.Value.Channels.Count)
                    return (DeliveryOutcome.Failed, "the incident channel is no longer configured");
                var channel = options.Value.Channels[index];
                targets.Add(ContactTarget.FromStored(channel.Kind, channel.Address, System.Text.Json.JsonSerializer.Serialize(channel.Settings)));
            }
            else if (notice.Recipient.StartsWith("incident-channel:", StringComparison.Ordinal) && Guid.TryParse(notice.Recipient["incident-channel:".Length..], out var channelId))
            {
                var channel = await db.IncidentChannels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == channelId, cancellationToken);
                if (channel is null)
                    return (DeliveryOutcome.Failed, "the channel was removed from the incident");
                targets.Add(ContactTarget.FromStored(channel.Kind, channel.Address, channel.Settings));
            }
            else if (notice.Recipient.StartsWith("user:", StringComparison.Ordinal) && Guid.TryParse(notice.Recipient["user:".Length..], out var userId))
            {
                var methods = await db.ContactMethods.AsNoTracking().Where(m => m.UserId == userId).OrderBy(m => m.Id).ToListAsync(cancellationToken);
                targets.AddRange(methods.Select(m => ContactTarget.FromStored(m.Kind, m.Address, m.Settings)));
                if (targets.Count == 0)
                    return (DeliveryOutcome.Failed, "the person has no contact methods");
            }
            else
            {
                return (DeliveryOutcome.Failed, $"unknown recipient kind in '{notice.Recipient}'");
            }
        }
        catch (FormatException e)
        {
            return (DeliveryOutcome.Failed, e.Message);
        }
        var incident = await db.Incidents.AsNoTracking().FirstAsync(i => i.Id == notice.IncidentId, cancellationToken);
        var severity = SeverityTable.Default.AlertSeverityOf(incident.Severity);
        // Every message leads somewhere: the incident's page, on the public URL (as the links in pages).
        var page = new Uri($"{urls.Base()}/incidents/{incident.Number}");
        var results = new List<DeliveryResult>();
        for (var i = 0; i < targets.Count; i++)
        {
            var notification = new Notification(NotificationKind.Incident, notice.Title, notice.Body, severity, $"incident #{incident.Number}", 0, [], null, null, page,
                $"incident-{notice.Id:N}-{i}", notice.CreatedAt);
            results.Add(await registry.SendAsync(targets[i], notification, cancellationToken));
        }
        var outcome = results.Any(r => r.Outcome == DeliveryOutcome.Sent) ? DeliveryOutcome.Sent
            : results.Any(r => r.Outcome == DeliveryOutcome.Retry) ? DeliveryOutcome.Retry : DeliveryOutcome.Failed;
        return (outcome, string.Join("; ", results.Select(r => $"{r.Outcome.ToString().ToLowerInvariant()}: {r.Detail}")));
    }

    [LoggerMessage(EventId = 901, Level = LogLevel.Warning, Message = "Could not take back the incident messages an earlier process was sending; they are sent when their lease runs out")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 902, Level = LogLevel.Error, Message = "Incident message {NoticeId} failed and is set aside: {Reason}")]
    private static partial void LogNoticeFailed(ILogger logger, Exception exception, Guid noticeId, string reason);

    [LoggerMessage(EventId = 903, Level = LogLevel.Warning, Message = "The cadence step of incident {IncidentId} could not be taken for now ({Reason}); trying again on the next pass")]
    private static partial void LogCadenceRetried(ILogger logger, Guid incidentId, string reason);

    [LoggerMessage(EventId = 904, Level = LogLevel.Error, Message = "The cadence step of incident {IncidentId} failed and is set aside: {Reason}")]
    private static partial void LogCadenceFailed(ILogger logger, Exception exception, Guid incidentId, string reason);

    [LoggerMessage(EventId = 900, Level = LogLevel.Information, Message = "Incident #{Number}: cadence step {Step}")]
    private static partial void LogCadence(ILogger logger, int number, CadenceStep step);
}
