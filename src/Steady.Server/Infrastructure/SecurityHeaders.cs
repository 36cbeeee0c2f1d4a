namespace Steady.Server.Infrastructure;

/// <summary>
/// Headers every response carries. HTML (the console, the sign-in page, ack links, the emergency line) gets a
/// Content-Security-Policy that allows scripts, styles, images and requests from this server only, no inline
/// script, no plugins, no framing; everything else (the API, feeds, intake answers, assets) a policy that allows
/// nothing at all, since none of it is meant to render as a page. Always: no framing (X-Frame-Options: DENY with
/// frame-ancestors 'none'), no content sniffing, referrers only to this server; over HTTPS (directly or through a
/// trusted proxy, <see cref="TrustedProxies"/>) HSTS for a year.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// The console's policy. Style attributes stay allowed (<c>style-src-attr 'unsafe-inline'</c>) for the schedule
    /// timeline's computed bar positions: they cannot run script; style elements and sheets from elsewhere cannot load.
    /// </summary>
    public const string PagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Anything that is not a page: nothing may load, run or frame it.</summary>
    public const string DocumentPolicy = "default-src 'none'; frame-ancestors 'none'; sandbox";

    public const string HstsValue = "max-age=31536000";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(static state =>
        {
            Apply((HttpContext)state);
            return Task.CompletedTask;
        }, context);
        return next(context);
    });

    private static void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        var page = context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true;
        headers.ContentSecurityPolicy = page ? PagePolicy : DocumentPolicy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        if (context.Request.IsHttps)
            headers.StrictTransportSecurity = HstsValue;
    }
}
