using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Alerts;
using Steady.Core.Services;
using Steady.Server.Features.Paging;

namespace Steady.Server.Features.Alerts;

/// <summary>
/// The fold: how an incoming event changes its service's alerts and groups — a repeat, a new alert or
/// occurrence in its group, an acknowledgement or resolution through <see cref="AlertTransitions"/>,
/// silences and maintenance, flapping. What it adds is written by the write path (<c>AlertStore.cs</c>).
/// </summary>
public sealed partial class AlertStore
{
    /// <summary>Folds one incoming event of the batch into its service's alerts and groups.</summary>
    private async Task FoldAsync(Service service, IncomingAlert incoming, Batch batch, RunChanges runs, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var key = (service.Id, incoming.DedupKey);
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
                Record(open.Acknowledge(NewEventId(), now, null, Via(incoming)));
                runs.Acknowledged(open.GroupId, Via(incoming), service);
                break;
            case IntakeAction.Resolve when open is not null:
                Record(open.Resolve(batch.GroupOf(open), NewEventId(), now, null, Via(incoming)));
                if (batch.GroupOf(open) is { IsOpen: false } closed)
                    runs.Resolved(closed.Id, Via(incoming));
                batch.Open.Remove(key);
                batch.ResolvedHere.Add(key);
                await CheckFlappingAsync(service, open, batch, now, cancellationToken);
                break;
        }
    }

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

    private static string Via(IncomingAlert incoming) => incoming.Format switch
    {
        "events" => "PagerDuty Events API",
        "alertmanager" => "Alertmanager",
        "grafana" => "Grafana",
        "heartbeat" => "heartbeat",
        "check" => "check",
        _ => "intake",
    };
}
