using Steady.Core.OnCall;
using Steady.Core.Services;

namespace Steady.Server.Features.Services;

/// <summary>
/// A service's paging settings as the service page's form sends them, and the <see cref="ServicePatch"/> they make
/// (checked by <see cref="ServiceCommands"/> like the API's PATCH).
/// </summary>
public sealed class ServiceSettingsForm
{
    public string? EscalationPolicy { get; set; }

    public string Urgency { get; set; } = "severity";

    public string? BusinessZone { get; set; }

    public List<string> BusinessDays { get; set; } = [];

    public string? BusinessStart { get; set; }

    public string? BusinessEnd { get; set; }

    public int AckTimeoutMinutes { get; set; }

    /// <summary>sender (the sender's own grouping), all (one group), labels (by <see cref="GroupBy"/>).</summary>
    public string Grouping { get; set; } = "sender";

    public string? GroupBy { get; set; }

    public int GroupWindowSeconds { get; set; } = 300;

    public string? Checklist { get; set; }

    /// <summary>How many state changes within <see cref="FlapWindowMinutes"/> make an alert flapping (0: never).</summary>
    public int FlapThreshold { get; set; } = 6;

    public int FlapWindowMinutes { get; set; } = 15;

    public static ServiceSettingsForm From(Service service, string? policyName)
    {
        var hours = service.BusinessHours is null ? null : System.Text.Json.JsonSerializer.Deserialize<BusinessHoursDefinition>(service.BusinessHours, Layers.Json);
        var groupBy = service.GroupByLabels();
        return new ServiceSettingsForm
        {
            EscalationPolicy = policyName ?? "",
            Urgency = service.Urgency,
            BusinessZone = hours?.TimeZone,
            BusinessDays = hours?.Days?.ToList() ?? [],
            BusinessStart = hours?.Start,
            BusinessEnd = hours?.End,
            AckTimeoutMinutes = (service.AckTimeoutSeconds ?? 0) / 60,
            Grouping = groupBy switch { null => "sender", [] => "all", _ => "labels" },
            GroupBy = groupBy is { Count: > 0 } ? string.Join(", ", groupBy) : null,
            GroupWindowSeconds = service.GroupWindowSeconds,
            Checklist = string.Join("\n", service.Checklist()),
            FlapThreshold = service.FlapThreshold,
            FlapWindowMinutes = service.FlapWindowSeconds / 60,
        };
    }

    public ServicePatch ToPatch()
    {
        var noHours = string.IsNullOrWhiteSpace(BusinessZone) && string.IsNullOrWhiteSpace(BusinessStart) && string.IsNullOrWhiteSpace(BusinessEnd) && BusinessDays.Count == 0;
        var labels = (GroupBy ?? "").Split([',', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        return new ServicePatch(
            EscalationPolicy: EscalationPolicy?.Trim() ?? "",
            Urgency: Urgency,
            BusinessHours: noHours ? new BusinessHoursDefinition() : new BusinessHoursDefinition(BusinessZone?.Trim(), BusinessDays.Count == 0 ? null : BusinessDays, BusinessStart?.Trim(), BusinessEnd?.Trim()),
            AckTimeoutSeconds: AckTimeoutMinutes is >= 0 and <= 7 * 24 * 60 ? AckTimeoutMinutes * 60 : -1,
            GroupWindowSeconds: GroupWindowSeconds,
            FlapThreshold: FlapThreshold,
            FlapWindowSeconds: FlapWindowMinutes is >= 0 and <= 24 * 60 ? FlapWindowMinutes * 60 : -1,
            StabilizationChecklist: (Checklist ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            GroupBy = Grouping switch
            {
                "all" => [],
                "labels" => labels,
                _ => null,
            },
        };
    }
}
