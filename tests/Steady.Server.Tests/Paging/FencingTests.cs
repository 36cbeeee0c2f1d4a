using System.Data.Common;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Steady.Core.Paging;
using Steady.Server.Data;
using Steady.Server.Features.Paging;
using Steady.Server.Tests.Notify;

namespace Steady.Server.Tests.Paging;

/// <summary>
/// A node sends only what it still holds: a claim another node took over (this one stalled past its lease) is not
/// sent, neither when the takeover happened before the message was committed nor when the node stalled after; a
/// message that was in flight when its node died goes again under the same key and Message-ID, marked as a repeat.
/// </summary>
public sealed class FencingTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private const string OtherNode = "node-999/elsewhere/1/claim";

    [Fact]
    public async Task AClaimAnotherNodeTookOverBeforeTheMessageWasCommittedIsNotSentByTheNodeThatLostIt()
    {
        var faults = new DbFaults();
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync(DbFaults.In(faults));
        var world = await PagingWorld.CreateAsync(host, hooks);
        var taken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        faults.After(DbFaults.IsDeliveryClaim, (claim, _) =>
        {
            var owner = DbFaults.OwnerOf(claim);
            // Between reading back what it claimed and committing its message, the claim passes to another node.
            faults.After((read, _) => read.CommandText.StartsWith("SELECT", StringComparison.Ordinal) && read.Parameters.Cast<DbParameter>().Any(p => Equals(p.Value, owner)), async (_, _) =>
            {
                await TakeOverAsync(host, owner);
                taken.TrySetResult();
            });
            return Task.CompletedTask;
        });

        await world.FireAsync();
        await taken.Task.WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        await Task.Delay(500, Cancel); // it would have been sent by now
        Assert.Empty(hooks.Requests);
        Assert.Equal(OtherNode, await host.WithDbAsync((db, _) => db.Deliveries.AsNoTracking().Select(d => d.LeaseOwner).SingleAsync(Cancel)));

        // The other node never sent it (it died): when its lease runs out the page goes, once.
        host.Clock.Advance(TimeSpan.FromMinutes(3));
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 1, "the page, once the other node's lease ran out");
        await Task.Delay(300, Cancel);
        Assert.Single(hooks.Requests);
    }

    [Fact]
    public async Task ANodeThatStallsAfterCommittingItsMessageUntilItsLeaseIsNearlyOutDoesNotSendIt()
    {
        var faults = new DbFaults();
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync(DbFaults.In(faults));
        await using var alive = await OtherNodeAliveAsync(host);
        var world = await PagingWorld.CreateAsync(host, hooks);
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        faults.After(DbFaults.IsDeliveryClaim, (claim, context) =>
        {
            var owner = DbFaults.OwnerOf(claim);
            faults.AfterCommitOf(context!, async () =>
            {
                // Committed, about to hand the message over: the node stalls for its whole lease, and another node takes the claim.
                host.Clock.Advance(TimeSpan.FromMinutes(2));
                await TakeOverAsync(host, owner);
                stalled.TrySetResult();
            });
            return Task.CompletedTask;
        });

        await world.FireAsync();
        await stalled.Task.WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        await Task.Delay(500, Cancel);
        Assert.Empty(hooks.Requests);

        host.Clock.Advance(TimeSpan.FromMinutes(2)); // step 2 (Ben) is due at 5 min
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 1, "the page, once the other node's lease ran out");
        await Task.Delay(300, Cancel);
        Assert.Equal("/ann", Assert.Single(hooks.Requests).PathAndQuery);
    }

    [Fact]
    public async Task AMessageInFlightWhenItsNodeDiedGoesAgainUnderTheSameKeyAndMessageIdMarkedAsARepeatAndNothingStoredGoesAgain()
    {
        await using var smtp = await SmtpSink.StartAsync();
        using var hooks = new LoopbackReceiver();
        void Configure(IWebHostBuilder b) => EscalationTests.Smtp(b, smtp.Port);
        var host = await SteadyHost.StartAsync(Configure);
        try
        {
            var world = await PagingWorld.CreateAsync(() => host.Admin(), () => host.Anonymous(), hooks, email: true); // on whichever host runs
            await world.FireAsync();
            await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 1 && smtp.Received().Count == 1, "the page by webhook and by email");
            var key = hooks.Single().Header("Idempotency-Key");
            var messageId = smtp.Received()[0].Message.MessageId;
            var alertId = (await world.AlertAsync()).GetProperty("id").GetGuid();
            await PagingWorld.EventuallyAsync(async () => (await DeliveriesAsync(world, alertId)).All(d => d.GetProperty("state").GetString() == "sent"), "both outcomes stored");

            // Both messages were being sent when their node died: handed to their channels, their outcomes never stored.
            var now = host.Clock.GetUtcNow();
            await host.WithDbAsync((db, _) => db.Database.ExecuteSqlRawAsync(
                "UPDATE deliveries SET state = 'sending', lease_owner = 'node-778/gone/1/claim', sending_at = {0}, due_at = {1}, sent_at = NULL", [db.Param(now), db.Param(now.AddHours(1))], Cancel));
            if (host.Database.IsSqlite)
            {
                await host.DisposeAsyncKeepingDatabase(); // the next process on the file takes its predecessor's claims back at start
                host = await SteadyHost.StartAsync(Configure, host.Database);
            }
            else
            {
                await host.Services.GetServices<IHostedService>().OfType<NodePresence>().Single().LookAsync(Cancel); // node 778 holds no presence lock
            }

            await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 2 && smtp.Received().Count == 2, "both messages sent again");
            Assert.All(hooks.Requests, r => Assert.Equal(key, r.Header("Idempotency-Key")));
            Assert.All(smtp.Received(), m => Assert.Equal(messageId, m.Message.MessageId));
            await PagingWorld.EventuallyAsync(async () => (await DeliveriesAsync(world, alertId)).All(d => d.GetProperty("state").GetString() == "sent"), "the repeats stored");
            var deliveries = await DeliveriesAsync(world, alertId);
            Assert.True(deliveries.Count == 2, string.Join("\n", deliveries));
            Assert.All(deliveries, d => Assert.Equal(1, d.GetProperty("repeats").GetInt32()));

            // Their outcomes are stored: past any lease, nothing goes a third time.
            host.Clock.Advance(TimeSpan.FromMinutes(3)); // past any lease, before step 2 (5 min)
            await Task.Delay(500, Cancel);
            Assert.Equal(2, hooks.Requests.Count);
            Assert.Equal(2, smtp.Received().Count);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    /// <summary>Another node takes over what <paramref name="owner"/> claimed, for a lease of two minutes.</summary>
    /// <summary>
    /// On PostgreSQL, holds the other node's presence lock for the test, so that node counts as alive: NodePresence
    /// lets go at once of the claims of nodes that are gone, which would hand the taken-over message straight back.
    /// </summary>
    private static async Task<IAsyncDisposable> OtherNodeAliveAsync(SteadyHost host)
    {
        if (!TestDatabase.UsePostgres)
            return new Npgsql.NpgsqlConnection();
        var connection = new Npgsql.NpgsqlConnection(host.Database.ConnectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new Npgsql.NpgsqlCommand($"SELECT pg_advisory_lock({NodePresence.LockClass}, 999)", connection);
        await command.ExecuteNonQueryAsync(Cancel);
        return connection;
    }

    internal static Task TakeOverAsync(SteadyHost host, string owner) => host.WithDbAsync((db, _) =>
        db.Database.ExecuteSqlRawAsync("UPDATE deliveries SET lease_owner = '" + OtherNode + "', due_at = {0} WHERE lease_owner = {1}",
            [db.Param(host.Clock.GetUtcNow() + TimeSpan.FromMinutes(2)), owner], Cancel));

    private static async Task<List<JsonElement>> DeliveriesAsync(PagingWorld world, Guid alertId) =>
        (await world.NotificationsAsync(alertId)).GetProperty("deliveries").EnumerateArray().ToList();
}
