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
