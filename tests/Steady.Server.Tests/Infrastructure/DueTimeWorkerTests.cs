using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Steady.Server.Infrastructure;

namespace Steady.Server.Tests.Infrastructure;

/// <summary>
/// A worker asleep until its next due time on the injected clock. A clock that jumps between the worker reading it
/// and its timer starting (a test moving time on while the worker is between passes) must not leave what fell due
/// in the jump waiting for a timer that now counts from the new time.
/// </summary>
public sealed class DueTimeWorkerTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AClockThatJumpsJustBeforeTheTimerStartsGetsAPassAtOnce()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        var jumpy = new JumpBeforeTimer(clock) { Jump = TimeSpan.FromMinutes(31) };
        using var worker = new Counting(jumpy);

        await worker.StartAsync(Cancel);
        try
        {
            // Pass 1 says the next work is due in 30 minutes; the clock jumps 31 minutes as the timer starts.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (worker.Passes < 2)
            {
                Assert.True(DateTime.UtcNow < deadline, $"after the jump the worker made {worker.Passes} pass(es) in 10 s: it sleeps on a timer counting from the new time");
                await Task.Delay(20, Cancel);
            }
            Assert.Equal(new DateTimeOffset(2026, 11, 24, 9, 31, 0, TimeSpan.Zero), worker.SecondPassAt);
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task AClockThatRunsOnNormallySleepsUntilTheNextDueTime()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        using var worker = new Counting(clock);

        await worker.StartAsync(Cancel);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (worker.Passes < 1)
            {
                Assert.True(DateTime.UtcNow < deadline, "no first pass");
                await Task.Delay(20, Cancel);
            }
            await Task.Delay(300, Cancel);
            Assert.Equal(1, worker.Passes); // nothing due: asleep, not spinning

            clock.Advance(TimeSpan.FromSeconds(15)); // the sweep
            while (worker.Passes < 2)
            {
                Assert.True(DateTime.UtcNow < deadline, "no pass after the sweep's wait");
                await Task.Delay(20, Cancel);
            }
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task AWakeWhileAPassRunsIsNeverLostAfterAWaitTheTimerEnded()
    {
        // The escalation worker: a step due now (its wait ends by the timer), and while that pass runs an alert commits
        // and wakes it. The pass did not see the alert; the wake must give it another pass at once, not after the
        // next due time (measured in bench/reports/during.sh: probes waited 40-110 ms, the wake taken by the wait that
        // had already ended).
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        using var worker = new WakingDuringPass(clock);
        await worker.StartAsync(Cancel);
        try
        {
            await EventuallyAsync(() => worker.Passes >= 1, "no first pass");
            for (var i = 0; i < 200; i++)
            {
                var before = worker.Passes;
                worker.WakeInNextPass = true;
                clock.Advance(TimeSpan.FromSeconds(1)); // the due time: the timer ends the wait, the pass wakes the worker
                await EventuallyAsync(() => worker.Passes >= before + 2, $"round {i}: the wake during pass {before + 1} was lost (the clock did not move, so only the wake could start another)");
                await EventuallyAsync(() => !worker.WakeInNextPass, "the wake was not sent");
            }
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }

    private static async Task EventuallyAsync(Func<bool> done, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(1, Cancel);
        }
    }

    /// <summary>Every pass says the next work is due in a second; when asked, a pass wakes the worker from another thread while it runs.</summary>
    private sealed class WakingDuringPass(TimeProvider time) : DueTimeWorker<WakingDuringPass>(Signal, time, NullLogger.Instance)
    {
        private static readonly WakeSignal<WakingDuringPass> Signal = new();
        private int _passes;
        private volatile bool _wake;

        public int Passes => Volatile.Read(ref _passes);

        public bool WakeInNextPass { get => _wake; set => _wake = value; }

        protected internal override async Task<DateTimeOffset?> RunDueAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _passes);
            if (_wake)
            {
                _wake = false;
                await Task.Run(Signal.Wake, cancellationToken); // the intake writer's thread, after its commit
            }
            return Time.GetUtcNow().AddSeconds(1);
        }
    }

    private sealed class Counting(TimeProvider time) : DueTimeWorker<Counting>(new WakeSignal<Counting>(), time, NullLogger.Instance)
    {
        private int _passes;

        public int Passes => Volatile.Read(ref _passes);

        public DateTimeOffset? SecondPassAt { get; private set; }

        protected internal override Task<DateTimeOffset?> RunDueAsync(CancellationToken cancellationToken)
        {
            var now = Time.GetUtcNow();
            if (Interlocked.Increment(ref _passes) == 2)
                SecondPassAt = now;
            return Task.FromResult<DateTimeOffset?>(now.AddMinutes(30));
        }
    }

    /// <summary>The fake clock, moved on by <see cref="Jump"/> (once) just before the next timer is made: the moment between reading the clock and the timer starting.</summary>
    private sealed class JumpBeforeTimer(FakeTimeProvider inner) : TimeProvider
    {
        public TimeSpan Jump { get; set; }

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (Jump > TimeSpan.Zero)
            {
                var jump = Jump;
                Jump = TimeSpan.Zero;
                inner.Advance(jump);
            }
            return inner.CreateTimer(callback, state, dueTime, period);
        }
    }
}
