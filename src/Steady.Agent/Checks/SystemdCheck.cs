using Steady.Host.Collect;

namespace Steady.Agent.Checks;

/// <summary>Each failed systemd unit is an alert until it is no longer failed (or reset).</summary>
public sealed class SystemdCheck(string name, string severity, IReadOnlyList<string> ignore) : ICheck
{
    public string Name => name;

    public string Type => "systemd";

    public Task<CheckRun> RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var report = SystemdCollector.Collect(context.Files, context.Systemctl, new StepBudget(context.Time, TimeSpan.FromSeconds(10)));
        if (!report.Running || report.Source is null)
            return Task.FromResult(new CheckRun([], report.Note ?? "systemd not running"));
        var failing = report.Failed
            .Where(u => !ignore.Contains(u.Unit, StringComparer.Ordinal))
            .Select(u => new Failing(u.Unit, $"{u.Unit} failed on {context.Host}{(string.IsNullOrWhiteSpace(u.Description) ? "" : $" ({u.Description})")}: {u.Active}/{u.Sub}",
                severity, new Dictionary<string, string> { ["unit"] = u.Unit }))
            .ToList();
        return Task.FromResult(new CheckRun(failing));
    }
}
