using Microsoft.AspNetCore.Diagnostics;

namespace Steady.Server.Infrastructure;

/// <summary>
/// Empty error responses (unknown route, wrong method, ...) get a body: a problem detail for API
/// clients, a plain page for people in a browser.
/// </summary>
public static class StatusPages
{
    public static Task WriteAsync(StatusCodeContext context) => WriteAsync(context.HttpContext, context.HttpContext.Response.StatusCode);

    /// <summary>The status with a body: a page saying <paramref name="detail"/> (or what the status means) for people, a problem detail for programs.</summary>
    public static async Task WriteAsync(HttpContext http, int status, string? detail = null)
    {
        http.Response.StatusCode = status;
        if (IsForPeople(http.Request))
        {
            http.Response.ContentType = "text/html; charset=utf-8";
            var text = System.Net.WebUtility.HtmlEncode(detail ?? Title(status));
            await http.Response.WriteAsync($"""
                <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
                <title>{status} · Steady</title><link rel="stylesheet" href="/steady.css"></head>
                <body><main class="narrow"><h1>{status}</h1><p>{text}</p><p><a href="/">Back to Steady</a></p></main></body></html>
                """);
            return;
        }
        // Written whatever the Accept header says: an API client gets a problem detail even if it asked for HTML.
        await TypedResults.Problem(detail ?? Detail(http.Request, status), statusCode: status, title: Title(status)).ExecuteAsync(http);
    }

    private static bool IsForPeople(HttpRequest request) =>
        !request.Path.StartsWithSegments("/api") && !request.Path.StartsWithSegments("/intake") && !request.Path.StartsWithSegments("/v2")
        && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    private static string Title(int status) => status switch
    {
        400 => "The request is not valid.",
        401 => "Authentication required.",
        403 => "Forbidden.",
        404 => "Not found.",
        405 => "Method not allowed.",
        413 => "The request body is too large.",
        415 => "Unsupported content type.",
        429 => "Too many requests.",
        _ => ReasonPhrase(status),
    };

    private static string Detail(HttpRequest request, int status) => status switch
    {
        404 => $"There is nothing at {request.Method} {request.Path}.",
        405 => $"{request.Method} is not allowed on {request.Path}.",
        415 => "Send the request body as JSON with Content-Type: application/json.",
        _ => Title(status),
    };

    private static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}
