using System.Text.Json;
using NodaTime;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.OnCall;
using Steady.Core.Services;

namespace Steady.Server.Features.Config;

/// <summary>Services: owning team, escalation policy, grouping, flapping and the stabilization checklist.</summary>
public sealed partial class ConfigApply
{
    private void ApplyService(ConfigDocument d, ServiceDocument doc)
    {
        var v = new Validation().PathName("name", doc.Name).Text("description", doc.Description, 4000).Url("runbook_url", doc.RunbookUrl);
        var existing = doc.Name is null ? null : _services.GetValueOrDefault(doc.Name.Trim());
        if (doc.GroupBy is { } groupBy && (groupBy.Count > 10 || groupBy.Any(string.IsNullOrWhiteSpace)))
            v.Add("group_by", "'group_by' is at most 10 label names, none empty.");
        var groupWindow = Seconds(v, "group_window", doc.GroupWindow, 0, 86400);
        var flapWindow = Seconds(v, "flap_window", doc.FlapWindow, 60, 86400);
        if (doc.FlapThreshold is < 0 or > 1000)
            v.Add("flap_threshold", "'flap_threshold' must be between 0 (never) and 1000.");
        if (doc.StabilizationChecklist is { } checklist && (checklist.Count > 30 || checklist.Any(step => string.IsNullOrWhiteSpace(step) || step.Length > 500)))
            v.Add("stabilization_checklist", "'stabilization_checklist' is at most 30 steps, none empty, each at most 500 characters.");
        foreach (var key in doc.IntegrationKeys ?? [])
            v.Name("integration_keys", key);
        Check(d, v);
        var team = existing is not null && doc.Team is null ? _teams.Values.First(t => t.Id == existing.TeamId) : FindTeam(d, doc.Team, "service");
        EscalationPolicyRecord? policy = null;
        if (!string.IsNullOrEmpty(doc.EscalationPolicy) && !_policies.TryGetValue(doc.EscalationPolicy.Trim(), out policy))
            Error(d, "escalation_policy", $"there is no escalation policy '{doc.EscalationPolicy}'.");
        if (!_v.IsValid || team is null)
            return;
        var service = existing;
        if (service is null)
        {
            service = new Service { Id = Ids.New(time), Name = doc.Name!.Trim(), TeamId = team.Id, CreatedAt = _now };
            db.Services.Add(service);
            _services[service.Name] = service;
        }
        service.TeamId = team.Id;
        if (doc.Description is not null)
            service.Description = Blank(doc.Description);
        if (doc.RunbookUrl is not null)
            service.RunbookUrl = Blank(doc.RunbookUrl);
        if (doc.EscalationPolicy is not null)
            service.EscalationPolicyId = policy?.Id;
        if (doc.GroupBySet)
            service.GroupBy = doc.GroupBy is null ? null : JsonSerializer.Serialize(doc.GroupBy.Select(g => g.Trim()).Distinct());
        if (groupWindow is { } gw)
            service.GroupWindowSeconds = gw;
        if (doc.FlapThreshold is { } threshold)
            service.FlapThreshold = threshold;
        if (flapWindow is { } fw)
            service.FlapWindowSeconds = fw;
        if (doc.StabilizationChecklist is not null && JsonSerializer.Serialize(doc.StabilizationChecklist.Select(step => step.Trim())) is var steps && steps != service.StabilizationChecklist)
            service.StabilizationChecklist = steps;
        var keys = new List<object>();
        foreach (var name in (doc.IntegrationKeys ?? []).Select(n => n.Trim()).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var stored = db.Entry(service).State == Microsoft.EntityFrameworkCore.EntityState.Added
                ? null
                : db.IntegrationKeys.FirstOrDefault(k => k.ServiceId == service.Id && k.Name == name && k.RevokedAt == null);
            if (stored is not null)
                continue;
            var key = new IntegrationKey { Id = Ids.New(time), ServiceId = service.Id, Name = name, Key = Secrets.NewIntegrationKey(), CreatedAt = _now };
            db.IntegrationKeys.Add(key);
            keys.Add(key);
        }
        Track(d, service, keys);
    }

    private static int? Seconds(Validation v, string field, string? text, int min, int max)
    {
        if (text is null)
            return null;
        var duration = Durations.Parse(text);
        if (duration is null || duration.Value.TotalSeconds < min || duration.Value.TotalSeconds > max)
        {
            v.Add(field, $"'{field}' '{text}' must be a duration between {Durations.Format(Duration.FromSeconds(min))} and {Durations.Format(Duration.FromSeconds(max))}, like 5m.");
            return null;
        }
        return (int)duration.Value.TotalSeconds;
    }
}
