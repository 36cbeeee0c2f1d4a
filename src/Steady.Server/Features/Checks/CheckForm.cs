using Steady.Core.Alerts;

namespace Steady.Server.Features.Checks;

/// <summary>
/// A check as the service page's forms send it (one form to add, one per check to change), and the
/// <see cref="CheckInput"/> it makes for <see cref="CheckCommands"/>, which checks it like the API.
/// </summary>
public sealed class CheckForm
{
    /// <summary>The check being changed; none when adding one.</summary>
    public Guid? Id { get; set; }

    public string? Name { get; set; }

    public string Kind { get; set; } = "http";

    public string? Target { get; set; }

    public int IntervalSeconds { get; set; } = 60;

    public int TimeoutMs { get; set; } = 5000;

    /// <summary>Empty: any 2xx or 3xx.</summary>
    public int? ExpectedStatus { get; set; }

    /// <summary>Empty: no limit.</summary>
    public int? MaxLatencyMs { get; set; }

    public string? BodyMatch { get; set; }

    public string Severity { get; set; } = "critical";

    public int FailuresToAlert { get; set; } = 2;

    public static readonly string[] Severities = ["critical", "error", "warning", "info"];

    public static CheckForm From(Check check) => new()
    {
        Id = check.Id,
        Name = check.Name,
        Kind = check.Kind.ToString().ToLowerInvariant(),
        Target = check.Target,
        IntervalSeconds = check.IntervalSeconds,
        TimeoutMs = check.TimeoutMs,
        ExpectedStatus = check.ExpectedStatus,
        MaxLatencyMs = check.MaxLatencyMs,
        BodyMatch = check.BodyMatch,
        Severity = check.Severity.ToWire(),
        FailuresToAlert = check.FailuresToAlert,
    };

    /// <summary>What the form says; an empty optional field means none (0 to the command), so a change can remove it.</summary>
    public CheckInput ToInput(Guid service) =>
        new(service.ToString(), Name, Kind, Target, IntervalSeconds, TimeoutMs, ExpectedStatus ?? 0, MaxLatencyMs ?? 0, BodyMatch ?? "", Severity, FailuresToAlert);
}

/// <summary>One check form on the service page (<c>_CheckForm.cshtml</c>): its fields, and the page for the errors of the form just posted.</summary>
public sealed record CheckFormView(CheckForm Form, Services.ServiceDetailModel Page);
