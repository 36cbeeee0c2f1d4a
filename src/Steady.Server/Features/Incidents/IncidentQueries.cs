using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steady.Core.Alerts;
using Steady.Core.Incidents;
using Steady.Server.Data;

namespace Steady.Server.Features.Incidents;

/// <summary>Reading incidents: one incident whole, its timeline (its own entries, its alerts' history, changes on its services), its health.</summary>
public sealed class IncidentQueries(SteadyDb db, IncidentSeverities severities, IOptions<IncidentOptions> options, TimeProvider time)
{
    /// <summary>"12", "#12" or "INC-12".</summary>
    public static int? ParseNumber(string? text)
    {
        var value = text?.Trim() ?? "";
        if (value.StartsWith('#'))
            value = value[1..];
        else if (value.StartsWith("INC-", StringComparison.OrdinalIgnoreCase))
            value = value[4..];
        return int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
    }

    public Task<Incident?> FindAsync(string number, bool tracked, CancellationToken cancellationToken)
    {
        if (ParseNumber(number) is not { } n)
            return Task.FromResult<Incident?>(null);
        var query = tracked ? db.Incidents : db.Incidents.AsNoTracking();
        return query.FirstOrDefaultAsync(i => i.Number == n, cancellationToken);
    }

    public async Task<List<RoleHolder>> CurrentRolesAsync(Guid incidentId, CancellationToken cancellationToken) =>
        (await db.IncidentRoles.AsNoTracking().Where(r => r.IncidentId == incidentId && r.EndedAt == null).OrderBy(r => r.StartedAt).ToListAsync(cancellationToken))
        .Select(r => new RoleHolder(r.UserId, r.Role, r.StartedAt)).ToList();

    public Task<List<Guid>> ServiceIdsAsync(Guid incidentId, CancellationToken cancellationToken) =>
        db.IncidentServices.AsNoTracking().Where(s => s.IncidentId == incidentId).Select(s => s.ServiceId).ToListAsync(cancellationToken);

    /// <summary>What must be healthy before resolving: every alert of the incident (those of its groups too), and every enabled check on its services.</summary>
    public async Task<List<HealthSignal>> HealthAsync(Incident incident, CancellationToken cancellationToken)
    {
        var signals = new List<HealthSignal>();
        var alerts = await IncidentGroups.AlertsOf(db, incident).ToListAsync(cancellationToken);
        foreach (var alert in alerts)
            signals.Add(new HealthSignal($"alert '{alert.Summary}'", alert.Status == AlertStatus.Resolved, alert.ResolvedAt));
        var serviceIds = await ServiceIdsAsync(incident.Id, cancellationToken);
        var checks = await db.Checks.AsNoTracking().Where(c => serviceIds.Contains(c.ServiceId) && c.Enabled).ToListAsync(cancellationToken);
        foreach (var check in checks)
        {
            var lastFailure = await db.CheckResults.AsNoTracking().Where(r => r.CheckId == check.Id && !r.Ok).MaxAsync(r => (DateTimeOffset?)r.At, cancellationToken);
            var okSince = await db.CheckResults.AsNoTracking()
                .Where(r => r.CheckId == check.Id && r.Ok && (lastFailure == null || r.At > lastFailure))
                .MinAsync(r => (DateTimeOffset?)r.At, cancellationToken);
            var name = $"check '{check.Name}'";
            if (check.LastOk is null)
                signals.Add(new HealthSignal(name + " (has not run yet)", false, null));
            else
                signals.Add(new HealthSignal(check.LastOk == true ? name : $"{name} ({check.LastMessage})", check.LastOk == true && !check.Alerting && okSince is not null, okSince));
        }
        return signals;
    }

    public async Task<ResolutionDto> ResolutionAsync(Incident incident, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var healthyFor = options.Value.HealthyFor;
        var signals = await HealthAsync(incident, cancellationToken);
        var refusal = Resolution.Check(signals, healthyFor, now, isCommander: false, overrideReason: null);
        return new ResolutionDto(
            refusal is null,
            refusal?.Detail ?? (signals.Count == 0 ? "Nothing linked to verify: no alerts and no checks on its services." : $"Everything has been healthy for {Durations.Describe(healthyFor)} or more."),
            Resolution.AllowedAt(signals, healthyFor, now),
            (int)healthyFor.TotalMinutes,
            signals.Select(s => new HealthDto(s.Name, s.Healthy, s.HealthySince)).ToList());
    }

