using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steady.Core.Alerts;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Server.Notify;
using Steady.Core.Paging;

namespace Steady.Server.Features.Paging;

/// <summary>
/// The message for a bundle of deliveries to one contact method: one alert group reads as itself
/// ("Error rate above 5%", 3 alerts), with what the monitoring tool said about its latest alert (the
/// description and other annotations or details); several read as "12 alerts on payments-api". Its key and
/// creation time are the first delivery's, so a retry is the same message (also when its first delivery was
/// cancelled meanwhile: the key is the message's, <see cref="Delivery.SentAs"/>); its acknowledge and
/// resolve links act on every group in it.
/// </summary>
public sealed class MessageBuilder(AckLinks links, Infrastructure.PublicUrls urls, IOptionsMonitor<PagingOptions> options)
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public async Task<(ContactTarget? Target, Notification? Message, string? Problem)> BuildAsync(SteadyDb db, IReadOnlyList<Delivery> rows, CancellationToken cancellationToken)
    {
        var lead = rows.OrderBy(r => r.Id).First();
        var key = lead.SentAs is { } sentAs ? DeliveryKeys.For(sentAs) : lead.IdempotencyKey;
        var method = await db.ContactMethods.AsNoTracking().FirstOrDefaultAsync(m => m.Id == lead.ContactMethodId, cancellationToken);
        if (method is null)
            return (null, null, "the contact method was deleted");
        ContactTarget target;
        try
        {
            target = ContactTarget.FromStored(method.Kind, method.Address, method.Settings);
        }
        catch (FormatException e)
        {
            return (null, null, e.Message);
        }
        if (lead.IncidentId is { } incidentId)
            return (target, await IncidentMessageAsync(db, lead, key, incidentId, cancellationToken), null);
        if (lead.Kind == DeliveryKinds.NewAlertInAcknowledgedGroup)
            return (target, await NewAlertMessageAsync(db, rows, lead, key, cancellationToken), null);
        var groupIds = rows.Select(r => r.GroupId).OfType<Guid>().Distinct().ToList();
        var groups = await db.AlertGroups.AsNoTracking().Where(g => groupIds.Contains(g.Id)).ToListAsync(cancellationToken);
        var serviceIds = groups.Select(g => g.ServiceId).Distinct().ToList();
        var services = await db.Services.AsNoTracking().Where(s => serviceIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        var latest = await db.Alerts.AsNoTracking()
            .Where(a => groupIds.Contains(a.GroupId) && a.Status != AlertStatus.Resolved)
            .OrderByDescending(a => a.LastSeenAt).Take(20).ToListAsync(cancellationToken);
        var first = latest.FirstOrDefault();
        var expires = lead.CreatedAt + options.CurrentValue.LinkLifetime;
        var ack = await links.UrlAsync(LinkAction.Acknowledge, lead.Id, expires, cancellationToken);
        var resolve = await links.UrlAsync(LinkAction.Resolve, lead.Id, expires, cancellationToken);
        var serviceName = string.Join(", ", services.Values.Order());
        var severity = groups.Count == 0 ? Severity.Info : groups.Max(g => g.Severity);
        var count = Math.Max(1, groups.Sum(g => g.OpenCount));
        Notification message;
        if (groups.Count == 1)
        {
            var group = groups[0];
            var alert = latest.FirstOrDefault(a => a.GroupId == group.Id);
            var alertLinks = alert?.Links is { } json ? JsonSerializer.Deserialize<List<AlertLink>>(json, Web) ?? [] : [];
            message = new Notification(
                NotificationKind.Page,
                group.Title,
                alert?.Summary ?? group.Title,
                severity,
                serviceName,
                count,
                alertLinks,
                ack,
                resolve,
                alert is null ? null : new Uri($"{urls.Base()}/alerts/{alert.Id}"),
                key,
                lead.CreatedAt)
            {
                About = alert is null ? AlertDescription.None : AlertDescription.Of(alert),
            };
        }
        else
        {
            var titles = groups.OrderByDescending(g => g.Severity).ThenBy(g => g.Title).Select(g => g.Title).ToList();
            var summary = string.Join("; ", titles.Take(5)) + (titles.Count > 5 ? $"; and {titles.Count - 5} more" : "");
            message = new Notification(
                NotificationKind.Page,
                $"{count} alerts on {serviceName}",
                summary,
                severity,
                serviceName,
                count,
                [],
                ack,
                resolve,
                first is null ? null : new Uri($"{urls.Base()}/alerts?service={Uri.EscapeDataString(services.Values.First())}"),
                key,
                lead.CreatedAt);
        }
        return (target, message, null);
    }

    /// <summary>
    /// New alerts told to the person who acknowledged their group: marked as such in the title and in the summary
    /// (what an SMS shows), with the group it joined; its links act on those alerts only, the details link opens the (first) one.
    /// </summary>
    private async Task<Notification> NewAlertMessageAsync(SteadyDb db, IReadOnlyList<Delivery> rows, Delivery lead, string key, CancellationToken cancellationToken)
    {
        var alertIds = rows.Select(r => r.AlertId).OfType<Guid>().Distinct().ToList();
        var alerts = (await db.Alerts.AsNoTracking().Where(a => alertIds.Contains(a.Id)).ToListAsync(cancellationToken))
            .OrderByDescending(a => a.Severity).ThenBy(a => a.FirstSeenAt).ToList();
        var group = await db.AlertGroups.AsNoTracking().FirstAsync(g => g.Id == lead.GroupId, cancellationToken);
        var service = await db.Services.AsNoTracking().Where(s => s.Id == group.ServiceId).Select(s => s.Name).FirstAsync(cancellationToken);
        var expires = lead.CreatedAt + options.CurrentValue.LinkLifetime;
        var ack = await links.UrlAsync(LinkAction.Acknowledge, lead.Id, expires, cancellationToken);
        var resolve = await links.UrlAsync(LinkAction.Resolve, lead.Id, expires, cancellationToken);
        var first = alerts[0];
        var what = alerts.Count == 1
            ? first.Summary
            : string.Join("; ", alerts.Take(5).Select(a => a.Summary)) + (alerts.Count > 5 ? $"; and {alerts.Count - 5} more" : "");
        var marking = alerts.Count == 1 ? "New alert in a group you acknowledged" : "New alerts in a group you acknowledged";
        return new Notification(
            NotificationKind.Page,
            alerts.Count == 1 ? $"{marking}: {first.Summary}" : marking,
            $"{marking}: {what} (joined \"{group.Title}\")",
            first.Severity,
            service,
            alerts.Count,
            first.Links is { } json ? JsonSerializer.Deserialize<List<AlertLink>>(json, Web) ?? [] : [],
            ack,
            resolve,
            new Uri($"{urls.Base()}/alerts/{first.Id}"),
            key,
            lead.CreatedAt);
    }

    /// <summary>An incident's page: its number, severity and title, why it pages, what is known so far, an acknowledge link (resolving is done on the incident, once verified) and the incident's page.</summary>
    private async Task<Notification> IncidentMessageAsync(SteadyDb db, Delivery lead, string key, Guid incidentId, CancellationToken cancellationToken)
    {
        var incident = await db.Incidents.AsNoTracking().FirstAsync(i => i.Id == incidentId, cancellationToken);
        var reason = await db.EscalationRuns.AsNoTracking().Where(r => r.Id == lead.RunId).Select(r => r.Reason).FirstOrDefaultAsync(cancellationToken);
        var service = lead.ServiceId is { } serviceId ? await db.Services.AsNoTracking().Where(s => s.Id == serviceId).Select(s => s.Name).FirstOrDefaultAsync(cancellationToken) : null;
        var ack = await links.UrlAsync(LinkAction.Acknowledge, lead.Id, lead.CreatedAt + options.CurrentValue.LinkLifetime, cancellationToken);
        var severity = Steady.Core.Incidents.SeverityTable.Default.AlertSeverityOf(incident.Severity);
        var known = await IncidentRunSteps.KnownAsync(db, incident, cancellationToken);
        return new Notification(
            NotificationKind.Page,
            $"Incident #{incident.Number} ({incident.Severity}): {incident.Title}",
            (reason ?? incident.Title) + (known is null ? "" : $"\nKnown so far: {known}"),
            severity,
            service ?? $"incident #{incident.Number}",
            1,
            [],
            ack,
            null,
            new Uri($"{urls.Base()}/incidents/{incident.Number}"),
            key,
            lead.CreatedAt);
    }
}
