using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steady.Server.Data;
using Steady.Server.Features.Paging;
using Steady.Server.Features.Alerts;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Intake;

/// <summary>
/// The single writer behind intake: takes every request waiting in the queue (up to a batch),
/// commits all their alerts in one transaction (group commit), then answers every request in the
/// batch. A request hears "stored" only after its commit; a failed commit is retried, then
/// answered as a storage failure (503) — never accepted and then lost.
/// </summary>
public sealed partial class IntakeWriter(IntakeQueue queue, IServiceScopeFactory scopes, IOptions<IntakeOptions> options, WakeSignal<EscalationWorker> engine, StorageHealth storage, ILogger<IntakeWriter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<IntakeItem>();
        var events = new List<ServiceEvent>();
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                events.Clear();
                while (events.Count < options.Value.MaxBatchAlerts && queue.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                    events.AddRange(item.Events);
                }
                var result = await CommitAsync(events, stoppingToken);
                if (result == IntakeResult.Stored)
                    engine.Wake(); // a group that triggered pages milliseconds after its commit
                foreach (var item in batch)
                    item.Done.TrySetResult(result);
                queue.Release(events.Count);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // Nothing waiting was committed: tell its senders to retry rather than leave them hanging.
            foreach (var item in batch)
                item.Done.TrySetResult(IntakeResult.StorageFailed);
            while (queue.Reader.TryRead(out var left))
                left.Done.TrySetResult(IntakeResult.StorageFailed);
        }
    }

    private async Task<IntakeResult> CommitAsync(List<ServiceEvent> events, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            // Someone acted on the same alert (a person, another node) between load and save: load again, in a new scope.
            return await ConcurrentChanges.RetryAsync(async _ =>
            {
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<AuditContext>().Set(null, "intake");
                await scope.ServiceProvider.GetRequiredService<AlertStore>().ApplyAsync(events, cancellationToken);
                IntakeMetrics.BatchSize.Observe(events.Count);
                IntakeMetrics.CommitSeconds.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
                IntakeMetrics.Stored.Inc(events.Count);
                storage.Succeeded();
                return IntakeResult.Stored;
            }, IsConflict, (attempt, e) => LogRetry(logger, events.Count, attempt, e.Message));
        }
        catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            LogFailed(logger, events.Count, e);
            storage.Failed(e);
            return IntakeResult.StorageFailed;
        }
    }

    private static bool IsConflict(Exception e) =>
        e is DbUpdateConcurrencyException || (e is DbUpdateException update && DbErrors.IsUniqueViolation(update));

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Intake batch of {Count} alerts conflicted (attempt {Attempt}): {Reason}; retrying")]
    private static partial void LogRetry(ILogger logger, int count, int attempt, string reason);

    [LoggerMessage(EventId = 301, Level = LogLevel.Error, Message = "Intake batch of {Count} alerts could not be stored; senders are told to retry")]
    private static partial void LogFailed(ILogger logger, int count, Exception exception);
}