    public async Task<Dictionary<Guid, string>> UserNamesAsync(IEnumerable<Guid> ids, CancellationToken cancellationToken)
    {
        var list = ids.Distinct().ToList();
        return await db.Users.AsNoTracking().Where(u => list.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Name, cancellationToken);
    }

    public async Task<List<ChangeDto>> ChangesBeforeAsync(Incident incident, IReadOnlyList<Guid> serviceIds, CancellationToken cancellationToken)
    {
        var from = incident.StartedAt - options.Value.ChangeWindow;
        var until = incident.ClosedAt ?? incident.ResolvedAt ?? time.GetUtcNow();
        return await ChangesAsync(serviceIds, from, until, 200, cancellationToken);
    }

    /// <summary>Changes on these services in [from, until], newest first.</summary>
    public async Task<List<ChangeDto>> ChangesAsync(IReadOnlyList<Guid> serviceIds, DateTimeOffset from, DateTimeOffset until, int take, CancellationToken cancellationToken)
    {
        var ids = serviceIds.ToList();
        var rows = await db.Changes.AsNoTracking().Where(c => ids.Contains(c.ServiceId) && c.At >= from && c.At <= until)
            .OrderByDescending(c => c.At).Take(take).ToListAsync(cancellationToken);
        var names = await db.Services.AsNoTracking().Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        return rows.Select(c => new ChangeDto(c.Id, c.ServiceId, names.GetValueOrDefault(c.ServiceId, "?"), c.Summary, c.Kind, c.At, c.Who, c.Link, c.RecordedBy)).ToList();
    }

    /// <summary>
    /// The whole story in time order: the incident's own entries (declared, status, severity, roles,
    /// updates, actions, notes, evidence, imported journal entries, its own pages), the history of its
    /// alerts, every page sent for its alert groups, and changes on its services from the change window
    /// before it started.
    /// </summary>
    public async Task<List<TimelineDto>> TimelineAsync(Incident incident, CancellationToken cancellationToken)
    {
        var own = await db.Timeline.AsNoTracking().Where(t => t.IncidentId == incident.Id).ToListAsync(cancellationToken);
        var entries = own.Select(t => new TimelineDto(t.Id, t.At, t.Kind, t.Text, t.ActorName, t.Source, t.Host, t.Pinned, t.RefId)).ToList();
        var alertEvents = await IncidentGroups.AlertsOf(db, incident)
            .Join(db.AlertEvents, a => a.Id, e => e.AlertId, (a, e) => new { e.Id, e.At, e.Kind, e.ActorName, e.Note, a.Summary })
            .ToListAsync(cancellationToken);
        entries.AddRange(alertEvents.Select(e => new TimelineDto(null, e.At, "alert-" + e.Kind,
            $"Alert '{e.Summary}' {e.Kind}{(e.Kind is AlertEventKinds.Acknowledged or AlertEventKinds.Resolved ? " by " + e.ActorName : "")}{(string.IsNullOrEmpty(e.Note) ? "" : ": " + e.Note)}",
            e.ActorName, "alerts", null, false, null)));
        entries.AddRange(await IncidentGroups.PagesAsync(db, incident.Id, cancellationToken));
        var serviceIds = await ServiceIdsAsync(incident.Id, cancellationToken);
        foreach (var change in await ChangesBeforeAsync(incident, serviceIds, cancellationToken))
            entries.Add(new TimelineDto(null, change.At, "change", $"{change.Kind} on {change.Service}: {change.Summary} ({change.Who})", change.Who, "changes", null, false, change.Id));
        return entries.OrderBy(e => e.At).ThenBy(e => e.Id ?? Guid.Empty).ToList();
    }

