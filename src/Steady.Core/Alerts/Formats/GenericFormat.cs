using System.Text.Json;

namespace Steady.Core.Alerts.Formats;

/// <summary>
/// Steady's own simple JSON: {"summary", "severity", "dedup_key", "status": "firing"|"resolved",
/// "source", "labels": {}, "details": any, "links": [{"href", "text"}]}; one object or an array of them.
/// </summary>
public static class GenericFormat
{
    public static IntakeParse Parse(JsonElement root)
    {
        var errors = new List<string>();
        var fields = new Fields(errors);
        var items = root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().ToList() : [root];
        if (items.Count == 0)
            return IntakeParse.Invalid("$ is an empty array: send at least one alert.");
        if (items.Count > IntakeLimits.MaxAlertsPerRequest)
            return IntakeParse.Invalid($"$ has {items.Count} alerts; at most {IntakeLimits.MaxAlertsPerRequest} per request.");
        var result = new List<IncomingAlert>();
        for (var i = 0; i < items.Count; i++)
        {
            var path = root.ValueKind == JsonValueKind.Array ? $"$[{i}]" : "$";
            var item = items[i];
            if (!fields.Object(item, path))
                continue;
            var status = fields.String(item, "status", path) ?? "firing";
            IntakeAction? action = status switch
            {
                "firing" or "triggered" or "trigger" => IntakeAction.Trigger,
                "resolved" or "resolve" => IntakeAction.Resolve,
                _ => null,
            };
            if (action is null)
                errors.Add($"{path}.status is '{status}'; expected 'firing' or 'resolved'.");
            var labels = fields.Labels(item, "labels", path);
            var dedupKey = fields.Key(item, "dedup_key", path);
            var summary = fields.String(item, "summary", path, IntakeLimits.MaxSummaryLength, required: action != IntakeAction.Resolve || dedupKey is null);
            var severityText = fields.String(item, "severity", path);
            var severity = Severity.Warning;
            if (severityText is not null)
            {
                if (Severities.Parse(severityText) is { } parsed)
                    severity = parsed;
                else
                    errors.Add($"{path}.severity is '{severityText}'; expected critical, error, warning or info.");
            }
            var source = fields.String(item, "source", path, 255);
            var details = fields.Raw(item, "details", path);
            var links = fields.Links(item, "links", path);
            if (action is null)
                continue;
            // Without a dedup key, the same summary with the same labels is the same alert; a different summary is another.
            var key = dedupKey ?? Fields.Fingerprint(new Dictionary<string, string>(labels) { ["\u0000summary"] = summary ?? "" }, summary ?? "");
            result.Add(new IncomingAlert(action.Value, key, summary ?? key, severity, source, labels, details, links, null, "generic"));
        }
        return new IntakeParse(errors.Count == 0 ? result : [], errors);
    }
}
