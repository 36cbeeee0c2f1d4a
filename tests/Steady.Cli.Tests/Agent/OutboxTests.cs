using Steady.Agent;

namespace Steady.Cli.Tests.Agent;

public sealed class OutboxTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 13, 0, 0, TimeSpan.Zero);

    private static AlertChange Change(string key, string status = AlertChange.Firing) => new(key, status, $"{key} is failing", "error", "c", null, At);

    [Fact]
    public void TheLatestChangeOfAKeyReplacesTheOneWaitingInItsPlace()
    {
        var outbox = new Outbox(10);
        outbox.Add(Change("a"));
        outbox.Add(Change("b"));

        outbox.Add(Change("a", AlertChange.Resolved));

        Assert.Equal(["a:resolved", "b:firing"], outbox.Changes.Select(c => $"{c.DedupKey}:{c.Status}"));
    }

    [Fact]
    public void WhenFullTheOldestGoesAndIsCounted()
    {
        var outbox = new Outbox(2);

        foreach (var key in new[] { "a", "b", "c", "d" })
            outbox.Add(Change(key));
        outbox.Heartbeat = At;

        Assert.Equal(["c", "d"], outbox.Changes.Select(c => c.DedupKey));
        Assert.Equal(2, outbox.Dropped);
        Assert.Equal(3, outbox.Count);
    }

    [Fact]
    public void ANewerChangeThatCameWhileSendingStaysWaiting()
    {
        var outbox = new Outbox(10);
        outbox.Add(Change("a"));
        var sending = outbox.Changes.ToList();
        outbox.Add(Change("a", AlertChange.Resolved));

        outbox.Sent(sending);

        Assert.Equal(AlertChange.Resolved, Assert.Single(outbox.Changes).Status);
    }
}
