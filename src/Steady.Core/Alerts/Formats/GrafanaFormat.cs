using System.Text.Json;
using System.Text.Json.Nodes;

namespace Steady.Core.Alerts.Formats;

/// <summary>
/// Grafana's alerting webhook. Unified alerting sends the Alertmanager shape (with extra fields);
/// legacy dashboard alerts send one rule with "state" alerting/ok, keyed by the rule; its "message"
/// is kept as the alert's description, with the "evalMatches" beside it.
/// </summary>
public static class GrafanaFormat
{
    public static IntakeParse Parse(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("alerts", out _))
            return AlertmanagerFormat.Parse(root, "grafana");

        var errors = new List<string>();
        var fields = new Fields(errors);
        if (!fields.Object(root, "$"))
            return new IntakeParse([], errors);
        var state = fields.String(root, "state", "$", required: true);
        IntakeAction action = default;
        switch (state)
        {
            case "alerting" or "no_data":
                action = IntakeAction.Trigger;
                break;
            case "ok" or "paused" or "pending":
                action = IntakeAction.Resolve;
                break;
            case null:
                break;
            default:
                errors.Add($"$.state is '{state}'; expected alerting, no_data, ok, paused or pending.");
                break;
        }
        var ruleName = fields.String(root, "ruleName", "$", IntakeLimits.MaxSummaryLength);
        var ruleId = root.TryGetProperty("ruleId", out var id) && id.ValueKind == JsonValueKind.Number ? id.GetRawText() : null;
        if (ruleName is null && ruleId is null)
            errors.Add("$ must have 'alerts' (unified alerting) or 'ruleName'/'ruleId' (legacy alerting).");
        var labels = fields.Labels(root, "tags", "$");
        var links = new List<AlertLink>();
        if (fields.String(root, "ruleUrl", "$", 2000) is { Length: > 0 } url)
            fields.AddLink(links, url, "Grafana rule", "$.ruleUrl");
        // The rule's message is the alert's description; the matches that fired it go beside it.
        var message = fields.String(root, "message", "$", IntakeLimits.MaxDetailsBytes / 4);
        var matches = fields.Raw(root, "evalMatches", "$");
        string? details = null;
        if (!string.IsNullOrWhiteSpace(message) || matches is not null)
        {
            var body = new JsonObject();
            if (!string.IsNullOrWhiteSpace(message))
                body["message"] = message;
            if (matches is not null)
                body["evalMatches"] = JsonNode.Parse(matches);
            details = body.ToJsonString();
        }
        var title = fields.String(root, "title", "$", IntakeLimits.MaxSummaryLength) ?? ruleName ?? "Grafana alert " + ruleId;
        if (errors.Count > 0)
            return new IntakeParse([], errors);
        return new IntakeParse(
            [new IncomingAlert(action, "grafana-rule-" + (ruleId ?? ruleName), title, Severities.Parse(labels.GetValueOrDefault("severity")) ?? Severity.Warning,
                "grafana", labels, details, links, null, "grafana")],
            []);
    }
}
