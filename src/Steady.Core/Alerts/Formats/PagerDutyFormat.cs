using System.Text.Json;

namespace Steady.Core.Alerts.Formats;

/// <summary>
/// PagerDuty Events API v2, so any tool that can point its PagerDuty URL at Steady works unchanged:
/// trigger / acknowledge / resolve with dedup_key, payload.summary/source/severity/timestamp/
/// component/group/class/custom_details, links and images.
/// </summary>
public static class PagerDutyFormat
{
    /// <summary>Parses one event. <paramref name="newDedupKey"/> makes the key PagerDuty would make for a trigger without one.</summary>
    public static IntakeParse Parse(JsonElement root, Func<string> newDedupKey)
    {
        var errors = new List<string>();
        var fields = new Fields(errors);
        if (!fields.Object(root, "$"))
            return new IntakeParse([], errors);
        var actionText = fields.String(root, "event_action", "$", required: true);
        IntakeAction? action = actionText switch
        {
            "trigger" => IntakeAction.Trigger,
            "acknowledge" => IntakeAction.Acknowledge,
            "resolve" => IntakeAction.Resolve,
            null => null,
            _ => null,
        };
        if (actionText is not null && action is null)
            errors.Add($"$.event_action is '{actionText}'; expected trigger, acknowledge or resolve.");
        var dedupKey = fields.Key(root, "dedup_key", "$");
        if (action is IntakeAction.Acknowledge or IntakeAction.Resolve && dedupKey is null)
            errors.Add($"$.dedup_key is required to {actionText}.");

        string summary = "";
        Severity severity = Severity.Warning;
        string? source = null;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        string? details = null;
        if (action == IntakeAction.Trigger)
        {
            if (!root.TryGetProperty("payload", out var payload) || payload.ValueKind != JsonValueKind.Object)
            {
                errors.Add("$.payload is required to trigger: an object with summary, source and severity.");
            }
            else
            {
                summary = fields.String(payload, "summary", "$.payload", IntakeLimits.MaxSummaryLength, required: true) ?? "";
                source = fields.String(payload, "source", "$.payload", 255, required: true);
                var severityText = fields.String(payload, "severity", "$.payload", required: true);
                if (severityText is not null)
                {
                    if (severityText is "critical" or "error" or "warning" or "info")
                        severity = Severities.Parse(severityText)!.Value;
                    else
                        errors.Add($"$.payload.severity is '{severityText}'; expected critical, error, warning or info.");
                }
                fields.Time(payload, "timestamp", "$.payload");
                foreach (var name in new[] { "component", "group", "class" })
                {
                    if (fields.String(payload, name, "$.payload", IntakeLimits.MaxLabelBytes) is { Length: > 0 } value)
                        labels[name] = value;
                }
                if (source is not null)
                    labels["source"] = source;
                labels["severity"] = severity.ToWire();
                details = fields.Raw(payload, "custom_details", "$.payload");
            }
        }
        var links = fields.Links(root, "links", "$");
        if (root.TryGetProperty("images", out var images) && images.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var image in images.EnumerateArray())
            {
                var path = $"$.images[{i++}]";
                if (!fields.Object(image, path))
                    continue;
                var href = fields.String(image, "href", path, 2000) ?? fields.String(image, "src", path, 2000, required: true);
                if (href is not null)
                    fields.AddLink(links, href, fields.String(image, "alt", path, 500) ?? "Image", path);
            }
        }
        else if (root.TryGetProperty("images", out var notArray) && notArray.ValueKind != JsonValueKind.Null)
        {
            errors.Add("$.images must be an array of {\"src\", \"href\", \"alt\"} objects.");
        }
        if (fields.String(root, "client_url", "$", 2000) is { Length: > 0 } clientUrl)
            fields.AddLink(links, clientUrl, fields.String(root, "client", "$", 200) ?? "Source", "$.client_url");

        if (errors.Count > 0 || action is null)
            return new IntakeParse([], errors);
        return new IntakeParse(
            [new IncomingAlert(action.Value, dedupKey ?? newDedupKey(), summary, severity, source, labels, details, links, null, "events")],
            []);
    }
}
