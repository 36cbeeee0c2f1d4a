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
    /// The console's policy: no inline script and no style attributes. A page that computes styles (the schedule
    /// timeline's bar positions) writes them in one style element carrying the response's nonce
    /// (<see cref="StyleNonce"/>), which the policy then names.
    /// </summary>
    public static string PagePolicy(string? styleNonce) =>
        "default-src 'self'; script-src 'self'; style-src 'self'" + (styleNonce is null ? "" : $" 'nonce-{styleNonce}'") + "; img-src 'self' data:; " +
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private const string NonceKey = "Steady.StyleNonce";

    /// <summary>This response's nonce for a style element, made when a page first asks; the policy names it.</summary>
    public static string StyleNonce(HttpContext context)
    {
        if (context.Items[NonceKey] is string nonce)
            return nonce;
        nonce = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        context.Items[NonceKey] = nonce;
        return nonce;
    }

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
        headers.ContentSecurityPolicy = page ? PagePolicy(context.Items[NonceKey] as string) : DocumentPolicy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        if (context.Request.IsHttps)
            headers.StrictTransportSecurity = HstsValue;
    }
}
