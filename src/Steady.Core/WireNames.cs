using System.Text.Json;
using Steady.Core.Accounts;
using Steady.Core.Alerts;
using Steady.Core.Incidents;
using Steady.Core.OnCall;
using Steady.Core.Paging;
using Steady.Core.Postmortems;
using Steady.Core.StatusPage;

namespace Steady.Core;

/// <summary>
/// The name an enum value goes by outside the process — in the API, in YAML, in the audit log: "acknowledged",
/// "communications-lead", "partial_outage", never a number. One place that knows each enum's own wire names;
/// the rest are written as the API's JSON writes them (camelCase).
/// </summary>
public static class WireNames
{
    public static string Of(Enum value) => value switch
    {
        ContactKind kind => kind.ToWire(),
        TeamRole role => role.ToWire(),
        AlertStatus status => status.ToWire(),
        Severity severity => severity.ToWire(),
        Urgency urgency => urgency.ToWire(),
        IncidentStatus status => Lifecycle.Name(status),
        IncidentRole role => Roles.Name(role),
        ActionItemType type => type.ToWire(),
        ActionItemStatus status => status.ToWire(),
        PostmortemStatus status => status.ToWire(),
        ComponentState state => StatusNames.Wire(state),
        PublicIncidentStatus status => StatusNames.Wire(status),
        RunState state => state.ToWire(),
        DeliveryState state => state.ToWire(),
        _ => JsonNamingPolicy.CamelCase.ConvertName(value.ToString()),
    };
}
