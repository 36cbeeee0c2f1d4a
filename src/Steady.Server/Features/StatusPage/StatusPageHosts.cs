using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using Steady.Core.StatusPage;
using Steady.Server.Data;

namespace Steady.Server.Features.StatusPage;

/// <summary>
/// Pages on their own host name: a request whose host (the client's, through a trusted proxy: see
/// Infrastructure/TrustedProxies) is a page's host name is that page — <c>/</c> its front page,
/// <c>/incidents/{id}</c>, <c>/api/v2/…</c>, <c>/history.atom</c>, <c>/subscribe</c> its own — and nothing
/// else of Steady is served there. The host names are read from the database when one changes on this
/// node, and compared at most once a second for changes made on another; a request never waits for it
/// but the first.
/// </summary>
public sealed partial class StatusPageHosts(IServiceScopeFactory scopes, StatusPageCache cache, TimeProvider time, ILogger<StatusPageHosts> logger)
{
    private const string HostItem = "steady.status-host";
    private static readonly string[] Assets = ["/steady.css", "/favicon.svg"];

    private FrozenDictionary<string, string> _hosts = FrozenDictionary<string, string>.Empty;
    private long _generation = -1;
    private DateTimeOffset _readAt;
    private int _reading;

    /// <summary>Whether the request came in on a page's own host name (its links then start at /).</summary>
    public static bool IsHostRequest(HttpContext http) => http.Items.ContainsKey(HostItem);

    public async Task InvokeAsync(HttpContext http, Func<Task> next)
    {
        var hosts = await HostsAsync();
        if (hosts.Count == 0 || !hosts.TryGetValue(http.Request.Host.Host.ToLowerInvariant(), out var slug))
        {
            await next();
            return;
        }
        var path = http.Request.Path.Value ?? "/";
        if (Assets.Contains(path, StringComparer.Ordinal))
        {
            await next();
            return;
        }
        string? mapped = path switch
        {
            "/" or "" => $"/status/{slug}",
            _ when path.StartsWith("/subscriptions/", StringComparison.Ordinal) => "/status" + path,
            _ when path.StartsWith("/incidents/", StringComparison.Ordinal) || path.StartsWith("/api/v2/", StringComparison.Ordinal)
                || path is "/history.atom" or "/history.rss" or "/subscribe" => $"/status/{slug}{path}",
            _ => null,
        };
        if (mapped is null)
        {
            await Infrastructure.StatusPages.WriteAsync(http, StatusCodes.Status404NotFound, "There is nothing here: this host name serves a status page.");
            return;
        }
        http.Items[HostItem] = slug;
        http.Request.Path = mapped;
        await next();
    }

    private async ValueTask<FrozenDictionary<string, string>> HostsAsync()
    {
        var generation = cache.Generation;
        var now = time.GetUtcNow();
        if (generation == Interlocked.Read(ref _generation) && now - _readAt < StatusPageCache.CheckEvery)
            return _hosts;
        if (generation != Interlocked.Read(ref _generation))
        {
            // Changed on this node (or the first request): read before answering, so the change holds at once.
            await ReadAsync(generation, now);
        }
        else if (Interlocked.CompareExchange(ref _reading, 1, 0) == 0)
        {
            // Only time passed: look for another node's change without holding this request up.
            _ = Task.Run(async () =>
            {
                try
                {
                    await ReadAsync(generation, now);
                }
                finally
                {
                    Volatile.Write(ref _reading, 0);
                }
            });
        }
        return _hosts;
    }

    private async Task ReadAsync(long generation, DateTimeOffset now)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
            var pairs = await db.Set<PublicStatusPage>().AsNoTracking().Where(p => p.HostName != null).Select(p => new { p.HostName, p.Slug }).ToListAsync();
            _hosts = pairs.ToFrozenDictionary(p => p.HostName!, p => p.Slug, StringComparer.OrdinalIgnoreCase);
            _readAt = now;
            Interlocked.Exchange(ref _generation, generation);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            // The database is away: keep the names known, and try again on the next request.
            LogReadFailed(logger, e);
        }
    }

    [LoggerMessage(EventId = 1710, Level = LogLevel.Warning, Message = "Could not read the status pages' host names; keeping those known")]
    private static partial void LogReadFailed(ILogger logger, Exception exception);
}

public static class StatusPageHostsMiddleware
{
    /// <summary>Serves pages on their own host names; before routing, after the trusted proxies' headers are read.</summary>
    public static IApplicationBuilder UseStatusPageHosts(this IApplicationBuilder app)
    {
        var hosts = app.ApplicationServices.GetRequiredService<StatusPageHosts>();
        return app.Use((http, next) => hosts.InvokeAsync(http, () => next(http)));
    }
}
