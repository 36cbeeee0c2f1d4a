using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Alerts;
using Steady.Server.Data;
using Steady.Server.Features.Paging;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Alerts;

/// <summary>
/// Silences and maintenance windows coming and going over open alerts, the one home of both edges.
/// One that starts covers the open alerts it matches: they are marked, and their run stops at its
/// next step. One that ends (its time ran out, or a person ended it) takes its mark off its alerts:
/// those still triggered that no other silence or window covers page from then on — their group's
/// escalation starts, as for an alert that just fired, the way Alertmanager notifies for alerts still
/// firing when a silence expires. In a group someone acknowledged meanwhile, such an alert is one nobody
/// was told of: it joins that group as a new alert does (the acknowledger is paged, or the group triggers
/// again), never silently. Acknowledged alerts only lose the mark. Each silence and window is
/// applied once and lifted once (claimed by a conditional update, so nodes never both do it).
/// </summary>
public sealed class Suppressions(
    SteadyDb db, AlertStore store, StepPlanner planner, TimeProvider time,
    WakeSignal<EscalationWorker> engine, WakeSignal<DeliveryWorker> deliveries, WakeSignal<SuppressionWorker> worker)
{
    private const int BatchSize = 100;

    /// <summary>A silence was made: it covers the matching open alerts now if it has started, else the worker does when it starts.</summary>
    public async Task StartedAsync(Silence silence, CancellationToken cancellationToken)
    {
        if (silence.IsActiveAt(time.GetUtcNow()))
            await ApplyAsync([silence], [], cancellationToken);
        worker.Wake();
    }

    /// <summary>A maintenance window was planned: it covers the service's open alerts now if it has started, else the worker does when it starts.</summary>
    public async Task StartedAsync(MaintenanceWindow window, CancellationToken cancellationToken)
    {
        if (window.IsActiveAt(time.GetUtcNow()))
            await ApplyAsync([], [window], cancellationToken);
        worker.Wake();
    }

    /// <summary>A person expired a silence: its alerts lose the mark now. Returns how many of them page.</summary>
    public Task<int> EndedAsync(Silence silence, CancellationToken cancellationToken) => LiftAsync([silence], [], cancellationToken);

    /// <summary>A person ended a maintenance window: its alerts lose the mark now. Returns how many of them page.</summary>
    public Task<int> EndedAsync(MaintenanceWindow window, CancellationToken cancellationToken) => LiftAsync([], [window], cancellationToken);

    /// <summary>Applies what has started and lifts what has ended; returns when the next one falls due.</summary>
    public async Task<DateTimeOffset?> RunDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var starting = await db.Silences.AsNoTracking().Where(s => s.AppliedAt == null && s.StartsAt <= now).OrderBy(s => s.StartsAt).Take(BatchSize).ToListAsync(cancellationToken);
        var startingWindows = await db.MaintenanceWindows.AsNoTracking().Where(m => m.AppliedAt == null && m.StartsAt <= now).OrderBy(m => m.StartsAt).Take(BatchSize).ToListAsync(cancellationToken);
        if (starting.Count > 0 || startingWindows.Count > 0)
            await ApplyAsync(starting, startingWindows, cancellationToken);
        var ending = await db.Silences.AsNoTracking().Where(s => s.LiftedAt == null && s.EndsAt <= now).OrderBy(s => s.EndsAt).Take(BatchSize).ToListAsync(cancellationToken);
        var endingWindows = await db.MaintenanceWindows.AsNoTracking().Where(m => m.LiftedAt == null && m.EndsAt <= now).OrderBy(m => m.EndsAt).Take(BatchSize).ToListAsync(cancellationToken);
        if (ending.Count > 0 || endingWindows.Count > 0)
            await LiftAsync(ending, endingWindows, cancellationToken);
        if (new[] { starting.Count, startingWindows.Count, ending.Count, endingWindows.Count }.Any(n => n == BatchSize))
            return now; // more of them: go on at once

        static DateTimeOffset? Earliest(params DateTimeOffset?[] times) => times.Min();
        return Earliest(
            await db.Silences.Where(s => s.AppliedAt == null).OrderBy(s => s.StartsAt).Select(s => (DateTimeOffset?)s.StartsAt).FirstOrDefaultAsync(cancellationToken),
            await db.Silences.Where(s => s.LiftedAt == null).OrderBy(s => s.EndsAt).Select(s => (DateTimeOffset?)s.EndsAt).FirstOrDefaultAsync(cancellationToken),
            await db.MaintenanceWindows.Where(m => m.AppliedAt == null).OrderBy(m => m.StartsAt).Select(m => (DateTimeOffset?)m.StartsAt).FirstOrDefaultAsync(cancellationToken),
            await db.MaintenanceWindows.Where(m => m.LiftedAt == null).OrderBy(m => m.EndsAt).Select(m => (DateTimeOffset?)m.EndsAt).FirstOrDefaultAsync(cancellationToken));
    }

    /// <summary>Covers the open alerts of silences and windows that have started (those already over cover nothing, but count as applied).</summary>
    private async Task ApplyAsync(IReadOnlyList<Silence> silences, IReadOnlyList<MaintenanceWindow> windows, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            foreach (var silence in silences)
            {
                var claimed = await db.Silences.Where(s => s.Id == silence.Id && s.AppliedAt == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.AppliedAt, now), cancellationToken);
                if (claimed == 1 && silence.IsActiveAt(now))
                    await store.SuppressOpenAsync(silence.ServiceId, [silence], [], cancellationToken);
            }
            foreach (var window in windows)
            {
                var claimed = await db.MaintenanceWindows.Where(m => m.Id == window.Id && m.AppliedAt == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(m => m.AppliedAt, now), cancellationToken);
                if (claimed == 1 && window.IsActiveAt(now))
                    await store.SuppressOpenAsync(window.ServiceId, [], [window], cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear(); // intake changed one of the alerts meanwhile: all of it again on the worker's next pass
            worker.Wake();
        }
    }

    /// <summary>
    /// Takes the marks of ended silences and windows off their open alerts, in one transaction with the
    /// escalation runs of those that page now. Returns how many alerts page.
    /// </summary>
    private async Task<int> LiftAsync(IReadOnlyList<Silence> silences, IReadOnlyList<MaintenanceWindow> windows, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var paging = 0;
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var ended = new Dictionary<Guid, string>();
            foreach (var silence in silences)
            {
                if (await db.Silences.Where(s => s.Id == silence.Id && s.LiftedAt == null).ExecuteUpdateAsync(u => u.SetProperty(s => s.LiftedAt, now), cancellationToken) == 1)
                    ended[silence.Id] = silence.Reason;
            }
            foreach (var window in windows)
            {
                if (await db.MaintenanceWindows.Where(m => m.Id == window.Id && m.LiftedAt == null).ExecuteUpdateAsync(u => u.SetProperty(m => m.LiftedAt, now), cancellationToken) == 1)
                    ended[window.Id] = window.Reason;
            }
            var ids = ended.Keys.ToList();
            var alerts = ids.Count == 0 ? [] : await db.Alerts.Where(a => a.SilencedBy != null && ids.Contains(a.SilencedBy.Value) && a.Status != AlertStatus.Resolved).ToListAsync(cancellationToken);
            if (ids.Count > 0)
            {
                var known = alerts.Select(a => a.Id).ToHashSet();
                alerts.AddRange((await db.Alerts.Where(a => a.MaintenanceId != null && ids.Contains(a.MaintenanceId.Value) && a.Status != AlertStatus.Resolved).ToListAsync(cancellationToken))
                    .Where(a => !known.Contains(a.Id)));
            }
            if (alerts.Count > 0)
                paging = await UnmarkAsync(alerts, ended, now, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear(); // intake changed one of the alerts meanwhile: the worker lifts it on its next pass
            worker.Wake();
            return 0;
        }
        if (paging > 0)
        {
            engine.Wake();
            deliveries.Wake(); // pages to people who acknowledged a group one of these alerts is in
        }
        return paging;
    }

    private async Task<int> UnmarkAsync(List<Alert> alerts, Dictionary<Guid, string> ended, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var serviceIds = alerts.Select(a => a.ServiceId).Distinct().ToList();
        var groupIds = alerts.Select(a => a.GroupId).Distinct().ToList();
        // Whatever else covers these services now: an alert one of them matches stays quiet, marked by it.
        var silences = await db.Silences.AsNoTracking()
            .Where(s => s.StartsAt <= now && s.EndsAt > now && (s.ServiceId == null || serviceIds.Contains(s.ServiceId.Value))).ToListAsync(cancellationToken);
        var windows = await db.MaintenanceWindows.AsNoTracking()
            .Where(m => m.StartsAt <= now && m.EndsAt > now && serviceIds.Contains(m.ServiceId)).ToListAsync(cancellationToken);
        var groups = await db.AlertGroups.Where(g => groupIds.Contains(g.Id)).ToDictionaryAsync(g => g.Id, cancellationToken);
        var services = await db.Services.AsNoTracking().Where(s => serviceIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, cancellationToken);
        var runs = new RunChanges();
        var paging = 0;
        var outcomes = new List<(Alert Alert, List<(string Kind, string Reason)> Lifted, bool Pages)>();
        foreach (var alert in alerts)
        {
            var lifted = new List<(string Kind, string Reason)>();
            if (alert.SilencedBy is { } silence && ended.TryGetValue(silence, out var silenceReason))
            {
                alert.SilencedBy = null;
                lifted.Add((AlertEventKinds.SilenceEnded, silenceReason));
            }
            if (alert.MaintenanceId is { } window && ended.TryGetValue(window, out var windowReason))
            {
                alert.MaintenanceId = null;
                lifted.Add((AlertEventKinds.MaintenanceEnded, windowReason));
            }
            var labels = JsonSerializer.Deserialize<Dictionary<string, string>>(alert.Labels) ?? [];
            store.Suppress(alert, labels, silences, windows, now);
            var pages = alert.Status == AlertStatus.Triggered && !alert.IsSuppressed;
            alert.Version++;
            outcomes.Add((alert, lifted, pages));
        }
        // Nobody was told of an alert while it was quiet: to its group it is a new alert, compared with what the
        // group held besides (what people were told of): one more severe than all of that re-triggers an
        // acknowledged group, as a new alert joining it does.
        var quiet = outcomes.Where(o => o.Pages).Select(o => o.Alert.Id).ToList();
        var worst = quiet.Count == 0 ? [] : (await db.Alerts.AsNoTracking()
                .Where(a => groupIds.Contains(a.GroupId) && !quiet.Contains(a.Id))
                .Select(a => new { a.GroupId, a.Severity }).ToListAsync(cancellationToken))
            .GroupBy(a => a.GroupId).ToDictionary(g => g.Key, g => g.Max(a => a.Severity));
        foreach (var (alert, _, pages) in outcomes)
        {
            if (pages && groups.GetValueOrDefault(alert.GroupId) is { } group && services.GetValueOrDefault(alert.ServiceId) is { } service)
            {
                runs.Triggered(group, service, alert, worst.GetValueOrDefault(group.Id, Severity.Info));
                paging++;
            }
        }
        await runs.ApplyAsync(db, now, cancellationToken, planner);
        var joined = runs.JoinedAcknowledgedGroups.ToDictionary(j => j.Alert.Id, j => j.Note);
        var restarted = runs.RestartedEndedRuns.ToDictionary(j => j.Alert.Id, j => j.Note);
        foreach (var (alert, lifted, pages) in outcomes)
        {
            var note = joined.GetValueOrDefault(alert.Id);
            var outcome = !pages ? alert.IsSuppressed ? "still covered by another silence or maintenance window" : "acknowledged, so nobody is paged"
                : note is not null ? "still triggered, in a group acknowledged meanwhile"
                : "still triggered, so it pages now";
            foreach (var (kind, reason) in lifted)
                store.History(alert, kind, now, null, "steady", $"{reason} — ended; {outcome}");
            if (note is not null)
                store.History(alert, AlertEventKinds.JoinedAcknowledgedGroup, now, null, "steady", note);
            if (restarted.GetValueOrDefault(alert.Id) is { } started)
                store.History(alert, AlertEventKinds.Paging, now, null, "steady", started);
        }
        return paging;
    }
}

/// <summary>
/// Applies silences and maintenance windows as they start and lifts them as they end, asleep until
/// the next start or end (or a wake-up when one is made); the sweep catches those another node made.
/// </summary>
public sealed class SuppressionWorker(IServiceScopeFactory scopes, WakeSignal<SuppressionWorker> signal, TimeProvider time, ILogger<SuppressionWorker> logger)
    : DueTimeWorker<SuppressionWorker>(signal, time, logger)
{
    protected internal override async Task<DateTimeOffset?> RunDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<AuditContext>().Set(null, "steady");
        return await scope.ServiceProvider.GetRequiredService<Suppressions>().RunDueAsync(cancellationToken);
    }
}
