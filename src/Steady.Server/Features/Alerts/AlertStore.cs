using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Alerts;
using Steady.Core.Services;
using Steady.Server.Data;
using Steady.Server.Features.Paging;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Alerts;

/// <summary>An incoming alert event for a service, as queued by intake, heartbeats and checks.</summary>
public sealed record ServiceEvent(Guid ServiceId, IncomingAlert Alert);

/// <summary>
/// Folds a batch of incoming events into alerts in one transaction: dedup by (service, dedup key),
/// occurrences, groups, silences, maintenance, flapping and history. Events apply in order, so
/// a trigger then a resolve in one batch ends resolved. A new alert joining an acknowledged group
/// pages whoever acknowledged it (or triggers the group again) in the same transaction.
/// </summary>
public sealed class AlertStore(SteadyDb db, TimeProvider time, StepPlanner planner, WakeSignal<DeliveryWorker> deliveries)
{
    /// <summary>
    /// New alerts and history rows of the intake batch being applied on SQLite, kept out of the change
    /// tracker and written by <see cref="SqliteBatchWriter"/>; null elsewhere (they go to the context).
    /// </summary>
    private List<object>? _inserts;

    public async Task ApplyAsync(IReadOnlyList<ServiceEvent> events, CancellationToken cancellationToken)
    {
        _inserts = db.IsSqlite ? [] : null;
        try
        {
            await ApplyBatchAsync(events, cancellationToken);
        }
        finally
        {
            _inserts = null;
        }
    }

