using Microsoft.EntityFrameworkCore;
using Steady.Core.Paging;
using Steady.Server.Tests.Notify;

namespace Steady.Server.Tests.Paging;

/// <summary>
/// The escalation worker claims a due run, then reads it to run its step. A person who acknowledges the alert in
/// between has the last word: the run is not due any more, so the worker leaves it acknowledged and pages nobody.
/// (Read as due, an acknowledged run looks like one whose acknowledgement timed out, and was re-triggered: the
/// acknowledgement undone and the person paged for what they had just taken.)
/// </summary>
public sealed class AcknowledgedWhileClaimedTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static bool IsRunClaim(System.Data.Common.DbCommand command, int rows) =>
        rows > 0 && command.CommandText.StartsWith("UPDATE escalation_runs SET lease_owner = ", StringComparison.Ordinal);

    [Fact]
    public async Task AnAcknowledgementBetweenTheClaimAndTheStepStandsAndNobodyIsPaged()
    {
        var faults = new DbFaults();
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync(DbFaults.In(faults));
        var world = await PagingWorld.CreateAsync(host, hooks);
        var acknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        faults.After(IsRunClaim, async (_, _) =>
        {
            try
            {
                var alert = await world.AlertAsync();
                (await host.Admin().PostAsync($"/api/v1/alerts/{alert.GetProperty("id").GetGuid()}/ack", null, Cancel)).EnsureSuccessStatusCode();
                acknowledged.TrySetResult();
            }
            catch (Exception e)
            {
                acknowledged.TrySetException(e);
            }
        });

        await world.FireAsync();
        await acknowledged.Task.WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        // The worker's pass ends by letting go of its claim.
        await PagingWorld.EventuallyAsync(async () => await host.WithDbAsync((db, _) => db.EscalationRuns.AsNoTracking().AllAsync(r => r.LeaseOwner == null, Cancel)), "the claim let go of");

        var run = await host.WithDbAsync((db, _) => db.EscalationRuns.AsNoTracking().SingleAsync(Cancel));
        Assert.Equal(RunState.Acknowledged, run.State);
        Assert.Null(run.NextDueAt);
        Assert.Equal("acknowledged", (await world.AlertAsync()).GetProperty("status").GetString());
        Assert.Equal(0, await host.WithDbAsync((db, _) => db.Deliveries.AsNoTracking().CountAsync(Cancel)));
        Assert.Empty(hooks.Requests);
    }
}
