using Microsoft.AspNetCore.Http.HttpResults;
using Steady.Server.Data;

namespace Steady.Server.Features.Health;

public sealed record HealthDto(string Status);

public sealed record ReadyDto(string Status, string Database, int SchemaVersion, int ExpectedSchemaVersion, IReadOnlyList<WorkerDto> Workers);

public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new HealthDto("ok")))
            .WithTags("Health").WithSummary("The process is alive").AllowAnonymous();
        app.MapGet("/readyz", Ready)
            .WithTags("Health").WithSummary("The database is reachable, takes writes, has room, and its schema is current; every background worker runs and completes its passes").AllowAnonymous();
        app.MapGet("/metrics", MetricsAsync).ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    /// <summary>Prometheus text: the process's counters and histograms, then this server's gauges read from its database (<see cref="StateMetrics"/>).</summary>
    private static async Task MetricsAsync(HttpContext http, SteadyDb db, StateMetrics state, TimeProvider time, CancellationToken cancellationToken)
    {
        var fresh = await state.RefreshAsync(db, time.GetUtcNow(), cancellationToken);
        http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(http.Response.Body, cancellationToken);
        if (fresh)
            await state.Registry.CollectAndExportAsTextAsync(http.Response.Body, cancellationToken);
    }

    private static async Task<Results<Ok<ReadyDto>, ProblemHttpResult>> Ready(SteadyDb db, DatabaseInfo database, StorageHealth storage, WorkerStates workers, HttpContext http, CancellationToken cancellationToken)
    {
        var (version, problem) = await DatabaseReadiness.CheckAsync(db, database, storage, cancellationToken);
        if (problem is not null)
        {
            if (version != 0 && storage.Problem() is not null)
                http.Response.Headers.RetryAfter = Infrastructure.ErrorHandling.RetryAfterSeconds;
            return TypedResults.Problem(problem, statusCode: 503, title: "Not ready.");
        }
        var expected = Migrator.LatestVersion(database.Provider);
        var states = workers.Read();
        if (states.Where(w => w.Problem is not null).Select(w => w.Problem).ToList() is { Count: > 0 } problems)
            return TypedResults.Problem($"Background work is not running: {string.Join("; ", problems)}.", statusCode: 503, title: "Not ready.",
                extensions: new Dictionary<string, object?> { ["workers"] = states });
        return TypedResults.Ok(new ReadyDto("ready", database.Provider.ToString().ToLowerInvariant(), version, expected, states));
    }
}
