using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Prometheus;

namespace Steady.Server.Data;

/// <summary>Database command counts, durations and errors for /metrics.</summary>
public sealed class DbMetrics(string provider) : DbCommandInterceptor
{
    private static readonly Histogram Duration = Metrics.CreateHistogram(
        "steady_db_command_duration_seconds", "Time spent executing database commands.",
        new HistogramConfiguration
        {
            LabelNames = ["provider", "kind"],
            Buckets = Histogram.ExponentialBuckets(0.0001, 2, 16),
        });

    private static readonly Counter Errors = Metrics.CreateCounter(
        "steady_db_command_errors_total", "Database commands that failed.", "provider");

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        Observe("reader", eventData.Duration);
        return ValueTask.FromResult(result);
    }

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        Observe("reader", eventData.Duration);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Observe("non_query", eventData.Duration);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        Observe("scalar", eventData.Duration);
        return ValueTask.FromResult(result);
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Errors.WithLabels(provider).Inc();

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Errors.WithLabels(provider).Inc();
        return Task.CompletedTask;
    }

    private void Observe(string kind, TimeSpan duration) => Duration.WithLabels(provider, kind).Observe(duration.TotalSeconds);

    /// <summary>Times raw ADO.NET commands on hot paths that bypass EF.</summary>
    public static long Start() => Stopwatch.GetTimestamp();
}
