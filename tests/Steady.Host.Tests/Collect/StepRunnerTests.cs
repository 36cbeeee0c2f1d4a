using Microsoft.Extensions.Time.Testing;
using Steady.Host.Collect;
using Steady.Host.Model;

namespace Steady.Host.Tests.Collect;

public sealed class StepRunnerTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task AStepThatRunsPastItsBudgetIsPartialAndKeepsWhatItRead()
    {
        var runner = new StepRunner(_time, _ => TimeSpan.FromMilliseconds(250));

        var read = await runner.RunAsync("processes", budget =>
        {
            var items = new List<int>();
            for (var i = 0; i < 100 && budget.KeepGoing(); i++)
            {
                items.Add(i);
                _time.Advance(TimeSpan.FromMilliseconds(100)); // each item is slow
            }
            if (items.Count < 100)
                budget.MarkPartial($"read {items.Count} of 100");
            return items;
        }, TestContext.Current.CancellationToken);

        Assert.Equal(3, read!.Count);
        var step = Assert.Single(runner.Reports);
        Assert.Equal((StepReport.Partial, "read 3 of 100"), (step.Status, step.Note));
    }

    [Fact]
    public async Task AStepThatNeverReturnsIsAbandonedAfterItsBudgetAndMarkedPartial()
    {
        var runner = new StepRunner(_time, _ => TimeSpan.FromMilliseconds(300));
        using var hung = new ManualResetEventSlim();

        var running = runner.RunAsync<string>("filesystems", _ =>
        {
            hung.Wait(TestContext.Current.CancellationToken); // a statvfs on a dead NFS server
            return "never";
        }, TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromMilliseconds(300) + StepRunner.Grace(TimeSpan.FromMilliseconds(300)));
        var result = await running;
        hung.Set();

        Assert.Null(result);
        var step = Assert.Single(runner.Reports);
        Assert.Equal(StepReport.Partial, step.Status);
        Assert.Equal("did not finish within its budget of 300 ms; nothing it read is shown", step.Note);
    }

    [Fact]
    public async Task AFailingStepIsFailedWithItsReasonAndTheNextStepStillRuns()
    {
        var runner = new StepRunner(_time, _ => TimeSpan.FromSeconds(1));

        var failed = await runner.RunAsync<string>("cpu", _ => throw new IOException("cannot read /proc/stat"), TestContext.Current.CancellationToken);
        var next = await runner.RunAsync("memory", _ => "ok", TestContext.Current.CancellationToken);

        Assert.Null(failed);
        Assert.Equal("ok", next);
        Assert.Equal([("cpu", StepReport.Failed, "IOException: cannot read /proc/stat"), ("memory", StepReport.Complete, null)],
            runner.Reports.Select(r => (r.Name, r.Status, r.Note)));
    }

    [Fact]
    public async Task AStepRunBeforeAndAfterTheIntervalHasOneReportWithTheWorseStatus()
    {
        var runner = new StepRunner(_time, _ => TimeSpan.FromSeconds(1));

        await runner.RunAsync("process-sample", _ => "first", TestContext.Current.CancellationToken);
        await runner.RunAsync("process-sample", budget =>
        {
            budget.MarkPartial("read 10 of 20 processes");
            return "second";
        }, TestContext.Current.CancellationToken);

        var step = Assert.Single(runner.Reports);
        Assert.Equal((StepReport.Partial, "read 10 of 20 processes"), (step.Status, step.Note));
    }
}
