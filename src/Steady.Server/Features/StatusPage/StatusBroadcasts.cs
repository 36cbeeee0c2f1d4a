using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.StatusPage;
using Steady.Server.Data;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.StatusPage;

/// <summary>
/// Writes what subscribers are to be told, in the unit of work of the change that causes it: a public
/// incident update (to everyone who follows one of its components), a component's change of state, a
/// maintenance notice. Each is one row (<see cref="StatusBroadcast"/>) holding the email's text and the
/// webhook's body in Statuspage's shape; <see cref="StatusPageWorker"/> fans it out to one notice per
/// subscriber after the change is committed, and sends them. The caller saves and wakes the worker.
/// </summary>
public sealed class StatusBroadcasts(SteadyDb db, TimeProvider time, PublicUrls urls)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>A public incident's update: everyone following one of the incident's components (or all, when it names none); and each component it changed, to webhooks.</summary>
    public async Task IncidentUpdateAsync(PublicStatusPage page, PublicIncident incident, PublicIncidentUpdate update, IReadOnlyList<(StatusComponent Component, ComponentState From, ComponentState To)> changes, CancellationToken cancellationToken)
    {
        var updates = await db.Set<PublicIncidentUpdate>().AsNoTracking().Where(u => u.PublicIncidentId == incident.Id && u.Id != update.Id).ToListAsync(cancellationToken);
        updates.Add(update);
        var updateIds = updates.Select(u => u.Id).ToList();
        var affected = (await db.Set<PublicUpdateComponent>().AsNoTracking().Where(a => updateIds.Contains(a.UpdateId)).ToListAsync(cancellationToken))
            .Concat(changes.Select(c => new PublicUpdateComponent { UpdateId = update.Id, ComponentId = c.Component.Id, OldState = c.From, NewState = c.To }))
            .ToLookup(a => a.UpdateId);
        var components = await ComponentsAsync(page, cancellationToken);
        var view = new IncidentView(incident,
            updates.OrderByDescending(u => u.At).ThenByDescending(u => u.Id)
                .Select(u => new UpdateView(u, affected[u.Id].Select(a => new AffectedView(a.ComponentId, components.GetValueOrDefault(a.ComponentId)?.Name ?? "?", a.OldState, a.NewState)).ToList())).ToList(),
            updates.SelectMany(u => affected[u.Id].Select(a => a.ComponentId)).Distinct().ToList());
        var pageUrl = StatusPagePaths.Url(page, urls.Base());
        var status = StatusNames.Wire(update.Status);
        var text = new StringBuilder();
        text.Append(incident.Title).Append("\n\n").Append(Capital(status)).Append(" — ").Append(Local(page, update.At)).Append('\n').Append(update.Body).Append('\n');
        if (changes.Count > 0)
            text.Append("\nAffected: ").Append(string.Join(", ", changes.Select(c => $"{c.Component.Name} ({StatusNames.Words(c.To).ToLowerInvariant()})"))).Append('\n');
        text.Append("\nDetails: ").Append(pageUrl).Append("/incidents/").Append(incident.Id).Append('\n');
        Add(page, "incident", $"update:{update.Id:N}", $"[{page.Name}] {Capital(status)}: {incident.Title}", text.ToString(),
            await WebhookAsync(page, components, new JsonObject { ["incident"] = Node(StatuspageV2.Incident(page, components, view, pageUrl)) }, incident, cancellationToken),
            view.ComponentIds, webhookOnly: false);
        foreach (var (component, from, to) in changes)
            await ComponentChangeAsync(page, component, from, to, webhookOnly: true, components, incident, cancellationToken);
    }

    /// <summary>A component set by a person (not through an incident update): everyone following it, by email and webhook.</summary>
    public async Task ComponentAsync(PublicStatusPage page, StatusComponent component, ComponentState from, ComponentState to, bool webhookOnly, CancellationToken cancellationToken) =>
        await ComponentChangeAsync(page, component, from, to, webhookOnly, await ComponentsAsync(page, cancellationToken), null, cancellationToken);

    private async Task ComponentChangeAsync(PublicStatusPage page, StatusComponent component, ComponentState from, ComponentState to, bool webhookOnly, IReadOnlyDictionary<Guid, StatusComponent> components, PublicIncident? staged, CancellationToken cancellationToken)
    {
        if (from == to)
            return;
        var now = time.GetUtcNow();
        var pageUrl = StatusPagePaths.Url(page, urls.Base());
        var id = Ids.New(time);
        var payload = new JsonObject
        {
            ["component_update"] = Node(new { CreatedAt = now, NewStatus = StatusNames.Wire(to), OldStatus = StatusNames.Wire(from), Id = id.ToString("N"), ComponentId = component.Id.ToString("N") }),
            ["component"] = Node(new { component.CreatedAt, Id = component.Id.ToString("N"), component.Name, Status = StatusNames.Wire(to) }),
        };
        var text = $"{component.Name} is now {StatusNames.Words(to).ToLowerInvariant()} (it was {StatusNames.Words(from).ToLowerInvariant()}), since {Local(page, now)}.\n\nCurrent status: {pageUrl}\n";
        Add(page, "component", $"component:{id:N}", $"[{page.Name}] {component.Name}: {StatusNames.Words(to).ToLowerInvariant()}", text,
            await WebhookAsync(page, components, payload, staged, cancellationToken), [component.Id], webhookOnly);
    }

    /// <summary>A maintenance notice: scheduled, the reminder before it starts, completed.</summary>
    public async Task MaintenanceAsync(PublicStatusPage page, StatusMaintenance maintenance, IReadOnlyList<StatusMaintenanceUpdate> updates, IReadOnlyList<Guid> componentIds, string notice, CancellationToken cancellationToken)
    {
        var components = await ComponentsAsync(page, cancellationToken);
        var pageUrl = StatusPagePaths.Url(page, urls.Base());
        var view = new MaintenanceView(maintenance, updates.OrderByDescending(u => u.At).ThenByDescending(u => u.Id).ToList(), componentIds);
        var names = componentIds.Select(c => components.GetValueOrDefault(c)?.Name).OfType<string>().ToList();
        var (subject, opening) = notice switch
        {
            "scheduled" => ($"Scheduled maintenance: {maintenance.Title}", "Maintenance is scheduled."),
            "reminder" => ($"Maintenance starts {Local(page, maintenance.StartsAt)}: {maintenance.Title}", "A reminder: this maintenance starts soon."),
            _ => ($"Maintenance completed: {maintenance.Title}", "This maintenance is completed."),
        };
        var latest = view.Updates.FirstOrDefault();
        var text = new StringBuilder();
        text.Append(maintenance.Title).Append("\n\n").Append(opening).Append('\n')
            .Append("Window: ").Append(Local(page, maintenance.StartsAt)).Append(" – ").Append(Local(page, maintenance.EndsAt)).Append('\n');
        if (names.Count > 0)
            text.Append("Components: ").Append(string.Join(", ", names)).Append('\n');
        if (latest is not null)
            text.Append('\n').Append(latest.Body).Append('\n');
        text.Append("\nDetails: ").Append(pageUrl).Append("/incidents/").Append(maintenance.Id).Append('\n');
        Add(page, "maintenance", $"maintenance:{maintenance.Id:N}:{notice}", $"[{page.Name}] {subject}", text.ToString(),
            await WebhookAsync(page, components, new JsonObject { ["incident"] = Node(StatuspageV2.Maintenance(page, components, view, pageUrl)) }, null, cancellationToken),
            componentIds, webhookOnly: false);
    }

    private void Add(PublicStatusPage page, string kind, string key, string subject, string text, string webhook, IReadOnlyList<Guid>? about, bool webhookOnly)
    {
        if (db.Set<StatusBroadcast>().Local.Any(b => b.PageId == page.Id && b.Key == key))
            return;
        var now = time.GetUtcNow();
        db.Add(new StatusBroadcast
        {
            Id = Ids.New(time),
            PageId = page.Id,
            Kind = kind,
            Key = key,
            Subject = subject.Length > 250 ? subject[..250] : subject,
            Body = text,
            Webhook = webhook,
            ComponentIds = about is null or { Count: 0 } ? null : StatusSubscriber.WriteComponents(about),
            WebhookOnly = webhookOnly,
            CreatedAt = now,
            DueAt = now,
        });
    }

    /// <summary>The page's components as they stand in this unit of work (a state set but not yet saved included).</summary>
    private async Task<IReadOnlyDictionary<Guid, StatusComponent>> ComponentsAsync(PublicStatusPage page, CancellationToken cancellationToken) =>
        (await db.Set<StatusComponent>().Where(c => c.PageId == page.Id).ToListAsync(cancellationToken))
            .Concat(db.Set<StatusComponent>().Local.Where(c => c.PageId == page.Id))
            .DistinctBy(c => c.Id).ToDictionary(c => c.Id);

    /// <summary>The body without its meta: the page with its indicator as it will stand, then the subject.</summary>
    private async Task<string> WebhookAsync(PublicStatusPage page, IReadOnlyDictionary<Guid, StatusComponent> components, JsonObject subject, PublicIncident? staged, CancellationToken cancellationToken)
    {
        var open = (await db.Set<PublicIncident>().Where(i => i.PageId == page.Id && i.ResolvedAt == null).ToListAsync(cancellationToken))
            .Concat(db.Set<PublicIncident>().Local.Where(i => i.PageId == page.Id))
            .Concat(staged is null ? [] : [staged])
            .DistinctBy(i => i.Id).Where(i => i.Status != PublicIncidentStatus.Resolved);
        var indicator = PageIndicator.Of(components.Values.Select(c => c.State), open.Select(i => i.Impact));
        var body = new JsonObject { ["page"] = Node(new { Id = page.Id.ToString("N"), StatusIndicator = indicator.Indicator, StatusDescription = indicator.Description }) };
        foreach (var (name, value) in subject.ToList())
        {
            subject.Remove(name);
            body[name] = value;
        }
        return body.ToJsonString();
    }

    private static JsonNode Node(object value) => JsonSerializer.SerializeToNode(value, Json)!;

    private static string Capital(string wire) => char.ToUpperInvariant(wire[0]) + wire[1..].Replace('_', ' ');

    private static string Local(PublicStatusPage page, DateTimeOffset at) =>
        StatusPageSnapshot.LocalTime(NodaTime.DateTimeZoneProviders.Tzdb.GetZoneOrNull(page.TimeZone) ?? NodaTime.DateTimeZone.Utc, at);
}
