using System.Text.Json;

namespace Steady.Core.Alerts.Formats;

/// <summary>
/// The Prometheus Alertmanager webhook (version 4), also sent by Grafana's unified alerting: each
/// alert becomes or updates one Steady alert, keyed by its fingerprint; "resolved" resolves it. The
/// request's groupKey is the alerts' own group (<see cref="IncomingAlert.SenderGroup"/>).
/// </summary>
public static class AlertmanagerFormat
{
    public static IntakeParse Parse(JsonElement root, string format = "alertmanager")
    {
        var errors = new List<string>();
        var fields = new Fields(errors);
        if (!fields.Object(root, "$"))
            return new IntakeParse([], errors);
        if (format == "alertmanager" && root.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.String && version.GetString() is { } v && v != "4")
            errors.Add($"$.version is '{v}'; Steady speaks version 4 of the Alertmanager webhook.");
        if (!root.TryGetProperty("alerts", out var alerts) || alerts.ValueKind != JsonValueKind.Array)
            return IntakeParse.Invalid("$.alerts must be an array of alerts.");
        if (alerts.GetArrayLength() > IntakeLimits.MaxAlertsPerRequest)
            return IntakeParse.Invalid($"$.alerts has {alerts.GetArrayLength()} alerts; at most {IntakeLimits.MaxAlertsPerRequest} per request.");

        var externalUrl = fields.String(root, "externalURL", "$", 2000);
        // Alertmanager's own group (its route's group_by, also as Grafana sends it): what the alerts are grouped by unless the service says otherwise.
        var senderGroup = fields.String(root, "groupKey", "$") is { Length: > 0 } groupKey ? Grouping.SenderGroup(groupKey) : null;
        var result = new List<IncomingAlert>();
        var i = 0;
        foreach (var alert in alerts.EnumerateArray())
        {
            var path = $"$.alerts[{i++}]";
            if (!fields.Object(alert, path))
                continue;
            var status = fields.String(alert, "status", path) ?? fields.String(root, "status", "$");
            IntakeAction action;
            switch (status)
            {
                case "firing" or "alerting" or null:
                    action = IntakeAction.Trigger;
                    break;
                case "resolved" or "ok":
                    action = IntakeAction.Resolve;
                    break;
                default:
                    errors.Add($"{path}.status is '{status}'; expected 'firing' or 'resolved'.");
                    continue;
            }
            var labels = fields.Labels(alert, "labels", path);
            var annotations = fields.Labels(alert, "annotations", path);
            fields.Time(alert, "startsAt", path);
            var endsAt = fields.Time(alert, "endsAt", path);
            var given = fields.Key(alert, "fingerprint", path);
            var fingerprint = given ?? Fields.Fingerprint(labels, "");
            if (labels.Count == 0 && given is null)
            {
                errors.Add($"{path}.labels must not be empty: an alert without labels or a fingerprint cannot be told apart from others.");
                continue;
            }
            var summary = First(annotations, "summary", "title", "message", "description")
                ?? (labels.TryGetValue("alertname", out var name) ? name : null)
                ?? fields.String(root, "title", "$")
                ?? "Alert " + fingerprint;
            var links = new List<AlertLink>();
            if (fields.String(alert, "generatorURL", path, 2000) is { Length: > 0 } generator)
                fields.AddLink(links, generator, "Source", path + ".generatorURL");
            foreach (var (field, text) in new[] { ("dashboardURL", "Dashboard"), ("panelURL", "Panel"), ("silenceURL", "Silence") })
            {
                if (fields.String(alert, field, path, 2000) is { Length: > 0 } url)
                    fields.AddLink(links, url, text, $"{path}.{field}");
            }
            if (annotations.TryGetValue("runbook_url", out var runbook) && Uri.TryCreate(runbook, UriKind.Absolute, out _))
                fields.AddLink(links, runbook, "Runbook", path + ".annotations.runbook_url");
            if (externalUrl is { Length: > 0 })
                fields.AddLink(links, externalUrl, format == "grafana" ? "Grafana" : "Alertmanager", "$.externalURL");

            // Grafana says what the query saw at alert level; it goes beside the annotations.
            if (format == "grafana" && fields.String(alert, "valueString", path, IntakeLimits.MaxLabelBytes) is { Length: > 0 } value)
                annotations.TryAdd("valueString", value);
            var details = annotations.Count == 0 ? null : JsonSerializer.Serialize(annotations);
            result.Add(new IncomingAlert(
                action,
                fingerprint,
                Cut(summary),
                Severities.Parse(labels.GetValueOrDefault("severity")) ?? Severity.Warning,
                labels.GetValueOrDefault("instance") ?? labels.GetValueOrDefault("job"),
                labels,
                details,
                links,
                action == IntakeAction.Resolve ? endsAt : null,
                format) { SenderGroup = senderGroup });
        }
        return new IntakeParse(errors.Count == 0 ? result : [], errors);
    }

    private static string? First(Dictionary<string, string> values, params string[] names)
    {
        foreach (var name in names)
        {
            if (values.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value))
                return value;
        }
        return null;
    }

    internal static string Cut(string summary) =>
        summary.Length > IntakeLimits.MaxSummaryLength ? summary[..IntakeLimits.MaxSummaryLength] : summary;
}
