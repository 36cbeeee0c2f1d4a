using Microsoft.EntityFrameworkCore;
using Steady.Core.Alerts;
using Steady.Core.Services;
using Steady.Server.Data;

namespace Steady.Server.Features.Alerts;

public sealed partial class AlertStore
{
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