    private async Task ApplyBatchAsync(IReadOnlyList<ServiceEvent> events, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var batch = await Batch.LoadAsync(db, events, now, cancellationToken);
        var runs = new RunChanges();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var (serviceId, incoming) in events)
        {
            if (!batch.Services.TryGetValue(serviceId, out var service))
                continue; // deleted since the request was accepted; nothing to attach the alert to
            var key = (serviceId, incoming.DedupKey);
            batch.Open.TryGetValue(key, out var open);
            switch (incoming.Action)
            {
                case IntakeAction.Trigger when open is not null:
                    Repeat(open, incoming, batch, now);
                    break;
                case IntakeAction.Trigger:
                    if (batch.ResolvedHere.Contains(key))
                    {
                        // The occurrence this one follows was resolved in this batch: write that first, so the
                        // "one open occurrence per key" index never sees two.
                        await SaveAsync(cancellationToken, more: true);
                        batch.ResolvedHere.Remove(key);
                    }
                    await TriggerAsync(service, incoming, batch, runs, now, cancellationToken);
                    break;
                case IntakeAction.Acknowledge when open is { Status: AlertStatus.Triggered }:
                    open.Status = AlertStatus.Acknowledged;
                    open.AcknowledgedAt = now;
                    open.AcknowledgedBy = Via(incoming);
                    open.Version++;
                    History(open, AlertEventKinds.Acknowledged, now, null, Via(incoming));
                    runs.Acknowledged(open.GroupId, Via(incoming), service);
                    break;
                case IntakeAction.Resolve when open is not null:
                    Resolve(open, batch.GroupOf(open), now, null, Via(incoming));
                    if (batch.GroupOf(open) is { IsOpen: false } closed)
                        runs.Resolved(closed.Id, Via(incoming));
                    batch.Open.Remove(key);
                    batch.ResolvedHere.Add(key);
                    await CheckFlappingAsync(service, open, batch, now, cancellationToken);
                    break;
            }
        }
        await runs.ApplyAsync(db, now, cancellationToken, planner);
        foreach (var (alert, note) in runs.JoinedAcknowledgedGroups)
            History(alert, AlertEventKinds.JoinedAcknowledgedGroup, now, null, "steady", note);
        await SaveAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (runs.Planned > 0)
            deliveries.Wake(); // the acknowledger's page goes now, not at the next sweep
    }

    /// <summary>
    /// Writes the batch: on SQLite through prepared statements reused row after row (the intake hot path:
    /// EF's SaveChanges prepares a new statement per row), elsewhere through SaveChanges, which batches
    /// the rows into few round trips on PostgreSQL.
    /// </summary>
    private async Task SaveAsync(CancellationToken cancellationToken, bool more = false)
    {
        var inserts = _inserts ?? [];
        if (db.IsSqlite)
        {
            // Entries() detects the changes to the tracked alerts and groups first.
            var pending = db.ChangeTracker.Entries().Where(e => e.State != EntityState.Unchanged).ToList();
            if (SqliteBatchWriter.CanWrite(pending, WriteOrder))
            {
                await SqliteBatchWriter.WriteAsync(db, pending, inserts, WriteOrder, cancellationToken);
                if (more)
                {
                    // The rest of the batch may still change the alerts just written: track them from here on.
                    foreach (var alert in inserts.OfType<Alert>())
                        db.Attach(alert);
                }
                inserts.Clear();
                return;
            }
        }
        db.AddRange(inserts);
        inserts.Clear();
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Groups before their escalation runs and the alerts that belong to them, alerts before their history and the pages about them.</summary>
    private static readonly Type[] WriteOrder = [typeof(AlertGroup), typeof(Steady.Core.Paging.EscalationRunRecord), typeof(Alert), typeof(AlertEvent), typeof(Steady.Core.Paging.Delivery)];

    private void Repeat(Alert alert, IncomingAlert incoming, Batch batch, DateTimeOffset now)
    {
        alert.LastSeenAt = now;
        alert.EventCount++;
        alert.Summary = incoming.Summary;
        alert.Severity = incoming.Severity;
        alert.Source = incoming.Source ?? alert.Source;
        alert.Labels = incoming.LabelsJson;
        alert.Details = incoming.Details ?? alert.Details;
        if (incoming.LinksJson is { } links)
            alert.Links = links;
        alert.Version++;
        Suppress(alert, incoming.Labels, batch.Silences, batch.Maintenance, now);
        var group = batch.GroupOf(alert);
        if (group is not null)
        {
            group.LastAlertAt = now;
            group.Version++;
        }
    }

    /// <summary>
    /// Marks an open alert silenced or in maintenance when a silence or window in force covers it and it
    /// is not marked yet: on trigger, on repeat, and when the silence or window is created.
    /// </summary>
    internal bool Suppress(Alert alert, IReadOnlyDictionary<string, string> labels, IEnumerable<Silence> silences, IEnumerable<MaintenanceWindow> windows, DateTimeOffset now)
    {
        var changed = false;
        if (alert.SilencedBy is null && silences.FirstOrDefault(s => s.IsActiveAt(now) && s.Matches(alert.ServiceId, labels)) is { } silence)
        {
            alert.SilencedBy = silence.Id;
            History(alert, AlertEventKinds.Silenced, now, null, silence.CreatedBy, silence.Reason);
            changed = true;
        }
        if (alert.MaintenanceId is null && windows.FirstOrDefault(m => m.IsActiveAt(now) && m.ServiceId == alert.ServiceId) is { } window)
        {
            alert.MaintenanceId = window.Id;
            History(alert, AlertEventKinds.Maintenance, now, null, window.CreatedBy, window.Reason);
            changed = true;
        }
        return changed;
    }

    /// <summary>Applies a new silence or maintenance window to the alerts already open on the services it covers.</summary>
    public async Task<int> SuppressOpenAsync(Guid? serviceId, IReadOnlyList<Silence> silences, IReadOnlyList<MaintenanceWindow> windows, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var query = db.Alerts.Where(a => a.Status != AlertStatus.Resolved);
        if (serviceId is { } id)
            query = query.Where(a => a.ServiceId == id);
        var marked = 0;
        foreach (var alert in await query.ToListAsync(cancellationToken))
        {
            var labels = JsonSerializer.Deserialize<Dictionary<string, string>>(alert.Labels) ?? [];
            if (Suppress(alert, labels, silences, windows, now))
            {
                alert.Version++;
                marked++;
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        return marked;
    }

    private async Task TriggerAsync(Service service, IncomingAlert incoming, Batch batch, RunChanges runs, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = batch.SettingsOf(service);
        var previous = await batch.PreviousAsync(db, service.Id, incoming.DedupKey, cancellationToken);
        var group = Group(service, settings, incoming, batch, now);
        // New to the group: no earlier occurrence of its key was in it. Joining a group someone acknowledged, it must still reach a person.
        var joined = previous?.GroupId != group.Id && group.AlertCount > 0;
        var groupWorst = group.Severity;
        var alert = new Alert
        {
            Id = Ids.New(time),
            ServiceId = service.Id,
            GroupId = group.Id,
            DedupKey = incoming.DedupKey,
            Occurrence = (previous?.Occurrence ?? 0) + 1,
            PreviousId = previous?.Id,
            Status = AlertStatus.Triggered,
            Severity = incoming.Severity,
            Summary = incoming.Summary,
            Source = incoming.Source,
            Labels = incoming.LabelsJson,
            Details = incoming.Details,
            Links = incoming.LinksJson,
            Format = incoming.Format,
            FirstSeenAt = now,
            LastSeenAt = now,
        };
        Insert(alert);
        batch.Open[(service.Id, incoming.DedupKey)] = alert;
        batch.Previous[(service.Id, incoming.DedupKey)] = (alert.Id, alert.Occurrence, group.Id);
        group.AlertCount++;
        group.OpenCount++;
        group.LastAlertAt = now;
        if (incoming.Severity > group.Severity)
            group.Severity = incoming.Severity;
        group.Version++;
        History(alert, previous is null ? AlertEventKinds.Triggered : AlertEventKinds.Reopened, now, null, Via(incoming),
            previous is null ? null : $"occurrence {alert.Occurrence}, after {previous.Value.Occurrence}");

        Suppress(alert, incoming.Labels, batch.Silences, batch.Maintenance, now);
        if (previous is not null)
            await CheckFlappingAsync(service, alert, batch, now, cancellationToken);
        if (!alert.IsSuppressed)
            runs.Triggered(group, service, joined ? alert : null, groupWorst);
    }

    private AlertGroup Group(Service service, AlertSettings settings, IncomingAlert incoming, Batch batch, DateTimeOffset now)
    {
        var (key, labels, title) = batch.GroupKeyOf(service, incoming);
        var group = batch.LatestGroup(service.Id, key);
        if (group is not null && Grouping.Joins(group, now, settings.GroupWindow))
        {
            if (!group.IsOpen)
            {
                // Reopened by a new alert: its title and severity are that alert's (a page must not name a problem that resolved).
                group.IsOpen = true;
                group.ResolvedAt = null;
                group.Title = title;
                group.Severity = incoming.Severity;
            }
            return group;
        }
        group = new AlertGroup
        {
            Id = Ids.New(time),
            ServiceId = service.Id,
            GroupKey = key,
            Labels = labels,
            Title = title,
            OpenedAt = now,
            LastAlertAt = now,
            Severity = incoming.Severity,
        };
        db.AlertGroups.Add(group);
        batch.AddGroup(group);
        return group;
    }

    /// <summary>Resolves an open alert, closing its group when it was the group's last open alert.</summary>
    internal void Resolve(Alert alert, AlertGroup? group, DateTimeOffset now, Guid? actorId, string actorName, string? note = null)
    {
        alert.Status = AlertStatus.Resolved;
        alert.ResolvedAt = now;
        alert.ResolvedById = actorId;
        alert.ResolvedBy = actorName;
        alert.Version++;
        History(alert, AlertEventKinds.Resolved, now, actorId, actorName, note);
        if (group is null)
            return;
        group.OpenCount = Math.Max(0, group.OpenCount - 1);
        if (group.OpenCount == 0)
        {
            group.IsOpen = false;
            group.ResolvedAt = now;
        }
        group.Version++;
    }

    private async Task CheckFlappingAsync(Service service, Alert alert, Batch batch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = batch.SettingsOf(service);
        if (settings.FlapThreshold <= 0)
            return;
        var since = now - settings.FlapWindow;
        var key = (service.Id, alert.DedupKey);
        var saved = await db.AlertEvents.CountAsync(
            e => e.ServiceId == service.Id && e.DedupKey == alert.DedupKey && e.At >= since && AlertEventKinds.StateChanges.Contains(e.Kind),
            cancellationToken);
        var pending = db.ChangeTracker.Entries<AlertEvent>().Where(e => e.State == EntityState.Added).Select(e => e.Entity)
            .Concat(_inserts?.OfType<AlertEvent>() ?? [])
            .Count(e => e.ServiceId == service.Id && e.DedupKey == alert.DedupKey && AlertEventKinds.StateChanges.Contains(e.Kind));
        if (!Grouping.IsFlapping(saved + pending, settings.FlapThreshold))
            return;
        var group = batch.GroupOf(alert);
        var wasFlapping = alert.Flapping || (group?.IsFlappingAt(now) ?? false);
        alert.Flapping = true;
        if (group is not null)
        {
            group.FlappingUntil = now + settings.FlapWindow;
            group.Version++;
        }
        if (!wasFlapping && batch.FlappingNoted.Add(key))
            History(alert, AlertEventKinds.Flapping, now, null, "steady", $"{saved + pending} state changes in {settings.FlapWindow.TotalMinutes:0} minutes; notifications held until it settles");
    }

    /// <summary>A new row: kept for the batch writer during an intake batch on SQLite, otherwise added to the context.</summary>
    private void Insert(object entity)
    {
        if (_inserts is not null)
            _inserts.Add(entity);
        else
            db.Add(entity);
    }

    internal void History(Alert alert, string kind, DateTimeOffset now, Guid? actorId, string actorName, string? note = null) =>
        Insert(new AlertEvent
        {
            Id = Ids.New(time),
            AlertId = alert.Id,
            ServiceId = alert.ServiceId,
            DedupKey = alert.DedupKey,
            At = now,
            Kind = kind,
            ActorId = actorId,
            ActorName = actorName,
            Note = note,
        });

    private static string Via(IncomingAlert incoming) => incoming.Format switch
    {
        "events" => "PagerDuty Events API",
        "alertmanager" => "Alertmanager",
        "grafana" => "Grafana",
        "heartbeat" => "heartbeat",
        "check" => "check",
        _ => "intake",
    };

    /// <summary>Everything a batch needs, loaded with a few queries up front.</summary>
    private sealed class Batch
    {
        public Dictionary<Guid, Service> Services { get; private set; } = [];

        public Dictionary<(Guid, string), Alert> Open { get; private set; } = [];

        public Dictionary<(Guid, string), (Guid Id, int Occurrence, Guid GroupId)> Previous { get; } = [];

        public HashSet<(Guid, string)> ResolvedHere { get; } = [];

        public HashSet<(Guid, string)> FlappingNoted { get; } = [];

        /// <summary>The groups the batch may touch, by id: those of its open alerts, and the open or recent ones with its new alerts' keys.</summary>
        private readonly Dictionary<Guid, AlertGroup> _groups = [];

        /// <summary>The latest of those groups per service and group key.</summary>
        private readonly Dictionary<(Guid, string), AlertGroup> _latest = [];

        /// <summary>Each new alert's group key, worked out once (while loading, to load only the groups with those keys).</summary>
        private readonly Dictionary<IncomingAlert, GroupKey> _groupKeys = new(ReferenceEqualityComparer.Instance);

        public List<Silence> Silences { get; private set; } = [];

        public List<MaintenanceWindow> Maintenance { get; private set; } = [];

        /// <summary>Keys without an open alert that have earlier occurrences, with the latest occurrence number.</summary>
        private Dictionary<(Guid, string), int> _history = [];

        public AlertGroup? GroupOf(Alert alert) => _groups.GetValueOrDefault(alert.GroupId);

        public AlertGroup? LatestGroup(Guid serviceId, string groupKey) => _latest.GetValueOrDefault((serviceId, groupKey));

        public void AddGroup(AlertGroup group)
        {
            _groups[group.Id] = group;
            if (!_latest.TryGetValue((group.ServiceId, group.GroupKey), out var latest) || group.LastAlertAt > latest.LastAlertAt)
                _latest[(group.ServiceId, group.GroupKey)] = group;
        }

        public GroupKey GroupKeyOf(Service service, IncomingAlert incoming)
        {
            if (!_groupKeys.TryGetValue(incoming, out var key))
                _groupKeys[incoming] = key = Grouping.KeyFor(SettingsOf(service).GroupBy, incoming);
            return key;
        }

        private readonly Dictionary<Guid, AlertSettings> _settings = [];

        /// <summary>A service's grouping and flapping settings, read (from their JSON) once per batch.</summary>
        public AlertSettings SettingsOf(Service service)
        {
            if (!_settings.TryGetValue(service.Id, out var settings))
                _settings[service.Id] = settings = service.AlertSettings();
            return settings;
        }

        // The writer runs these for every batch: compiled once, they skip EF's per-query translation work.
        private static readonly Func<SteadyDb, List<Guid>, IAsyncEnumerable<Service>> ServicesQuery = EF.CompileAsyncQuery(
            (SteadyDb db, List<Guid> serviceIds) => db.Services.AsNoTracking().Where(s => serviceIds.Contains(s.Id)));

        private static readonly Func<SteadyDb, List<Guid>, List<string>, IAsyncEnumerable<Alert>> OpenQuery = EF.CompileAsyncQuery(
            (SteadyDb db, List<Guid> serviceIds, List<string> keys) => db.Alerts
                .Where(a => a.Status != AlertStatus.Resolved && serviceIds.Contains(a.ServiceId) && keys.Contains(a.DedupKey)));

        // Two queries rather than one with OR, so each is an index lookup (service and key; id) whatever the service holds.
        private static readonly Func<SteadyDb, List<Guid>, List<string>, DateTimeOffset, IAsyncEnumerable<AlertGroup>> GroupsByKeyQuery = EF.CompileAsyncQuery(
            (SteadyDb db, List<Guid> serviceIds, List<string> groupKeys, DateTimeOffset cutoff) => db.AlertGroups
                .Where(g => serviceIds.Contains(g.ServiceId) && groupKeys.Contains(g.GroupKey) && (g.IsOpen || g.LastAlertAt >= cutoff)));

        private static readonly Func<SteadyDb, List<Guid>, IAsyncEnumerable<AlertGroup>> GroupsByIdQuery = EF.CompileAsyncQuery(
            (SteadyDb db, List<Guid> groupIds) => db.AlertGroups.Where(g => groupIds.Contains(g.Id)));

        private static readonly Func<SteadyDb, DateTimeOffset, List<Guid>, IAsyncEnumerable<Silence>> SilencesQuery = EF.CompileAsyncQuery(
            (SteadyDb db, DateTimeOffset now, List<Guid> serviceIds) => db.Silences.AsNoTracking()
                .Where(s => s.StartsAt <= now && s.EndsAt > now && (s.ServiceId == null || serviceIds.Contains(s.ServiceId.Value))));

        private static readonly Func<SteadyDb, DateTimeOffset, List<Guid>, IAsyncEnumerable<MaintenanceWindow>> MaintenanceQuery = EF.CompileAsyncQuery(
            (SteadyDb db, DateTimeOffset now, List<Guid> serviceIds) => db.MaintenanceWindows.AsNoTracking()
                .Where(m => m.StartsAt <= now && m.EndsAt > now && serviceIds.Contains(m.ServiceId)));

        private static readonly Func<SteadyDb, List<Guid>, List<string>, IAsyncEnumerable<LatestOccurrence>> HistoryQuery = EF.CompileAsyncQuery(
            (SteadyDb db, List<Guid> serviceIds, List<string> keys) => db.Alerts.AsNoTracking()
                .Where(a => serviceIds.Contains(a.ServiceId) && keys.Contains(a.DedupKey))
                .GroupBy(a => new { a.ServiceId, a.DedupKey })
                .Select(g => new LatestOccurrence(g.Key.ServiceId, g.Key.DedupKey, g.Max(a => a.Occurrence))));

        private sealed record LatestOccurrence(Guid ServiceId, string DedupKey, int Occurrence);

        public static async Task<Batch> LoadAsync(SteadyDb db, IReadOnlyList<ServiceEvent> events, DateTimeOffset now, CancellationToken cancellationToken)
        {
            var serviceIds = events.Select(e => e.ServiceId).Distinct().ToList();
            var keys = events.Select(e => e.Alert.DedupKey).Distinct().ToList();
            var services = await ServicesQuery(db, serviceIds).ToListAsync(cancellationToken);
            var open = await OpenQuery(db, serviceIds, keys).ToListAsync(cancellationToken);
            var longestWindow = services.Select(s => s.GroupWindowSeconds).DefaultIfEmpty(0).Max();
            var cutoff = now.AddSeconds(-longestWindow);
            var batch = new Batch();
            var byId = services.ToDictionary(s => s.Id);
            var groupKeys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (serviceId, incoming) in events)
            {
                if (incoming.Action == IntakeAction.Trigger && byId.TryGetValue(serviceId, out var service))
                    groupKeys.Add(batch.GroupKeyOf(service, incoming).Key);
            }
            var groupIds = open.Select(a => a.GroupId).Distinct().ToList();
            // Tracked: a group both queries return is one instance.
            var groups = groupKeys.Count == 0 ? [] : await GroupsByKeyQuery(db, serviceIds, groupKeys.ToList(), cutoff).ToListAsync(cancellationToken);
            if (groupIds.Count > 0)
                groups.AddRange(await GroupsByIdQuery(db, groupIds).ToListAsync(cancellationToken));
            var silences = await SilencesQuery(db, now, serviceIds).ToListAsync(cancellationToken);
            var maintenance = await MaintenanceQuery(db, now, serviceIds).ToListAsync(cancellationToken);
            var openKeys = open.Select(a => a.DedupKey).ToHashSet(StringComparer.Ordinal);
            var closedKeys = keys.Where(k => !openKeys.Contains(k)).ToList();
            var history = closedKeys.Count == 0 ? [] : await HistoryQuery(db, serviceIds, closedKeys).ToListAsync(cancellationToken);
            batch._history = history.ToDictionary(h => (h.ServiceId, h.DedupKey), h => h.Occurrence);
            batch.Services = byId;
            batch.Open = open.ToDictionary(a => (a.ServiceId, a.DedupKey));
            batch.Silences = silences;
            batch.Maintenance = maintenance;
            foreach (var group in groups)
                batch.AddGroup(group);
            return batch;
        }

        /// <summary>The latest earlier occurrence of a key (and its group), so a new one can follow it.</summary>
        public async Task<(Guid Id, int Occurrence, Guid GroupId)?> PreviousAsync(SteadyDb db, Guid serviceId, string dedupKey, CancellationToken cancellationToken)
        {
            var key = (serviceId, dedupKey);
            if (Previous.TryGetValue(key, out var known))
                return known;
            if (!_history.TryGetValue(key, out var occurrence))
                return null;
            var found = await db.Alerts.AsNoTracking()
                .Where(a => a.ServiceId == serviceId && a.DedupKey == dedupKey && a.Occurrence == occurrence)
                .Select(a => new { a.Id, a.GroupId })
                .FirstAsync(cancellationToken);
            return Previous[key] = (found.Id, occurrence, found.GroupId);
        }
    }
}
