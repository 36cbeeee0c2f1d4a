namespace Steady.Server.Infrastructure;

/// <summary>
/// Wakes the worker <typeparamref name="TWorker"/> when something it waits for changed (a ping, a new check, an acknowledgement).
/// A wake is never lost: the worker takes the wakes so far (<see cref="Take"/>) before it looks at its work, so what a
/// wake announces was either there when it looked, or ends the wait after that pass. (A semaphore waited on with a
/// cancellation token lost them: a wait that its timer had ended was still registered for a moment after, and a wake
/// in that moment — an alert committed as a due escalation step was being run — went to it, so the new alert waited
/// for the next wake or due time: 40-110 ms for 1-2 % of pages in bench/reports/during.sh.)
/// </summary>
public sealed class WakeSignal<TWorker>
{
    private TaskCompletionSource _wake = NewWake();

    public void Wake() => Volatile.Read(ref _wake).TrySetResult();

    /// <summary>
    /// Takes the wakes so far (the worker calls it before each pass, and only the worker): the task it returns completes
    /// at the next wake after this call. A wake that completed the one taken came before this call, so before the pass.
    /// </summary>
    internal Task Take()
    {
        var current = Volatile.Read(ref _wake);
        if (!current.Task.IsCompleted)
            return current.Task;
        var fresh = NewWake();
        Volatile.Write(ref _wake, fresh);
        return fresh.Task;
    }

    /// <summary>Completed by whoever wakes; the worker's continuation runs on the thread pool, not on the waker's thread.</summary>
    private static TaskCompletionSource NewWake() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// A worker whose work has due times in the database: it does what is due, then sleeps until the
/// next due time, a wake signal, or a periodic sweep (the safety net for work another node wrote),
/// whichever comes first — all on the injected clock, so tests move time instead of sleeping. A pass that
/// failed (the database away, say) is tried again after <see cref="AfterFailure"/>, not after a whole sweep:
/// once the database is back, due work goes within about a second.
/// </summary>
public abstract partial class DueTimeWorker<TWorker>(WakeSignal<TWorker> signal, TimeProvider time, ILogger logger) : BackgroundService, IReportsPasses
{
    private long _lastPassTicks = long.MinValue;
    private long _startedTicks = long.MinValue;

    /// <inheritdoc/>
    public DateTimeOffset? StartedAt => Read(ref _startedTicks);

    /// <inheritdoc/>
    public DateTimeOffset? LastPassAt => Read(ref _lastPassTicks);

    /// <inheritdoc/>
    public bool HasStopped => ExecuteTask is { IsCompleted: true };

    /// <inheritdoc/>
    public virtual TimeSpan MaxQuiet => Sweep * 4 + TimeSpan.FromMinutes(1);

    private static DateTimeOffset? Read(ref long ticks) => Interlocked.Read(ref ticks) is var t && t == long.MinValue ? null : new DateTimeOffset(t, TimeSpan.Zero);

    protected virtual TimeSpan Sweep => TimeSpan.FromSeconds(15);

    /// <summary>How far the clock may move between reading it and starting the timer before the wait is worked out again.</summary>
    private static readonly TimeSpan ClockJump = TimeSpan.FromSeconds(1);

    /// <summary>How long after a failed pass the next one starts.</summary>
    private static readonly TimeSpan AfterFailure = TimeSpan.FromSeconds(1);

    protected TimeProvider Time => time;

    /// <summary>Does everything due now; returns when the next work falls due, if known.</summary>
    protected internal abstract Task<DateTimeOffset?> RunDueAsync(CancellationToken cancellationToken);

    /// <summary>Runs once before the first pass (e.g. to let go of claims a dead process left behind).</summary>
    protected virtual Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Interlocked.Exchange(ref _startedTicks, time.GetUtcNow().UtcTicks);
        await StartingAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var woken = signal.Take(); // before the pass looks: a wake from now on ends the wait after it
            DateTimeOffset? next;
            try
            {
                next = await RunDueAsync(stoppingToken);
                Interlocked.Exchange(ref _lastPassTicks, time.GetUtcNow().UtcTicks);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, GetType().Name, e);
                next = time.GetUtcNow() + AfterFailure;
            }
            var before = time.GetUtcNow();
            var wait = next is { } due ? due - before : Sweep;
            wait = wait < TimeSpan.Zero ? TimeSpan.Zero : wait > Sweep ? Sweep : wait;
            using var sleeping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            try
            {
                var sleep = Task.Delay(wait, time, sleeping.Token);
                // The clock jumped between reading it and the timer starting (a test's clock moved on, or the system's
                // was set): the timer counts its whole wait from the new time, so what fell due in the jump would wait
                // for it. Look again now instead. (A clock that merely ran on for microseconds is no jump.)
                if (wait > TimeSpan.Zero && time.GetUtcNow() - before > ClockJump)
                    continue;
                await Task.WhenAny(sleep, woken);
            }
            finally
            {
                await sleeping.CancelAsync(); // the timer, when the wake ended the wait first
            }
        }
    }

    [LoggerMessage(EventId = 330, Level = LogLevel.Error, Message = "{Worker} pass failed; retrying after its next wait")]
    private static partial void LogFailed(ILogger logger, string worker, Exception exception);
}

/// <summary>A background worker that works in passes: /readyz names one that stopped or has not completed a pass for longer than <see cref="MaxQuiet"/>.</summary>
public interface IReportsPasses
{
    /// <summary>When it started running, on the injected clock; null before.</summary>
    DateTimeOffset? StartedAt { get; }

    /// <summary>When its last pass completed; null before the first.</summary>
    DateTimeOffset? LastPassAt { get; }

    /// <summary>Its loop has ended (while the server still runs: it died).</summary>
    bool HasStopped { get; }

    /// <summary>How long it may go without completing a pass before it counts as stuck.</summary>
    TimeSpan MaxQuiet { get; }
}
