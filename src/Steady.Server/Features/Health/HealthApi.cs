using Microsoft.AspNetCore.Http.HttpResults;
using Steady.Server.Data;

namespace Steady.Server.Features.Health;

public sealed record HealthDto(string Status);

public sealed record ReadyDto(string Status, string Database, int SchemaVersion, int ExpectedSchemaVersion);

public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new HealthDto("ok")))
            .WithTags("Health").WithSummary("The process is alive").AllowAnonymous();
        app.MapGet("/readyz", Ready)
            .WithTags("Health").WithSummary("The database is reachable, takes writes, has room, and its schema is current").AllowAnonymous();
        return app;
    }

    private static async Task<Results<Ok<ReadyDto>, ProblemHttpResult>> Ready(SteadyDb db, DatabaseInfo database, StorageHealth storage, HttpContext http, CancellationToken cancellationToken)
    {
        var expected = Migrator.LatestVersion(database.Provider);
        int version;
        try
        {
            version = await Migrator.CurrentVersionAsync(db, cancellationToken);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            return TypedResults.Problem($"The {database.Provider} database is not reachable: {e.Message}", statusCode: 503, title: "Not ready.");
        }
        if (Migrator.TooNew(database.Provider, version) is { } tooNew)
            return TypedResults.Problem(tooNew, statusCode: 503, title: "Not ready.");
        if (version != expected)
            return TypedResults.Problem($"The database schema is at version {version}; this server needs {expected}.", statusCode: 503, title: "Not ready.");
        if (storage.Problem() is { } problem)
        {
            http.Response.Headers.RetryAfter = Infrastructure.ErrorHandling.RetryAfterSeconds;
            return TypedResults.Problem($"The database cannot take writes: {problem}.", statusCode: 503, title: "Not ready.");
        }
        return TypedResults.Ok(new ReadyDto("ready", database.Provider.ToString().ToLowerInvariant(), version, expected));
    }
}
