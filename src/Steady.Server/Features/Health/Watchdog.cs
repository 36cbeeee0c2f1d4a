using Microsoft.Extensions.Options;
using Steady.Server.Data;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Health;

/// <summary>The "Steady:Watchdog" section: an external dead-man's switch that hears from Steady while it is healthy.</summary>
public sealed class WatchdogOptions
{
    public const string Section = "Steady:Watchdog";

    /// <summary>The switch's URL (healthchecks.io, Cronitor, Uptime Kuma push, …); unset: no pings.</summary>
    public Uri? Url { get; set; }

    /// <summary>How often to ping; the switch's own period should be a little longer.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>GET (the default) or POST, as the switch expects.</summary>
    public string Method { get; set; } = "GET";
}

/// <summary>
/// Pings <see cref="WatchdogOptions.Url"/> every interval while this server is healthy (its database reachable, its
/// schema current, writes possible: <see cref="DatabaseReadiness"/>), so that someone learns when Steady itself is down —
/// the one outage it cannot page about. An unhealthy server does not ping; nor does a stopped one. Every node pings.
/// </summary>
public sealed partial class Watchdog(
    WakeSignal<Watchdog> signal,
    IServiceScopeFactory scopes,
    IHttpClientFactory clients,
    IOptionsMonitor<WatchdogOptions> options,
    DatabaseInfo database,
    StorageHealth storage,
    TimeProvider time,
    ILogger<Watchdog> logger) : DueTimeWorker<Watchdog>(signal, time, logger)
{
    public const string HttpClientName = "watchdog";

    private DateTimeOffset _nextPing = DateTimeOffset.MinValue;

    protected override TimeSpan Sweep => options.CurrentValue.Interval > TimeSpan.Zero ? options.CurrentValue.Interval : TimeSpan.FromMinutes(1);

    protected internal override async Task<DateTimeOffset?> RunDueAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (settings.Url is null)
            return null;
        var now = Time.GetUtcNow();
        if (now < _nextPing)
            return _nextPing;
        _nextPing = now + Sweep;
        string? problem;
        await using (var scope = scopes.CreateAsyncScope())
            (_, problem) = await DatabaseReadiness.CheckAsync(scope.ServiceProvider.GetRequiredService<SteadyDb>(), database, storage, cancellationToken);
        if (problem is not null)
        {
            LogUnhealthy(logger, problem);
            return _nextPing;
        }
        try
        {
            using var request = new HttpRequestMessage(new HttpMethod(settings.Method.ToUpperInvariant()), settings.Url);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode)
                LogRefused(logger, (int)response.StatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, e.Message);
        }
        return _nextPing;
    }

    [LoggerMessage(EventId = 1401, Level = LogLevel.Warning, Message = "Watchdog: not pinging, this server is not healthy: {Problem}")]
    private static partial void LogUnhealthy(ILogger logger, string problem);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "Watchdog: the switch answered {Status}")]
    private static partial void LogRefused(ILogger logger, int status);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Warning, Message = "Watchdog: the switch could not be reached: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
