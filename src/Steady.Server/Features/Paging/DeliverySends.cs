using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steady.Core.Paging;
using Steady.Server.Data;
using Steady.Server.Infrastructure;
using Steady.Server.Notify;

namespace Steady.Server.Features.Paging;

/// <summary>
/// The messages <see cref="DeliveryWorker"/> handed over, each sent on its own — at most
/// <c>Steady:Paging:SendConcurrency</c> at once per node, so one slow or hanging receiver holds up nobody else's page
/// (the worker claims more only while fewer than that are outstanding) — and each outcome recorded as soon as it is known, so a
/// node killed mid-burst sends again only what was in flight. A message goes only while its claim's lease has
/// more than half to run by this node's clock (a node that stalled after claiming finds it ran out, and sends
/// nothing; the claim is checked again in the database when the outcome is stored). Outcomes are stored together
/// (one transaction for all that finished meanwhile), each only if its claim is still this node's; when the
/// database is away they wait in memory and are stored when it is back — a send whose outcome this node knows is
/// never repeated while it lives.
/// </summary>
public sealed partial class DeliverySends(
    IServiceScopeFactory scopes,
    ChannelRegistry channels,
    MessageBuilder messages,
    OutboxClaims claims,
    IOptionsMonitor<PagingOptions> options,
    WakeSignal<DeliveryWorker> worker,
    TimeProvider time,
    ILogger<DeliverySends> logger)
{
    /// <summary>How long the recorder waits before trying again when the database refused the outcomes for now.</summary>
    private static readonly TimeSpan RecordRetry = TimeSpan.FromSeconds(1);

    /// <summary>One row's outcome, decided when its message came back; stored only while <see cref="Owner"/> holds it.</summary>
    private sealed record RowOutcome(Guid Id, DeliveryState State, DateTimeOffset? SentAt, DateTimeOffset DueAt, int Attempts, DateTimeOffset? LastAttemptAt, string? Error);

    /// <param name="NotSent">The message did not go (its lease ran out before): the rows are let go of, due now.</param>
    private sealed record Outcome(string Owner, IReadOnlyList<RowOutcome> Rows, bool NotSent = false);

    private readonly ConcurrentDictionary<Task, bool> _running = new();
    private readonly ConcurrentQueue<Outcome> _finished = new();
    private readonly List<Outcome> _unstored = [];
    private readonly CancellationTokenSource _stopping = new();
    private SemaphoreSlim? _slots;
    private int _inFlight;
    private int _full;
    private int _recording;
    private Task _recorder = Task.CompletedTask;

    /// <summary>Whether the worker may claim more: fewer messages than the concurrency are outstanding. When not, the next one to finish wakes the worker.</summary>
    public bool HasRoom()
    {
        if (Volatile.Read(ref _inFlight) < Concurrency)
            return true;
        Volatile.Write(ref _full, 1);
        return Volatile.Read(ref _inFlight) < Concurrency; // one may have finished meanwhile
    }

    private int Concurrency => Math.Max(1, options.CurrentValue.SendConcurrency);

    /// <summary>Sends the message of <paramref name="rows"/> (claimed by <paramref name="owner"/> until <paramref name="leaseUntil"/>) on its own.</summary>
    public void Start(List<Delivery> rows, string owner, DateTimeOffset leaseUntil)
    {
        Interlocked.Increment(ref _inFlight);
        var task = Task.Run(() => SendAsync(rows, owner, leaseUntil));
        _running[task] = true;
        task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>At stop: lets the messages in flight finish (until <paramref name="cancellationToken"/> gives up on them) and stores their outcomes.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(_running.Keys).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await _stopping.CancelAsync();
        }
        try
        {
            await _recorder.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // What is not stored goes again after the restart, counted as a repeat.
        }
        await _stopping.CancelAsync();
    }

    private async Task SendAsync(List<Delivery> rows, string owner, DateTimeOffset leaseUntil)
    {
        var slots = LazyInitializer.EnsureInitialized(ref _slots, () => new SemaphoreSlim(Concurrency));
        var slot = false;
        try
        {
            await slots.WaitAsync(_stopping.Token);
            slot = true;
            var result = await BuildAndSendAsync(rows, leaseUntil);
            _finished.Enqueue(result is null ? new Outcome(owner, rows.Select(Unchanged).ToList(), NotSent: true) : Decide(rows, owner, result));
            Record();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // stopping: the claim runs out (or the next start releases it), and the message goes again, counted as a repeat
        }
        catch (Exception e)
        {
            LogSendCrashed(logger, e, rows[0].Id); // the claim runs out, and the message goes again
        }
        finally
        {
            if (slot)
                slots.Release();
            Interlocked.Decrement(ref _inFlight);
            if (Interlocked.Exchange(ref _full, 0) == 1)
                worker.Wake();
        }
    }

    /// <summary>The message's outcome, or null when it was not sent because the lease ran out (this node stalled).</summary>
    private async Task<DeliveryResult?> BuildAndSendAsync(List<Delivery> rows, DateTimeOffset leaseUntil)
    {
        ContactTarget? target;
        Notification? message;
        string? problem;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            (target, message, problem) = await messages.BuildAsync(scope.ServiceProvider.GetRequiredService<SteadyDb>(), rows, _stopping.Token);
        }
        catch (Exception e) when (!_stopping.IsCancellationRequested)
        {
            // One message that cannot be built (data it cannot read) fails alone; the others go.
            var reason = EngineFailures.Describe(e);
            if (EngineFailures.IsTransient(e))
                return DeliveryResult.Retry($"Steady could not build the message for now ({reason})");
            LogBuildFailed(logger, e, rows[0].Id, reason);
            EngineFailures.Count(EngineFailures.Delivery);
            return DeliveryResult.Failed($"Steady could not build the message ({reason})");
        }
        if (target is null || message is null)
            return DeliveryResult.Failed(problem ?? "nothing to send");
        if (time.GetUtcNow() >= leaseUntil - options.CurrentValue.Lease / 2)
        {
            LogStalled(logger, message.IdempotencyKey);
            return null;
        }
        return await channels.SendAsync(target, message, _stopping.Token);
    }

    /// <summary>What the attempt means for each row: sent; retry later with backoff; or failed for good. Counted on /metrics once.</summary>
    private Outcome Decide(List<Delivery> rows, string owner, DeliveryResult result)
    {
        var attempted = rows[0].SendingAt; // when it was handed to its channel: what "sent at" means
        var now = time.GetUtcNow();
        var decided = new List<RowOutcome>();
        foreach (var row in rows)
        {
            var attempts = row.Attempts + 1;
            decided.Add(result.Outcome switch
            {
                DeliveryOutcome.Sent => new RowOutcome(row.Id, DeliveryState.Sent, attempted, row.DueAt, attempts, attempted, null),
                DeliveryOutcome.Retry when claims.RetryAt(attempts, now, result.RetryAfter) is { } retryAt =>
                    new RowOutcome(row.Id, DeliveryState.FailedTemporary, null, retryAt, attempts, attempted, result.Detail),
                DeliveryOutcome.Retry => new RowOutcome(row.Id, DeliveryState.FailedPermanent, null, row.DueAt, attempts, attempted, $"gave up after {attempts} attempts: {result.Detail}"),
                _ => new RowOutcome(row.Id, DeliveryState.FailedPermanent, null, row.DueAt, attempts, attempted, result.Detail),
            });
        }
        var channel = rows[0].Channel ?? "none";
        if (result.Outcome == DeliveryOutcome.Sent)
            PagingMetrics.Sent.WithLabels(channel).Inc();
        else
            PagingMetrics.Failed.WithLabels(channel, decided[0].State == DeliveryState.FailedTemporary ? "temporary" : "permanent").Inc();
        return new Outcome(owner, decided);
    }

    private static RowOutcome Unchanged(Delivery row) => new(row.Id, row.State, row.SentAt, row.DueAt, row.Attempts, row.LastAttemptAt, row.Error);

    /// <summary>Starts the recorder unless it runs.</summary>
    private void Record()
    {
        if (Interlocked.CompareExchange(ref _recording, 1, 0) == 0)
            _recorder = Task.Run(RecordLoopAsync);
    }

    private async Task RecordLoopAsync()
    {
        while (true)
        {
            while (_finished.TryDequeue(out var outcome))
                _unstored.Add(outcome);
            if (_unstored.Count == 0)
            {
                Volatile.Write(ref _recording, 0);
                // Another outcome may have come in after the last look and before the flag fell: look once more.
                if (_finished.IsEmpty || Interlocked.CompareExchange(ref _recording, 1, 0) != 0)
                    return;
                continue;
            }
            var left = await StoreAsync(_unstored);
            _unstored.Clear();
            _unstored.AddRange(left);
            if (left.Count > 0)
            {
                try
                {
                    await Task.Delay(RecordRetry, time, _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    Volatile.Write(ref _recording, 0);
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Stores the outcomes, together; when that fails for good, one by one, so one the database refuses does not leave
    /// the others to be sent again. Returns those to store again shortly (the database refused them for now).
    /// </summary>
    private async Task<List<Outcome>> StoreAsync(List<Outcome> outcomes)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        try
        {
            await StoreTogetherAsync(db, outcomes);
            return [];
        }
        catch (Exception e) when (EngineFailures.IsTransient(e))
        {
            LogStoreLater(logger, outcomes.Count, EngineFailures.Describe(e));
            return [.. outcomes];
        }
        catch (Exception e) when (outcomes.Count > 1)
        {
            LogStoreFailed(logger, e, outcomes.Count, EngineFailures.Describe(e));
        }
        catch (Exception e)
        {
            LogStoreFailed(logger, e, 1, EngineFailures.Describe(e));
            await StoreBareAsync(db, outcomes[0], EngineFailures.Describe(e));
            return [];
        }
        var left = new List<Outcome>();
        foreach (var outcome in outcomes)
        {
            try
            {
                await StoreTogetherAsync(db, [outcome]);
            }
            catch (Exception e) when (EngineFailures.IsTransient(e))
            {
                left.Add(outcome);
            }
            catch (Exception e)
            {
                LogStoreFailed(logger, e, 1, EngineFailures.Describe(e));
                await StoreBareAsync(db, outcome, EngineFailures.Describe(e));
            }
        }
        return left;
    }

    private async Task StoreTogetherAsync(SteadyDb db, List<Outcome> outcomes)
    {
        db.ChangeTracker.Clear();
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        foreach (var outcome in outcomes)
        {
            var stored = 0;
            foreach (var row in outcome.Rows)
            {
                // Fencing: only while the claim is still this one's. A node that stalled past its lease stores nothing over the one that took over.
                var mine = db.Deliveries.Where(d => d.Id == row.Id && d.LeaseOwner == outcome.Owner && d.State == DeliveryState.Sending);
                stored += outcome.NotSent
                    ? await mine.ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseOwner, (string?)null).SetProperty(d => d.DueAt, now).SetProperty(d => d.SendingAt, (DateTimeOffset?)null), CancellationToken.None)
                    : await mine.ExecuteUpdateAsync(s => s
                        .SetProperty(d => d.State, row.State)
                        .SetProperty(d => d.SentAt, row.SentAt)
                        .SetProperty(d => d.DueAt, row.DueAt)
                        .SetProperty(d => d.Attempts, row.Attempts)
                        .SetProperty(d => d.LastAttemptAt, row.LastAttemptAt)
                        .SetProperty(d => d.Error, row.Error)
                        .SetProperty(d => d.LeaseOwner, (string?)null)
                        .SetProperty(d => d.SendingAt, (DateTimeOffset?)null), CancellationToken.None);
            }
            if (stored < outcome.Rows.Count)
                LogTakenOver(logger, outcome.Rows.Count - stored, outcome.Rows[0].Id);
        }
        await transaction.CommitAsync(CancellationToken.None);
        // Due again (now, or at a retry's time): the worker looks at its next due time again.
        if (outcomes.Any(o => o.NotSent || o.Rows.Any(r => r.State == DeliveryState.FailedTemporary)))
            worker.Wake();
    }

    /// <summary>The outcome without what it said (the part the database may have refused), so the message is not sent again and again.</summary>
    private async Task StoreBareAsync(SteadyDb db, Outcome outcome, string reason)
    {
        EngineFailures.Count(EngineFailures.Delivery);
        db.ChangeTracker.Clear();
        foreach (var row in outcome.Rows)
        {
            try
            {
                var error = $"Steady could not store this attempt's outcome in full ({reason})";
                await db.Deliveries.Where(d => d.Id == row.Id && d.LeaseOwner == outcome.Owner).ExecuteUpdateAsync(s => s
                    .SetProperty(d => d.State, row.State)
                    .SetProperty(d => d.SentAt, row.SentAt)
                    .SetProperty(d => d.DueAt, row.DueAt)
                    .SetProperty(d => d.Attempts, row.Attempts)
                    .SetProperty(d => d.LastAttemptAt, row.LastAttemptAt)
                    .SetProperty(d => d.LeaseOwner, (string?)null)
                    .SetProperty(d => d.SendingAt, (DateTimeOffset?)null)
                    .SetProperty(d => d.Error, error), CancellationToken.None);
            }
            catch (Exception e)
            {
                // Nothing more to do here: after its lease it is sent again, with the same key.
                LogStoreFailed(logger, e, 1, EngineFailures.Describe(e));
            }
        }
    }

    [LoggerMessage(EventId = 830, Level = LogLevel.Warning, Message = "Message {Key} not sent: this node stalled until its claim's lease had less than half to run; it goes again now, to whichever node claims it")]
    private static partial void LogStalled(ILogger logger, string key);

    [LoggerMessage(EventId = 831, Level = LogLevel.Warning, Message = "The outcome of {Count} delivery(ies) of message {DeliveryId} was not stored: another node took them over meanwhile (this one stalled past its lease)")]
    private static partial void LogTakenOver(ILogger logger, int count, Guid deliveryId);

    [LoggerMessage(EventId = 832, Level = LogLevel.Warning, Message = "Could not store the outcome of {Count} message(s) for now ({Reason}); kept, and stored when the database is back")]
    private static partial void LogStoreLater(ILogger logger, int count, string reason);

    [LoggerMessage(EventId = 814, Level = LogLevel.Error, Message = "Could not store the outcome of {Count} message(s) just sent ({Reason}); storing them one by one, or they are sent again after their lease")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, int count, string reason);

    [LoggerMessage(EventId = 834, Level = LogLevel.Error, Message = "Delivery {DeliveryId} failed and is set aside: {Reason}")]
    private static partial void LogBuildFailed(ILogger logger, Exception exception, Guid deliveryId, string reason);

    [LoggerMessage(EventId = 833, Level = LogLevel.Error, Message = "Sending the message of delivery {DeliveryId} crashed; it goes again when its claim runs out")]
    private static partial void LogSendCrashed(ILogger logger, Exception exception, Guid deliveryId);
}
