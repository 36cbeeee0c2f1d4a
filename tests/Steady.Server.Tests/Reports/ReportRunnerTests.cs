using Microsoft.Extensions.Time.Testing;
using Steady.Server.Features.Reports;

namespace Steady.Server.Tests.Reports;

/// <summary>Reports are computed one at a time, in order, on the runner's own thread; one given up before its turn is never computed.</summary>
public sealed class ReportRunnerTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReportsAskedTogetherAreComputedOneAfterTheOtherOnTheRunnersThread()
    {
        using var runner = new ReportRunner(TimeProvider.System);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var order = new List<string>();
        var first = runner.RunAsync(async _ =>
        {
            order.Add("first started");
            started.SetResult(Thread.CurrentThread.Name!);
            await release.Task.WaitAsync(Cancel);
            order.Add("first done");
            return 1;
        }, Cancel);
        var second = runner.RunAsync(_ =>
        {
            order.Add("second started");
            return Task.FromResult(2);
        }, Cancel);

        Assert.Equal("Steady reports", await started.Task.WaitAsync(Cancel));
        Assert.False(second.IsCompleted); // waits its turn behind the first
        release.SetResult();
        var results = await Task.WhenAll(first, second).WaitAsync(Cancel);
        Assert.Equal([1, 2], results);
        Assert.Equal(["first started", "first done", "second started"], order);
    }

    [Fact]
    public async Task AReportGivenUpBeforeItsTurnIsNeverComputedAndAFailureReachesItsCaller()
    {
        using var runner = new ReportRunner(TimeProvider.System);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocker = runner.RunAsync(async _ =>
        {
            await release.Task.WaitAsync(Cancel);
            return 0;
        }, Cancel);
        using var giveUp = new CancellationTokenSource();
        var computed = false;
        var abandoned = runner.RunAsync(_ =>
        {
            computed = true;
            return Task.FromResult(1);
        }, giveUp.Token);
        var failing = runner.RunAsync<int>(_ => throw new InvalidOperationException("broken"), Cancel);

        await giveUp.CancelAsync();
        await Assert.ThrowsAsync<TaskCanceledException>(() => abandoned.WaitAsync(Cancel)); // answered at once, not at its turn
        release.SetResult();
        await blocker.WaitAsync(Cancel);
        Assert.Equal("broken", (await Assert.ThrowsAsync<InvalidOperationException>(() => failing.WaitAsync(Cancel))).Message);
        Assert.False(computed);
    }

    [Fact]
    public async Task AScratchTallyIsTheSameForEveryReportOfTheRunner()
    {
        using var runner = new ReportRunner(TimeProvider.System);
        var one = await runner.RunAsync(_ => Task.FromResult(runner.Scratch(() => new List<int>())), Cancel);
        var two = await runner.RunAsync(_ => Task.FromResult(runner.Scratch(() => new List<int>())), Cancel);
        Assert.Same(one, two);
    }

    [Fact]
    public async Task TwoMinutesAfterTheLastReportTheScratchIsDroppedAndTheNextReportMakesItAnew()
    {
        var clock = new FakeTimeProvider();
        var released = 0;
        using var runner = new ReportRunner(clock, () => Interlocked.Increment(ref released));
        var first = await runner.RunAsync(_ => Task.FromResult(runner.Scratch(() => new List<int>())), Cancel);
        clock.Advance(ReportRunner.KeepScratch - TimeSpan.FromSeconds(1));
        // A report within two minutes keeps it, and counts the two minutes from its own end.
        Assert.Same(first, await runner.RunAsync(_ => Task.FromResult(runner.Scratch(() => new List<int>())), Cancel));
        clock.Advance(ReportRunner.KeepScratch - TimeSpan.FromSeconds(1));
        Assert.Same(first, await runner.RunAsync(_ => Task.FromResult(runner.Scratch(() => new List<int>())), Cancel));
        Assert.Equal(0, runner.Dropped);
        Assert.Equal(0, released);

        clock.Advance(ReportRunner.KeepScratch);
        await Incidents.IncidentWorld.EventuallyAsync(() => runner.Dropped == 1 ? "" : null, "the scratch dropped");
        Assert.Equal(1, released); // the worker's pooled connections with it
        Assert.NotSame(first, await runner.RunAsync(_ => Task.FromResult(runner.Scratch(() => new List<int>())), Cancel));
        clock.Advance(ReportRunner.KeepScratch);
        await Incidents.IncidentWorld.EventuallyAsync(() => runner.Dropped == 2 ? "" : null, "the new scratch dropped");
    }

    [Fact]
    public async Task AScratchTallyMadeAgainAfterADropIsGivenTheSizeTheDroppedOneHad()
    {
        var clock = new FakeTimeProvider();
        using var runner = new ReportRunner(clock);
        var asked = new List<int>();
        HashSet<int> Tally() => runner.Scratch(size =>
        {
            asked.Add(size);
            return new HashSet<int>(size);
        }, set => set.Count);
        await runner.RunAsync(_ =>
        {
            Tally().UnionWith(Enumerable.Range(0, 5000));
            return Task.FromResult(0);
        }, Cancel);
        clock.Advance(ReportRunner.KeepScratch);
        await Incidents.IncidentWorld.EventuallyAsync(() => runner.Dropped == 1 ? "" : null, "the scratch dropped");
        var again = await runner.RunAsync(_ => Task.FromResult(Tally()), Cancel);
        Assert.Equal([0, 5000], asked);
        Assert.True(again.EnsureCapacity(0) >= 5000); // made with room for them
    }
}
