using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steady.Core.OnCall;
using Steady.Server.Tests.Notify;
using Steady.Core.Paging;

namespace Steady.Server.Tests.Paging;

/// <summary>
/// The outbox isolates failures (issue 12): a page whose message cannot be built, or whose outcome the
/// database refuses to store, fails alone and visibly; the pages claimed with it go at once, and nothing
/// that was sent is sent again.
/// </summary>
public sealed class DeliveryIsolationTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task APageWhoseMessageCannotBeBuiltFailsAloneSayingWhyAndThePageClaimedWithItGoesAtOnce()
    {
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var poisoned = await PagingWorld.CreateAsync(host, hooks, people: ["ann", "ben"]);
        var healthy = await PagingWorld.CreateAsync(host, hooks, people: ["cat", "dan"]);
        await poisoned.FireAsync("DiskFull", "critical");
        await healthy.FireAsync("ApiDown", "critical");
        await PagingWorld.EventuallyAsync(() => Count(hooks, "/ann") == 1 && Count(hooks, "/cat") == 1, "step 1 of both");
        var poisonedAlert = (await poisoned.AlertAsync()).GetProperty("id").GetGuid();
        var healthyAlert = (await healthy.AlertAsync()).GetProperty("id").GetGuid();

        // The first alert's stored links become unreadable; both step 2 pages fall due together.
        await host.WithDbAsync((db, _) => db.Alerts.Where(a => a.ServiceId == poisoned.ServiceId).ExecuteUpdateAsync(s => s.SetProperty(a => a.Links, "[{not json"), Cancel));
        await host.AdvanceAsync(TimeSpan.FromMinutes(5));

        await PagingWorld.EventuallyAsync(() => Count(hooks, "/dan") == 1, "the healthy alert's step 2");
        var failed = await PagingWorld.EventuallyAsync(async () =>
        {
            var d = (await poisoned.NotificationsAsync(poisonedAlert)).GetProperty("deliveries").EnumerateArray().Last();
            return d.GetProperty("state").GetString() == "failed-permanent" ? d : (JsonElement?)null;
        }, "the poisoned page to fail");
        Assert.Equal(2, failed.GetProperty("step").GetInt32());
        Assert.StartsWith("Steady could not build the message (JsonException: ", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, Count(hooks, "/ben"));
        var sent = (await healthy.NotificationsAsync(healthyAlert)).GetProperty("deliveries").EnumerateArray().Last();
        Assert.Equal("sent", sent.GetProperty("state").GetString());
        Assert.Equal(host.Clock.GetUtcNow(), sent.GetProperty("sentAt").GetDateTimeOffset());
        var metrics = await host.Anonymous().GetStringAsync("/metrics", Cancel);
        Assert.Matches("steady_engine_failures_total\\{work=\"delivery\"\\} [1-9]", metrics);

        // It stays failed: no pass tries it again, and nothing is held by a claim.
        await host.AdvanceAsync(TimeSpan.FromMinutes(3));
        await PagingWorld.EventuallyAsync(
            async () => await host.WithDbAsync((db, _) => db.Deliveries.CountAsync(d => d.State == DeliveryState.Sending, Cancel)) == 0,
            "no delivery left claimed");
        Assert.Equal(0, Count(hooks, "/ben"));
        Assert.Equal(1, Count(hooks, "/dan"));
    }

    [Fact]
    public async Task WhenTheDatabaseRefusesOneOutcomeTheOthersAreStoredAndNothingSentIsSentAgain()
    {
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var world = await PagingWorld.CreateAsync(host, hooks);
        // Ann is paged by two contact methods (two messages); the database refuses to store the second one's plain "sent".
        var ann = world.People["ann"];
        var method = await PagingWorld.IdAsync(await host.Admin().PostAsJsonAsync($"/api/v1/users/{ann}/contact-methods", new { kind = "webhook", label = "poisoned", address = hooks.Url("ann-poisoned") }, Cancel));
        (await host.Admin().PostAsJsonAsync($"/api/v1/users/{ann}/notification-rules", new { contactMethodId = method, delayMinutes = 0 }, Cancel)).EnsureSuccessStatusCode();
        await host.WithDbAsync(async (db, _) =>
        {
            if (db.IsSqlite)
            {
                await db.Database.ExecuteSqlRawAsync(
                    "CREATE TRIGGER poison_delivery BEFORE UPDATE ON deliveries WHEN NEW.target = 'poisoned' AND NEW.state = 'sent' AND NEW.error IS NULL " +
                    "BEGIN SELECT RAISE(ABORT, 'this row is poisoned'); END", Cancel);
            }
            else
            {
                await db.Database.ExecuteSqlRawAsync(
                    "CREATE FUNCTION poison_delivery() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN " +
                    "IF NEW.target = 'poisoned' AND NEW.state = 'sent' AND NEW.error IS NULL THEN RAISE EXCEPTION 'this row is poisoned'; END IF; RETURN NEW; END $$", Cancel);
                await db.Database.ExecuteSqlRawAsync("CREATE TRIGGER poison_delivery BEFORE UPDATE ON deliveries FOR EACH ROW EXECUTE FUNCTION poison_delivery()", Cancel);
            }
            return 0;
        });

        await world.FireAsync();
        await PagingWorld.EventuallyAsync(() => Count(hooks, "/ann") == 1 && Count(hooks, "/ann-poisoned") == 1, "both messages");
        var alertId = (await world.AlertAsync()).GetProperty("id").GetGuid();
        await PagingWorld.EventuallyAsync(
            async () => (await world.NotificationsAsync(alertId)).GetProperty("deliveries").EnumerateArray().All(d => d.GetProperty("state").GetString() == "sent"),
            "both outcomes stored");
        var deliveries = (await world.NotificationsAsync(alertId)).GetProperty("deliveries").EnumerateArray().ToList();
        Assert.Null(deliveries.Single(d => d.GetProperty("target").GetString() == "pager").GetProperty("error").GetString());
        Assert.StartsWith("Steady could not store this attempt's outcome in full (", deliveries.Single(d => d.GetProperty("target").GetString() == "poisoned").GetProperty("error").GetString(), StringComparison.Ordinal);

        // Past the lease: neither message is sent again.
        await host.AdvanceAsync(TimeSpan.FromMinutes(3));
        await PagingWorld.EventuallyAsync(
            async () => await host.WithDbAsync((db, _) => db.Deliveries.CountAsync(d => d.State == DeliveryState.Sending, Cancel)) == 0,
            "no delivery left claimed");
        Assert.Equal(1, Count(hooks, "/ann"));
        Assert.Equal(1, Count(hooks, "/ann-poisoned"));
    }

    private static int Count(LoopbackReceiver hooks, string path) => hooks.Requests.Count(r => r.PathAndQuery == path);
}
