using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using NodaTime;
using Steady.Core.StatusPage;

namespace Steady.Server.Features.StatusPage;

/// <summary>
/// What the public pages share: the reading from <see cref="StatusPageCache"/> (no database work per
/// request), an ETag per reading so a reload answers 304 without rendering, and a short public cache lifetime.
/// </summary>
[PublicPage.KeepRendered]
public abstract class PublicPage(StatusPageCache cache) : PageModel
{
    public const int MaxAgeSeconds = 10;

    public StatusPageSnapshot Snapshot { get; private set; } = null!;

    private StatusPageCache.Reading? _reading;

    /// <summary>The key a rendered page is kept under in its reading: the page, the path, and where its links start.</summary>
    private string KeptName => $"html|{GetType().Name}|{HttpContext.Request.Path}|{PagePath}";

    /// <summary>
    /// Loads the page's reading and answers 304 when the browser has it; null to render. Refuses a client over
    /// its rate (429) and, for a private page, whoever is neither signed in nor holding its link (403).
    /// </summary>
    protected async Task<IActionResult?> ReadAsync(string? slug, bool cacheable = true)
    {
        if (HttpContext.RequestServices.GetRequiredService<StatusPageAccess>().Read(HttpContext) is { } wait)
        {
            await StatusPageAccess.TooManyAsync(HttpContext, wait);
            return new EmptyResult();
        }
        var reading = await cache.GetAsync(slug, HttpContext.RequestAborted);
        if (reading is null)
            return NotFound();
        if (!StatusPageAccess.Allows(HttpContext, reading.Snapshot.Page))
        {
            await StatusPageAccess.PrivateAsync(HttpContext);
            return new EmptyResult();
        }
        Snapshot = reading.Snapshot;
        _reading = reading;
        if (!cacheable)
            return null;
        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{GetType().Name}|{HttpContext.Request.Path}|{PagePath}|{Snapshot.Page.Id}|{Snapshot.Page.ChangedAt.UtcTicks}|{Snapshot.BuiltAt.UtcTicks}")))[..32] + "\"";
        Response.Headers.ETag = etag;
        Response.Headers.CacheControl = StatusPageAccess.CacheControl(Snapshot.Page);
        if (Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Select(s => s.Trim()).Contains(etag)))
            return StatusCode(StatusCodes.Status304NotModified);
        // Rendered once per reading: everyone after the first gets the same bytes from memory.
        if (reading.TryGetKept(KeptName, out var kept))
            return new FileContentResult(kept, "text/html; charset=utf-8");
        return null;
    }

    /// <summary>Where <see cref="KeepRenderedAttribute"/> keeps this response's bytes, when <see cref="RenderOnce"/> asked for it.</summary>
    internal (StatusPageCache.Reading Reading, string Name)? KeepAs { get; private set; }

    /// <summary>Renders the page and keeps its bytes in the reading, for the visitors who follow.</summary>
    protected IActionResult RenderOnce()
    {
        if (_reading is { } reading)
            KeepAs = (reading, KeptName);
        return Page();
    }

    /// <summary>
    /// Runs the page's rendering into memory, keeps the bytes (when it answered 200) where <see cref="RenderOnce"/>
    /// said, then sends them. A result filter, so Razor Pages still sets the page up for its result as usual.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class)]
    internal sealed class KeepRenderedAttribute : Attribute, Microsoft.AspNetCore.Mvc.Filters.IAsyncResultFilter
    {
        public async Task OnResultExecutionAsync(Microsoft.AspNetCore.Mvc.Filters.ResultExecutingContext context, Microsoft.AspNetCore.Mvc.Filters.ResultExecutionDelegate next)
        {
            if (context.Result is not PageResult || context.Controller is not PublicPage { KeepAs: var (reading, name) })
            {
                await next();
                return;
            }
            var response = context.HttpContext.Response;
            var body = response.Body;
            using var buffer = new MemoryStream();
            response.Body = buffer;
            try
            {
                await next();
            }
            finally
            {
                response.Body = body;
            }
            var bytes = buffer.ToArray();
            if (response.StatusCode == StatusCodes.Status200OK)
                reading.Keep(name, bytes);
            response.ContentLength = bytes.Length;
            await body.WriteAsync(bytes, context.HttpContext.RequestAborted);
        }
    }

    /// <summary>Loads a page's reading whoever asks (the caller holds a signed link to it); false when there is no such page.</summary>
    protected async Task<bool> LoadAsync(string slug)
    {
        var reading = await cache.GetAsync(slug, HttpContext.RequestAborted);
        if (reading is null)
            return false;
        Snapshot = reading.Snapshot;
        return true;
    }

    /// <summary>Where the page's links start: its path, or nothing when it is served on its own host name (<see cref="StatusPageHosts"/>).</summary>
    public string PagePath => StatusPageHosts.IsHostRequest(HttpContext) ? "" : StatusPagePaths.Of(Snapshot.Page);

    /// <summary>The page's own address, for links back to it.</summary>
    public string HomePath => PagePath.Length == 0 ? "/" : PagePath;

    public string IncidentPath(PublicIncident incident) => $"{PagePath}/incidents/{incident.Id}";

    public string IncidentPath(StatusMaintenance maintenance) => $"{PagePath}/incidents/{maintenance.Id}";

    public static string StateClass(ComponentState state) => "sp-state--" + StatusNames.Wire(state).Replace('_', '-');

    /// <summary>What the banner says for the worst current state (and open incidents).</summary>
    public string Headline
    {
        get
        {
            if (Snapshot.Worst == ComponentState.Operational && !Snapshot.Active.Any())
                return "All systems operational";
            return Snapshot.Worst switch
            {
                ComponentState.MajorOutage => "Major outage",
                ComponentState.PartialOutage => "Partial outage",
                ComponentState.DegradedPerformance => "Degraded performance",
                ComponentState.UnderMaintenance => "Under maintenance",
                _ => "Some systems are affected",
            };
        }
    }

    public string Date(LocalDate date) => date.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>The title of a day's bar: the date, the minutes down and that day's incidents.</summary>
    public string BarTitle(UptimeDay day, IReadOnlyList<string> incidents)
    {
        if (!day.Known)
            return $"{Date(day.Date)}: no data";
        var down = Math.Round(day.MinutesDown);
        var text = new StringBuilder($"{Date(day.Date)}: ");
        text.Append(down == 0 ? "no downtime" : $"{down.ToString(CultureInfo.InvariantCulture)} min down");
        if (day.MinutesMajor > 0)
            text.Append(CultureInfo.InvariantCulture, $" ({Math.Round(day.MinutesMajor)} min major outage");
        if (day.MinutesPartial > 0)
            text.Append(day.MinutesMajor > 0 ? ", " : " (").Append(CultureInfo.InvariantCulture, $"{Math.Round(day.MinutesPartial)} min partial outage");
        if (day.MinutesMajor > 0 || day.MinutesPartial > 0)
            text.Append(')');
        if (day.MinutesDegraded > 0)
            text.Append(CultureInfo.InvariantCulture, $"; {Math.Round(day.MinutesDegraded)} min degraded");
        if (day.MinutesMaintenance > 0)
            text.Append(CultureInfo.InvariantCulture, $"; {Math.Round(day.MinutesMaintenance)} min maintenance");
        text.Append(incidents.Count == 0 ? "; no incidents" : "; incidents: " + string.Join("; ", incidents));
        return text.ToString();
    }

    public static string Percent(double value) => value.ToString(value >= 99.995 || value == Math.Floor(value) ? "0.##" : "0.00", CultureInfo.InvariantCulture) + " %";
}
