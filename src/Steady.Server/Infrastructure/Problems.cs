using Microsoft.AspNetCore.Http.HttpResults;
using Steady.Core;

namespace Steady.Server.Infrastructure;

/// <summary>Turns a refused command into an RFC 9457 problem detail.</summary>
public static class Problems
{
    public static ProblemHttpResult ToProblem(this Failure failure)
    {
        var status = failure.Kind switch
        {
            FailureKind.Invalid => StatusCodes.Status400BadRequest,
            FailureKind.NotFound => StatusCodes.Status404NotFound,
            FailureKind.Conflict => StatusCodes.Status409Conflict,
            FailureKind.Forbidden => StatusCodes.Status403Forbidden,
            FailureKind.TooManyRequests => StatusCodes.Status429TooManyRequests,
            _ => StatusCodes.Status400BadRequest,
        };
        var extensions = failure.Errors is null ? null : new Dictionary<string, object?> { ["errors"] = failure.Errors };
        foreach (var (name, value) in failure.Extensions ?? new Dictionary<string, object?>())
            (extensions ??= [])[name] = value;
        return TypedResults.Problem(failure.Detail, statusCode: status, title: failure.Title, extensions: extensions);
    }

    /// <summary>The problem, with Retry-After (whole seconds, rounded up) when the failure says when to retry.</summary>
    public static ProblemHttpResult ToProblem(this Failure failure, HttpContext http)
    {
        if (failure.RetryAfter is { } wait)
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return failure.ToProblem();
    }

    public static ProblemHttpResult Forbidden(string detail) => Failure.Forbidden(detail).ToProblem();

    public static ProblemHttpResult NotFound(string what) => Failure.NotFound(what).ToProblem();
}
