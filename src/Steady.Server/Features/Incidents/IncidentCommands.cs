using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Alerts;
using Steady.Core.Incidents;
using Steady.Core.Services;
using Steady.Server.Data;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Incidents;

/// <summary>
/// Running an incident, shared by the API and the console: declare, severity, status, roles, close.
/// Each command loads, asks Steady.Core whether it may happen, writes the change, its timeline entry
/// and the messages it causes in one transaction, then wakes the incident worker.
/// </summary>
public sealed partial class IncidentCommands(
    SteadyDb db,
    IncidentQueries queries,
    IncidentSeverities severities,
    IncidentOutbox outbox,
    IIncidentPager pager,
    Alerts.AlertStore alertStore,
    WakeSignal<IncidentWorker> wake,
    WakeSignal<Paging.EscalationWorker> engine,
    IOptions<IncidentOptions> options,
    Postmortems.PostmortemDrafts postmortems,
    OutboundPolicy outbound,
    TimeProvider time)
{
    private const int Attempts = 5;

    public Task<Outcome<Incident>> DeclareAsync(Actor actor, DeclareInput input, CancellationToken cancellationToken) =>
        DeclareAsync(actor, input, null, null, cancellationToken);

    /// <param name="pagePolicyId">A policy to page at once whatever the severity (the emergency line's).</param>
    /// <param name="alsoAdd">Rows to store in the same transaction as the incident (the emergency-line submission).</param>
    public async Task<Outcome<Incident>> DeclareAsync(Actor actor, DeclareInput input, Guid? pagePolicyId, Action<Incident>? alsoAdd, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var validation = new Validation().Text("title", input.Title, 200).Text("summary", input.Summary, 4000);
        var level = severities.Table.Resolve("severity", input.Severity ?? "");
        if (string.IsNullOrWhiteSpace(input.Severity))
            validation.Add("severity", $"'severity' is required: one of {string.Join(", ", severities.Table.Levels.Select(l => l.Name))}. When in doubt, declare the higher one: downgrading is easy.");
        else if (!level.Succeeded)
            validation.Add("severity", level.Failure!.Detail);
        var channels = IncidentChannels.Check(input.Channels, "channels", outbound, actor);
        if (!channels.Succeeded)
            return channels.Failure!;
        if (validation.ToFailure() is { } invalid)
            return invalid;

        // From an alert (or its group): link every alert of the group, take its service and its start.
        AlertGroup? group = null;
        if (input.AlertId is { } alertId)
        {
            var alert = await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == alertId, cancellationToken);
            if (alert is null)
                return Failure.Invalid("alertId", $"There is no alert {alertId}.");
            group = await db.AlertGroups.AsNoTracking().FirstAsync(g => g.Id == alert.GroupId, cancellationToken);
        }
        else if (input.AlertGroupId is { } groupId)
        {
            group = await db.AlertGroups.AsNoTracking().FirstOrDefaultAsync(g => g.Id == groupId, cancellationToken);
            if (group is null)
                return Failure.Invalid("alertGroupId", $"There is no alert group {groupId}.");
        }
        var services = new List<Service>();
        foreach (var name in input.Services ?? [])
        {
            if (string.IsNullOrWhiteSpace(name))
                continue;
            var service = await db.ServiceAsync(name, cancellationToken);
            if (service is null)
                return Failure.Invalid("services", $"There is no service '{name}'.");
            if (services.All(s => s.Id != service.Id))
                services.Add(service);
        }
        if (group is not null && services.All(s => s.Id != group.ServiceId))
            services.Insert(0, await db.Services.AsNoTracking().FirstAsync(s => s.Id == group.ServiceId, cancellationToken));
        Guid teamId;
        if (services.Count > 0)
        {
            teamId = services[0].TeamId;
        }
        else if (!string.IsNullOrWhiteSpace(input.Team) && await db.TeamAsync(input.Team, cancellationToken) is { } team)
        {
            teamId = team.Id;
        }
        else
        {
            return Failure.Invalid("services", string.IsNullOrWhiteSpace(input.Team)
                ? "Name the affected service(s) ('services'), an alert ('alertId'), or the team that answers for it ('team')."
                : $"There is no team '{input.Team}'.");
        }
        // Declaring on a service freezes it and pages for it: it needs the responder role in that service's team, for each service named.
        var notTheirs = services.Where(s => !Permissions.CanRespondFor(actor, s.TeamId)).Select(s => s.Name).ToList();
        if (notTheirs.Count > 0)
            return Failure.Forbidden($"Declaring an incident on a service needs the responder role in its team: you do not respond for {string.Join(", ", notTheirs)}. Ask a responder of {(notTheirs.Count == 1 ? "its" : "their")} team to declare it, or declare it on your own services.");
        if (!Permissions.CanRespondFor(actor, teamId))
            return Failure.Forbidden("Only responders of the team that answers for the service can declare an incident on it.");
        var commanderId = actor.UserId;
        var commanderName = actor.Name;
        if (!string.IsNullOrWhiteSpace(input.Commander))
        {
            var user = await db.UserAsync(input.Commander, cancellationToken);
            if (user is null || user.DisabledAt is not null)
                return Failure.Invalid("commander", $"There is no active user '{input.Commander}'.");
            (commanderId, commanderName) = (user.Id, user.Name);
        }
        var alerts = group is null ? [] : await db.Alerts.AsNoTracking().Where(a => a.GroupId == group.Id).ToListAsync(cancellationToken);
        var title = string.IsNullOrWhiteSpace(input.Title) ? group?.Title : input.Title.Trim();
        if (string.IsNullOrWhiteSpace(title))
            return Failure.Invalid("title", "'title' is required: one line saying what is wrong for users.");
        var severity = level.Value!;

        // The group may change meanwhile (another declaration from it, or intake), or another node may take
        // this number at the same moment: then look again, and take the next number.
        return await db.RetryAsync<Outcome<Incident>>(async _ =>
        {
            if (group is not null)
            {
                // One alert group, one open incident: declaring again answers with the one that has it.
                // Two declarations from the same group at once both change the group, read before looking: the
                // second's save fails its concurrency check (or it read the group after the first was saved, and
                // so sees the first's incident), and its next attempt answers with the first's incident.
                var claimed = await db.AlertGroups.FirstAsync(g => g.Id == group.Id, cancellationToken);
                if (await IncidentGroups.OpenIncidentOfAsync(db, group.Id, cancellationToken) is { } existing)
                    return IncidentGroups.AlreadyIn(group, existing);
                claimed.Version++;
            }
            var number = (await db.Incidents.MaxAsync(i => (int?)i.Number, cancellationToken) ?? 0) + 1;
            var acknowledged = alerts.Where(a => a.AcknowledgedAt is not null).Select(a => a.AcknowledgedAt!.Value).Append(now).Min();
            var incident = new Incident
            {
                Id = Ids.New(time),
                Number = number,
                Title = title,
                Severity = severity.Name,
                Status = IncidentStatus.Triage,
                TeamId = teamId,
                Summary = string.IsNullOrWhiteSpace(input.Summary) ? null : input.Summary.Trim(),
                DeclaredAt = now,
                DeclaredById = actor.UserId,
                DeclaredBy = actor.Name,
                StartedAt = group?.OpenedAt < now ? group.OpenedAt : now,
                AcknowledgedAt = acknowledged,
                NextUpdateDueAt = Cadence.FirstDue(severity, now),
                PostmortemRequired = severity.RequiresPostmortem,
            };
            db.Incidents.Add(incident);
            foreach (var service in services)
                db.IncidentServices.Add(new IncidentService { IncidentId = incident.Id, ServiceId = service.Id });
            foreach (var alert in alerts)
                db.IncidentAlerts.Add(new IncidentAlert { IncidentId = incident.Id, AlertId = alert.Id, LinkedAt = now });
            db.IncidentRoles.Add(new IncidentRoleAssignment { Id = Ids.New(time), IncidentId = incident.Id, UserId = commanderId, Role = IncidentRole.Commander, StartedAt = now, AssignedBy = actor.Name });
            foreach (var channel in channels.Value!.DistinctBy(c => (c.Kind, c.Address!.ToLowerInvariant())))
                db.IncidentChannels.Add(IncidentChannels.New(incident, channel, actor, time));
            var from = group is null ? "" : $" from alert group '{group.Title}' ({alerts.Count} alert{(alerts.Count == 1 ? "" : "s")} linked)";
            Entry(incident, "declared", $"Declared {severity.Name}{from} by {actor.Name}; {commanderName} is incident commander. Expected response: {severity.ExpectedResponse}."
                + (channels.Value!.Count == 0 ? "" : $" Its updates also go to {string.Join(", ", channels.Value.Select(c => $"{c.Kind} {IncidentChannels.Describe(new IncidentChannel { Kind = c.Kind!, Address = c.Address!, AddedBy = "" })}"))}."), actor);
            await outbox.ToChannelsAsync(incident, "update", "declared", Headline(incident), $"{actor.Name} declared {severity.Name}: {severity.Meaning}. Commander: {commanderName}. {Services(services)}"
                + (incident.Summary is { } known ? $"\nKnown so far: {known}" : ""), cancellationToken);
            if (severity.PagesAtOnce)
            {
                foreach (var policyId in services.Select(s => s.EscalationPolicyId).OfType<Guid>().Distinct())
                    await pager.PagePolicyAsync(incident, policyId, $"{severity.Name} declared: {title}", "declare:page", cancellationToken);
            }
            if (pagePolicyId is { } linePolicy)
                await pager.PagePolicyAsync(incident, linePolicy, $"Emergency line: {title}", "declare:page", cancellationToken);
            alsoAdd?.Invoke(incident);
            await db.SaveChangesAsync(cancellationToken);
            wake.Wake();
            engine.Wake();
            return incident;
        }, e => ConcurrentChanges.IsConcurrentChange(e) || (e is DbUpdateException update && DbErrors.IsUniqueViolation(update)), Attempts);
    }

    public Task<Outcome<Incident>> ChangeSeverityAsync(Actor actor, string number, SeverityInput input, CancellationToken cancellationToken) =>
        ActAsync(actor, number, async (incident, now) =>
        {
            var validation = new Validation().Text("reason", input.Reason, 2000);
            if (string.IsNullOrWhiteSpace(input.Reason))
                validation.Add("reason", "'reason' is required: say why the severity changes, for the timeline.");
            var level = severities.Table.Resolve("severity", input.Severity);
            if (!level.Succeeded)
                validation.Add("severity", level.Failure!.Detail);
            if (validation.ToFailure() is { } invalid)
                return invalid;
            var to = level.Value!;
            var from = severities.Of(incident.Severity);
            if (string.Equals(to.Name, incident.Severity, StringComparison.OrdinalIgnoreCase))
                return Failure.Conflict($"The incident is already {to.Name}.");
            if (incident.Status == IncidentStatus.Closed)
                return Failure.Conflict("The incident is closed; reopen it first.");
            var up = severities.Table.Compare(to.Name, incident.Severity) < 0;
            incident.Severity = to.Name;
            incident.PostmortemRequired = incident.PostmortemRequired || to.RequiresPostmortem;
            if (incident.IsOpen)
            {
                var due = Cadence.FirstDue(to, now);
                incident.NextUpdateDueAt = due is null ? null : incident.NextUpdateDueAt is { } current && current < due ? current : due;
                incident.CadenceDone = CadenceStep.None;
            }
            Entry(incident, "severity", $"Severity {(up ? "raised" : "lowered")} from {from.Name} to {to.Name} by {actor.Name}: {input.Reason!.Trim()}", actor);
            await outbox.ToChannelsAsync(incident, "update", $"severity:{Ids.New(time):N}", Headline(incident), $"Severity {(up ? "raised" : "lowered")} from {from.Name} to {to.Name}: {input.Reason.Trim()}", cancellationToken);
            if (up && to.PagesAtOnce && !from.PagesAtOnce && incident.IsOpen)
            {
                foreach (var policyId in await PoliciesAsync(incident, cancellationToken))
                    await pager.PagePolicyAsync(incident, policyId, $"Raised to {to.Name}: {incident.Title}", $"severity:{to.Name}:page", cancellationToken);
            }
            return null;
        }, cancellationToken);

    public Task<Outcome<Incident>> ChangeStatusAsync(Actor actor, string number, StatusInput input, CancellationToken cancellationToken) =>
        ActAsync(actor, number, async (incident, now) =>
        {
            var to = Lifecycle.Parse(input.Status);
            if (to is null)
                return Failure.Invalid("status", "'status' must be one of triage, mitigating, mitigated, resolved (closing needs the record: use close).");
            if (to == IncidentStatus.Closed)
                return Failure.Invalid("status", "Closing needs the written record: what happened, what was done, which assumptions failed, what should change, and the cause. Use close.");
            if (Lifecycle.Check(incident.Status, to.Value, input.Reason) is { } refused)
                return refused;
            var overrideReason = string.IsNullOrWhiteSpace(input.Override) ? null : input.Override.Trim();
            if (to == IncidentStatus.Resolved)
            {
                var roles = await queries.CurrentRolesAsync(incident.Id, cancellationToken);
                var isCommander = roles.Any(r => r.Role == IncidentRole.Commander && r.UserId == actor.UserId);
                var signals = await queries.HealthAsync(incident, cancellationToken);
                if (Resolution.Check(signals, options.Value.HealthyFor, now, isCommander, overrideReason) is { } unverified)
                    return unverified;
                incident.ResolutionOverride = overrideReason;
            }
            var from = incident.Status;
            incident.Status = to.Value;
            switch (to.Value)
            {
                case IncidentStatus.Mitigated:
                    incident.MitigatedAt ??= now;
                    break;
                case IncidentStatus.Resolved:
                    incident.ResolvedAt = now;
                    incident.MitigatedAt ??= now;
                    incident.NextUpdateDueAt = null;
                    break;
            }
            if (to < IncidentStatus.Resolved && from >= IncidentStatus.Resolved)
            {
                incident.ResolvedAt = null;
                incident.ClosedAt = null;
                incident.ResolutionOverride = null;
                incident.NextUpdateDueAt = Cadence.FirstDue(severities.Of(incident.Severity), now);
                incident.CadenceDone = CadenceStep.None;
            }
            var why = !string.IsNullOrWhiteSpace(input.Reason) ? $": {input.Reason.Trim()}" : "";
            var text = $"Status {Lifecycle.Name(from)} → {Lifecycle.Name(to.Value)} by {actor.Name}{why}";
            if (overrideReason is not null)
                text += $" (resolution check overridden by the commander: {overrideReason})";
            Entry(incident, "status", text, actor);
            if (to == IncidentStatus.Resolved && await Paging.IncidentRunSteps.StopAsync(db, incident.Id, Steady.Core.Paging.RunState.Resolved, $"the incident was resolved by {actor.Name}", now, cancellationToken))
                Entry(incident, "page", "Paging stopped: the incident is resolved", null);
            if (to == IncidentStatus.Resolved)
                await postmortems.DraftAsync(incident, actor.Name, cancellationToken); // resolved: the postmortem's draft, in the same transaction
            if (to == IncidentStatus.Resolved)
                await outbox.ToChannelsAsync(incident, "update", $"resolved:{now.ToUnixTimeMilliseconds()}", Headline(incident), $"Resolved by {actor.Name}{(overrideReason is null ? ", verified healthy" : $" (override: {overrideReason})")}.", cancellationToken);
            return null;
        }, cancellationToken, inTransaction: true); // resolving stops its pages, cancelling their deliveries at once

    /// <summary>
    /// Someone has it: the incident's pages stop escalating, and so does the escalation of its alert groups,
    /// whose triggered alerts are acknowledged with it (the link in a page does the same).
    /// </summary>
    public Task<Outcome<Incident>> AcknowledgeAsync(Actor actor, string number, CancellationToken cancellationToken) =>
        ActAsync(actor, number, async (incident, now) =>
        {
            var stopped = await IncidentGroups.AcknowledgeAsync(db, alertStore, incident, actor.UserId, actor.Name, now, cancellationToken);
            if (!stopped.OwnRuns && stopped.Alerts == 0)
                return Failure.Conflict("Nothing is paging for this incident: there is nothing to acknowledge.");
            incident.AcknowledgedAt ??= now;
            Entry(incident, "page", IncidentGroups.Acknowledged(actor.Name, "the incident's pages", stopped), actor);
            return null;
        }, cancellationToken, inTransaction: true);

    public Task<Outcome<Incident>> CloseAsync(Actor actor, string number, CloseInput input, CancellationToken cancellationToken) =>
        ActAsync(actor, number, async (incident, now) =>
        {
            var level = severities.Of(incident.Severity);
            var postmortem = await postmortems.OfAsync(incident, cancellationToken);
            // One record: what the postmortem already says need not be written again.
            var record = Postmortems.PostmortemDrafts.Complete(new ClosingRecord(input.WhatHappened, input.WhatWasDone, input.FailedAssumptions, input.WhatShouldChange, input.Cause), postmortem);
            if (Closing.Check(incident.Status, record, level, postmortemWritten: postmortem is { OwnerId: not null, DueAt: not null }, options.Value.EnforcePostmortem) is { } refused)
                return refused;
            incident.Status = IncidentStatus.Closed;
            incident.ClosedAt = now;
            incident.WhatHappened = record.WhatHappened!.Trim();
            incident.WhatWasDone = record.WhatWasDone!.Trim();
            incident.FailedAssumptions = record.FailedAssumptions!.Trim();
            incident.WhatShouldChange = record.WhatShouldChange!.Trim();
            incident.Cause = record.Cause!.Trim();
            incident.PostmortemRequired = level.RequiresPostmortem;
            Entry(incident, "status", $"Closed by {actor.Name} with the written record. Cause: {incident.Cause}" + (level.RequiresPostmortem ? $" A {level.Name} needs a full postmortem." : ""), actor);
            if (postmortem is not null)
                Postmortems.PostmortemDrafts.TakeRecord(postmortem, record, now); // one record: it fills the postmortem's sections still empty
            return null;
        }, cancellationToken);

    /// <summary>
    /// Load the incident tracked, check the caller responds for it, let <paramref name="act"/> decide and change, save with retry on a concurrent change.
    /// <paramref name="inTransaction"/>: for acts that write some of their effects at once (cancelling deliveries), so all of it holds or none.
    /// </summary>
    internal async Task<Outcome<Incident>> ActAsync(Actor actor, string number, Func<Incident, DateTimeOffset, Task<Failure?>> act, CancellationToken cancellationToken, bool inTransaction = false)
    {
        // Changed meanwhile (an update, the cadence worker): read again, decide again.
        return await db.RetryAsync<Outcome<Incident>>(async _ =>
        {
            var incident = await queries.FindAsync(number, tracked: true, cancellationToken);
            if (incident is null)
                return Failure.NotFound($"Incident #{number.TrimStart('#')}");
            if (!Permissions.CanRespondFor(actor, incident.TeamId))
                return Failure.Forbidden("Only responders of the team that answers for this incident can change it.");
            await using var transaction = inTransaction ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
            if (await act(incident, time.GetUtcNow()) is { } refused)
            {
                db.ChangeTracker.Clear();
                return refused;
            }
            incident.Version++;
            await db.SaveChangesAsync(cancellationToken);
            if (transaction is not null)
                await transaction.CommitAsync(cancellationToken);
            wake.Wake();
            engine.Wake();
            return incident;
        }, attempts: Attempts);
    }

    internal TimelineEntry Entry(Incident incident, string kind, string text, Actor? actor, DateTimeOffset? at = null, Guid? refId = null)
    {
        var now = time.GetUtcNow();
        var entry = new TimelineEntry
        {
            Id = Ids.New(time),
            IncidentId = incident.Id,
            At = at ?? now,
            Kind = kind,
            Text = text,
            ActorId = actor?.UserId,
            ActorName = actor?.Name ?? "Steady",
            RefId = refId,
            RecordedAt = now,
        };
        db.Timeline.Add(entry);
        return entry;
    }

    internal static string Headline(Incident incident) => $"Incident #{incident.Number} {incident.Severity} [{Lifecycle.Name(incident.Status)}]: {incident.Title}";

    private static string Services(IReadOnlyList<Service> services) => services.Count == 0 ? "" : "Services: " + string.Join(", ", services.Select(s => s.Name)) + ".";

    internal async Task<List<Guid>> PoliciesAsync(Incident incident, CancellationToken cancellationToken) =>
        await db.IncidentServices.AsNoTracking().Where(l => l.IncidentId == incident.Id)
            .Join(db.Services, l => l.ServiceId, s => s.Id, (l, s) => s.EscalationPolicyId)
            .Where(p => p != null).Select(p => p!.Value).Distinct().ToListAsync(cancellationToken);
}
