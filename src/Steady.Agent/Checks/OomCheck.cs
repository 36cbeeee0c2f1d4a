using System.Globalization;
using Steady.Host.Collect;

namespace Steady.Agent.Checks;

/// <summary>
/// OOM kills: the kernel's oom_kill counter (/proc/vmstat) grew since the last run. The alert stays
/// until <c>quiet</c> passes without another kill.
/// </summary>
public sealed class OomCheck(string name, string severity, TimeSpan quiet) : ICheck
{
    private long? _lastCount;
    private DateTimeOffset? _lastKillAt;
    private int _recentKills;

    public string Name => name;

    public string Type => "oom";

    public Task<CheckRun> RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var vmstat = ProcText.NameValues(context.Files.ReadText("proc/vmstat"));
        if (!vmstat.TryGetValue("oom_kill", out var count))
            return Task.FromResult(new CheckRun([], "no oom_kill in /proc/vmstat (kernels before 4.13 do not count OOM kills)"));
        var now = context.Time.GetUtcNow();
        if (_lastCount is { } last && count > last)
        {
            _recentKills = _lastKillAt is { } previous && now - previous < quiet ? _recentKills + (int)(count - last) : (int)(count - last);
            _lastKillAt = now;
        }
        _lastCount = count;
        if (_lastKillAt is not { } at || now - at >= quiet)
            return Task.FromResult(CheckRun.Passing);
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"{(_recentKills == 1 ? "An OOM kill" : $"{_recentKills} OOM kills")} on {context.Host} since {at.UtcDateTime:HH:mm} UTC ({count} since boot); see 'steady snapshot' for the victim");
        return Task.FromResult(new CheckRun([new Failing("", summary, severity)]));
    }
}