    public async Task<IncidentDto> DtoAsync(Incident incident, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var level = severities.Of(incident.Severity);
        var roles = await db.IncidentRoles.AsNoTracking().Where(r => r.IncidentId == incident.Id && r.EndedAt == null).OrderBy(r => r.StartedAt).ToListAsync(cancellationToken);
        var names = await UserNamesAsync(roles.Select(r => r.UserId), cancellationToken);
        var commander = roles.First(r => r.Role == IncidentRole.Commander);
        var services = await db.IncidentServices.AsNoTracking().Where(s => s.IncidentId == incident.Id)
            .Join(db.Services, l => l.ServiceId, s => s.Id, (l, s) => s).OrderBy(s => s.Name).ToListAsync(cancellationToken);
        var alerts = await IncidentGroups.AlertsOf(db, incident)
            .Join(db.Services, a => a.ServiceId, s => s.Id, (a, s) => new LinkedAlertDto(a.Id, a.Summary, a.Status.ToString().ToLowerInvariant(), s.Name, a.FirstSeenAt, a.ResolvedAt))
            .ToListAsync(cancellationToken);
        var actions = await db.IncidentActions.AsNoTracking().Where(a => a.IncidentId == incident.Id).OrderBy(a => a.DecidedAt).ToListAsync(cancellationToken);
        var updates = await db.IncidentUpdates.AsNoTracking().Where(u => u.IncidentId == incident.Id).OrderByDescending(u => u.At).ToListAsync(cancellationToken);
        var changes = await ChangesBeforeAsync(incident, services.Select(s => s.Id).ToList(), cancellationToken);
        var checklist = services.SelectMany(s => s.Checklist().Select(step => services.Count > 1 ? $"{s.Name}: {step}" : step)).ToList();
        var record = incident.Cause is null && incident.WhatHappened is null ? null
            : new RecordDto(incident.WhatHappened, incident.WhatWasDone, incident.FailedAssumptions, incident.WhatShouldChange, incident.Cause);
        return new IncidentDto(
            incident.Id, incident.Number, incident.Title, incident.Severity, SeverityDto.From(level), Lifecycle.Name(incident.Status), incident.TeamId, incident.Summary,
            incident.DeclaredAt, incident.DeclaredBy, incident.StartedAt, incident.AcknowledgedAt, incident.MitigatedAt, incident.ResolvedAt, incident.ClosedAt,
            incident.ResolutionOverride, incident.LastUpdateAt, incident.NextUpdateDueAt, incident.NextUpdateDueAt is { } due && due <= now,
            commander.UserId, names.GetValueOrDefault(commander.UserId, "?"),
            roles.Select(r => new PersonRoleDto(r.UserId, names.GetValueOrDefault(r.UserId, "?"), Roles.Name(r.Role), r.StartedAt)).ToList(),
            services.Select(s => new ServiceRefDto(s.Id, s.Name)).ToList(),
            checklist, alerts, actions.Select(ActionDto.From).ToList(), updates.Select(UpdateDto.From).ToList(), changes,
            await ResolutionAsync(incident, cancellationToken), record, incident.PostmortemRequired,
            (await db.IncidentChannels.AsNoTracking().Where(c => c.IncidentId == incident.Id).OrderBy(c => c.AddedAt).ThenBy(c => c.Id).ToListAsync(cancellationToken)).Select(ChannelDto.From).ToList());
    }

    public async Task<List<EvidenceDto>> EvidenceAsync(Guid incidentId, bool withDocument, CancellationToken cancellationToken)
    {
        var rows = await db.IncidentEvidence.AsNoTracking().Where(e => e.IncidentId == incidentId).OrderByDescending(e => e.TakenAt).ToListAsync(cancellationToken);
        return rows.Select(e => ToDto(e, withDocument)).ToList();
    }

    public static EvidenceDto ToDto(IncidentEvidence e, bool withDocument) => new(
        e.Id, e.Kind, e.Host, e.TakenAt, e.AddedAt, e.AddedBy,
        JsonSerializer.Deserialize<List<FindingDto>>(e.Findings, JsonSerializerOptions.Web) ?? [],
        withDocument ? StoredText.Json(e.Document) : null);
}
