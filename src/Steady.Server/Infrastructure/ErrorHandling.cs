using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Steady.Server.Infrastructure;

/// <summary>
/// Every error a client can cause becomes a problem detail naming the reason: malformed or
/// wrongly typed JSON (with its path), oversized bodies, wrong content types. Anything else is
/// ours: logged (with the route's template, never the path, which may hold an integration key or a
/// token) and answered with a 500 that leaks nothing. A JSON error is the client's only when it came
/// from reading the request (ASP.NET wraps those in a BadHttpRequestException); one from writing a
/// response is a 500, not a 400 blamed on the request. A database that is away or full is nobody's bug: 503 with
/// Retry-After, and <c>/readyz</c> says why (<see cref="Data.StorageHealth"/>).
/// </summary>
public sealed partial class ErrorHandling(IProblemDetailsService problems, Data.StorageHealth storage, ILogger<ErrorHandling> logger) : IExceptionHandler
{
    /// <summary>What a 503 for a database that is away asks clients to wait, in seconds.</summary>
    public const string RetryAfterSeconds = "5";

    public const long MaxBodyBytes = 1024 * 1024;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = Describe(exception);
        if (status == 503)
        {
            storage.Failed(exception);
            LogUnavailable(logger, context.Request.Method, RouteOf(context), exception.GetBaseException().Message);
            context.Response.Headers.RetryAfter = RetryAfterSeconds;
        }
        else if (status >= 500)
        {
            LogUnhandled(logger, context.Request.Method, RouteOf(context), exception);
        }
        context.Response.StatusCode = status;
        if (await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        }))
            return true;
        await TypedResults.Problem(detail, statusCode: status, title: title).ExecuteAsync(context);
        return true;
    }

    public static (int Status, string Title, string Detail) Describe(Exception exception)
    {
        switch (exception)
        {
            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                return (413, "The request body is too large.", $"The request body is larger than the limit of {MaxBodyBytes / 1024} KiB.");
            case BadHttpRequestException bad when FindJsonError(bad) is { } json:
                return (400, "The request body is not valid JSON for this endpoint.", DescribeJson(json));
            case BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType }:
                return (415, "Unsupported content type.", "Send the request body as JSON with Content-Type: application/json.");
            case BadHttpRequestException bad when bad.Message.Contains("no body was provided", StringComparison.Ordinal):
                return (400, "The request body is missing.", "This endpoint needs a JSON request body.");
            case BadHttpRequestException bad:
                return (bad.StatusCode, "The request is not valid.", bad.Message);
            case AccountUnavailableException:
                return (401, "Authentication required.", exception.Message);
            case var e when Data.DbErrors.IsUnavailable(e):
                return (503, "Storage unavailable.", Data.DbErrors.IsFull(e)
                    ? "The disk under Steady's database is full; nothing was changed. Retry shortly."
                    : "Steady's database is unavailable right now; nothing was changed. Retry shortly.");
            case OperationCanceledException:
                return (499, "The request was cancelled.", "The client closed the request.");
            default:
                return (500, "An unexpected error occurred.", "The server could not complete the request; the error has been logged.");
        }
    }

    /// <summary>The route as written (/intake/{key}/generic), as /metrics labels it: the path itself may carry a secret.</summary>
    public static string RouteOf(HttpContext context) =>
        (context.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint()) is RouteEndpoint { RoutePattern.RawText: { } template } ? template : "(no route)";

    private static JsonException? FindJsonError(Exception exception)
    {
        for (var e = exception.InnerException; e is not null; e = e.InnerException)
        {
            if (e is JsonException json)
                return json;
        }
        return null;
    }

    private static string DescribeJson(JsonException json)
    {
        var message = json.Message;
        // System.Text.Json appends "Path: $.x | LineNumber ..." to some messages; keep the sentence and name the field once.
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0)
            message = message[..cut];
        // Name fields, not .NET types: "for type 'Steady.Server...TeamInput'" means nothing to an API client.
        message = Unmapped().Replace(message, "'$1' is not a field of this request (check its spelling).");
        message = Duplicate().Replace(message, m => m.Groups[1].Success ? $"'{m.Groups[1].Value}' is given twice." : "A field is given twice.");
        message = TypeName().Replace(message, "");
        message = ConvertedTo().Replace(message, "The JSON value has the wrong type for this field.");
        var path = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? null : json.Path;
        if (path is not null && message.StartsWith("must ", StringComparison.Ordinal))
            return $"{path} {message}"; // our converters' words: "$.startsAt must be between …"
        if (path is not null && message.StartsWith('\'') && message.Contains("' must ", StringComparison.Ordinal))
            return $"{path}.{message[1..].Replace("' must ", " must ", StringComparison.Ordinal)}"; // "$.layers[0].restrictions must not hold null (item 0)."
        return path is null ? message : $"{message} (at {path})";
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"The JSON value could not be converted to [^ ]+\.")]
    private static partial System.Text.RegularExpressions.Regex ConvertedTo();

    [System.Text.RegularExpressions.GeneratedRegex(@"The JSON property '([^']*)' could not be mapped to any \.NET member contained in type '[^']+'\.")]
    private static partial System.Text.RegularExpressions.Regex Unmapped();

    [System.Text.RegularExpressions.GeneratedRegex(@"Duplicate propert(?:y '([^']*)' encountered|ies not allowed) during deserialization(?: of type '[^']+')?\.")]
    private static partial System.Text.RegularExpressions.Regex Duplicate();

    [System.Text.RegularExpressions.GeneratedRegex(@" (for|on|of) type '[^']+'")]
    private static partial System.Text.RegularExpressions.Regex TypeName();

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "{Method} {Route} answered 503: the database is unavailable ({Reason})")]
    private static partial void LogUnavailable(ILogger logger, string method, string route, string reason);

    [LoggerMessage(EventId = 1000, Level = LogLevel.Error, Message = "Unhandled error in {Method} {Route}")]
    private static partial void LogUnhandled(ILogger logger, string method, string route, Exception exception);
}
