using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Incidents;
using Steady.Server.Tests.Alerts;
using Steady.Server.Tests.Notify;

namespace Steady.Server.Tests.Incidents;

/// <summary>
/// An incident's messages are claimed by the process sending them. When that process dies mid-send, the
/// next one (on SQLite: the restarted server; on PostgreSQL: any node alive) takes the message back at
/// once, instead of when its two-minute lease runs out: an update in a war room does not wait minutes.
/// </summary>
public sealed class IncidentNoticeClaimTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AMessageADeadProcessWasSendingGoesWhenTheNextOneStartsNotWhenItsLeaseRunsOut()
    {
        using var receiver = new LoopbackReceiver();
        var host = await SteadyHost.StartAsync();
        var database = host.Database;
        var alerts = await AlertWorld.CreateAsync(host);
        var declared = await host.Admin().PostAsJsonAsync("/api/v1/incidents", new
        {
            title = "Checkout fails for card payments",
            severity = "SEV2",
            services = new[] { alerts.Service },
            channels = new[] { new { kind = "webhook", address = receiver.Url("war-room") } },
        }, Cancel);
        Assert.True(declared.IsSuccessStatusCode, await declared.Content.ReadAsStringAsync(Cancel));
        var incident = await declared.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        var number = incident.GetProperty("number").GetInt32();
        await PagingWorldWait(() => receiver.Requests.Any(r => r.Text.Contains("declared SEV2", StringComparison.Ordinal)), "the declaration in the war room");
        var channel = (await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{number}/channels", Cancel))[0].GetProperty("id").GetGuid();

        // The process claims an update (due again only after its lease) and dies before it is sent.
        var now = host.Clock.GetUtcNow();
        var noticeId = Guid.NewGuid();
        await host.WithDbAsync(async (db, _) =>
        {
            db.IncidentNotices.Add(new IncidentNotice
            {
                Id = noticeId,
                IncidentId = incident.GetProperty("id").GetGuid(),
                Key = $"update:crash-test:incident-channel:{channel:N}",
                Kind = "update",
                Recipient = $"incident-channel:{channel}",
                Title = "Update on incident #" + number,
                Body = "Rolled back deploy 2.4.1; card payments recover.",
                CreatedAt = now,
                DueAt = now.AddMinutes(2),
                LeaseOwner = "node-3/gone-host/4242/" + Guid.NewGuid().ToString("N"),
            });
            return await db.SaveChangesAsync(Cancel);
        });
        await host.DisposeAsyncKeepingDatabase();

        // The next process (its clock where the old one's was: the lease has not run out) sends it at once, once.
        await using var restarted = await SteadyHost.StartAsync(database: database);
        await PagingWorldWait(() => receiver.Requests.Any(r => r.Text.Contains("Rolled back deploy 2.4.1", StringComparison.Ordinal)), "the update the dead process was sending");
        var notice = await restarted.WithDbAsync((db, _) => db.IncidentNotices.AsNoTracking().SingleAsync(n => n.Id == noticeId, Cancel));
        Assert.NotNull(notice.SentAt);
        Assert.Null(notice.LeaseOwner);
        Assert.Null(notice.DueAt);
        Assert.Single(receiver.Requests, r => r.Text.Contains("Rolled back deploy 2.4.1", StringComparison.Ordinal));
    }

    private static Task PagingWorldWait(Func<bool> condition, string what) => Paging.PagingWorld.EventuallyAsync(condition, what);
}
