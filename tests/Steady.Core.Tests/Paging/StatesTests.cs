using Steady.Core.Paging;

namespace Steady.Core.Tests.Paging;

/// <summary>
/// A run's and a delivery's state are stored, served in the API's JSON and named in SQL (the claim, the
/// migrations' partial indexes) as text: these texts are the ones the databases already hold.
/// </summary>
public sealed class StatesTests
{
    [Fact]
    public void EveryRunStateHasTheTextTheDatabaseHolds()
    {
        Assert.Equal(["active", "acknowledged", "resolved", "exhausted", "suppressed", "failed"], Enum.GetValues<RunState>().Select(s => s.ToWire()));
    }

    [Fact]
    public void EveryDeliveryStateHasTheTextTheDatabaseHolds()
    {
        Assert.Equal(["queued", "sending", "sent", "failed-temporary", "failed-permanent", "cancelled"], DeliveryStates.All.Select(s => s.ToWire()));
    }

    [Fact]
    public void ATextReadsBackAsItsState()
    {
        foreach (var state in Enum.GetValues<RunState>())
            Assert.Equal(state, RunStates.Parse(state.ToWire()));
        foreach (var state in DeliveryStates.All)
            Assert.Equal(state, DeliveryStates.Parse(state.ToWire()));
    }

    [Fact]
    public void ATextNoStateHasIsRefused()
    {
        Assert.Throws<FormatException>(() => RunStates.Parse("Active"));
        Assert.Throws<FormatException>(() => DeliveryStates.Parse("FailedPermanent"));
        Assert.False(DeliveryStates.TryParse("failed", out _));
    }

    [Fact]
    public void TheOutboxClaimsQueuedFailedForNowAndSendingWhoseLeaseRanOut()
    {
        Assert.Equal([DeliveryState.Queued, DeliveryState.FailedTemporary, DeliveryState.Sending], DeliveryStates.Pending);
    }

    [Fact]
    public void NobodyIsPagedAnyMoreOnceARunIsAcknowledgedResolvedOrSuppressed()
    {
        Assert.Equal([RunState.Acknowledged, RunState.Resolved, RunState.Suppressed], Enum.GetValues<RunState>().Where(s => s.Stops()));
    }
}
