using Steady.Server.Infrastructure;

namespace Steady.Server.Features.StatusPage;

/// <summary>
/// What programs read from a status page, open to anyone: the Statuspage v2 JSON at <c>/api/v2/…</c>
/// (the default page) and <c>/status/{slug}/api/v2/…</c>, and the history feeds at <c>/history.atom</c>,
/// <c>/history.rss</c> and under each page's path. Each is rendered once per reading of the page and
/// served from memory, with an ETag (304 when it matches) and a short public cache lifetime; a private page's
/// only to those <see cref="StatusPageAccess"/> lets in, and every client within its rate.
/// </summary>
public static class PublicFeedsApi
{
    private const string JsonType = "application/json; charset=utf-8";

    private static readonly (string Path, string Type, Func<StatusPageSnapshot, string, byte[]> Render)[] Documents =
    [
        ("api/v2/summary.json", JsonType, StatuspageV2.Summary),
        ("api/v2/status.json", JsonType, StatuspageV2.StatusOnly),
        ("api/v2/components.json", JsonType, StatuspageV2.ComponentsOnly),
        ("api/v2/incidents.json", JsonType, (s, b) => StatuspageV2.Incidents(s, b, unresolved: false)),
        ("api/v2/incidents/unresolved.json", JsonType, (s, b) => StatuspageV2.Incidents(s, b, unresolved: true)),
        ("api/v2/scheduled-maintenances.json", JsonType, (s, b) => StatuspageV2.ScheduledMaintenances(s, b, "all")),
        ("api/v2/scheduled-maintenances/upcoming.json", JsonType, (s, b) => StatuspageV2.ScheduledMaintenances(s, b, "upcoming")),
        ("api/v2/scheduled-maintenances/active.json", JsonType, (s, b) => StatuspageV2.ScheduledMaintenances(s, b, "active")),
        ("history.atom", "application/atom+xml; charset=utf-8", HistoryFeeds.Atom),
        ("history.rss", "application/rss+xml; charset=utf-8", HistoryFeeds.Rss),
    ];

    public static WebApplication MapPublicFeeds(this WebApplication app)
    {
        foreach (var (path, type, render) in Documents)
        {
            var name = path;
            app.MapGet("/" + path, (HttpContext http, StatusPageCache cache, PublicUrls urls, StatusPageAccess access) => ServeAsync(http, cache, urls, access, null, name, type, render))
                .AllowAnonymous().WithTags("Status page (public)").WithSummary($"The default status page's {path}");
            app.MapGet("/status/{slug}/" + path, (string slug, HttpContext http, StatusPageCache cache, PublicUrls urls, StatusPageAccess access) => ServeAsync(http, cache, urls, access, slug, name, type, render))
                .AllowAnonymous().WithTags("Status page (public)").WithSummary($"A status page's {path}");
            if (path.StartsWith("history.", StringComparison.Ordinal))
            {
                app.MapGet("/status/" + path, (HttpContext http, StatusPageCache cache, PublicUrls urls, StatusPageAccess access) => ServeAsync(http, cache, urls, access, null, name, type, render))
                    .AllowAnonymous().ExcludeFromDescription();
            }
        }
        return app;
    }

    private static async Task ServeAsync(HttpContext http, StatusPageCache cache, PublicUrls urls, StatusPageAccess access, string? slug, string name, string type, Func<StatusPageSnapshot, string, byte[]> render)
    {
        if (access.Read(http) is { } wait)
        {
            await StatusPageAccess.TooManyAsync(http, wait);
            return;
        }
        var reading = await cache.GetAsync(slug, http.RequestAborted);
        if (reading is null)
        {
            await StatusPages.WriteAsync(http, StatusCodes.Status404NotFound, slug is null ? "There is no status page yet." : $"There is no status page '{slug}'.");
            return;
        }
        if (!StatusPageAccess.Allows(http, reading.Snapshot.Page))
        {
            await StatusPageAccess.PrivateAsync(http);
            return;
        }
        var rendered = reading.Render(name, s => render(s, urls.Base()));
        var headers = http.Response.Headers;
        headers.ETag = rendered.ETag;
        headers.CacheControl = StatusPageAccess.CacheControl(reading.Snapshot.Page);
        headers.AccessControlAllowOrigin = "*";
        if (http.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Select(t => t.Trim()).Contains(rendered.ETag)))
        {
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }
        http.Response.ContentType = type;
        http.Response.ContentLength = rendered.Bytes.Length;
        await http.Response.Body.WriteAsync(rendered.Bytes, http.RequestAborted);
    }
}
