using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Steady.Core.Postmortems;
using Steady.Server.Features.Paging;
using Steady.Server.Features.Postmortems;
using Steady.Server.Tests.Incidents;

namespace Steady.Server.Tests.Postmortems;

/// <summary>
/// A postmortem past its due date reminds its owner as an action item does, until it is reviewed; the
/// follow-up's due rows are claimed with a lease like the outboxes', so several nodes remind once, and a
/// claim whose node is gone (or a process that died, on SQLite) is taken back.
/// </summary>
public sealed class PostmortemFollowUpTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static FollowUpWorker Worker(SteadyHost host) => host.Services.GetServices<IHostedService>().OfType<FollowUpWorker>().Single();

    [Fact]
    public async Task APostmortemPastItsDueDateRemindsItsOwnerWeeklyThenTheAdminUntilItIsReviewed()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var clock = world.Host.Clock;
        (await world.Admin.PutAsJsonAsync($"/api/v1/teams/{world.Alerts.TeamId}/members/{world.People["Dev"].Id}", new { role = "admin" }, Cancel)).EnsureSuccessStatusCode();
        await world.DeclareAsync(new { title = "Gateway certificate expired", severity = "SEV1", services = new[] { world.Alerts.Service } }, who: "Ben");
        await OkAsync(await world.As("Ben").PostAsJsonAsync("/api/v1/incidents/1/status", new { status = "resolved", @override = "renewed by hand" }, Cancel));
        var resolved = clock.GetUtcNow();
        var drafted = await OkAsync(await world.Admin.GetAsync("/api/v1/incidents/1/postmortem", Cancel));
        Assert.Equal(resolved.AddDays(3), drafted.GetProperty("dueAt").GetDateTimeOffset());
        // Due in three days: the reminder two days before it is the first.
        Assert.Equal(resolved.AddDays(1), drafted.GetProperty("nextReminderAt").GetDateTimeOffset());
        await OkAsync(await world.As("Ben").PostAsJsonAsync("/api/v1/incidents/1/close", new { whatHappened = "cert expired", whatWasDone = "renewed", failedAssumptions = "renewal was automatic", whatShouldChange = "automate it", cause = "manual renewal step" }, Cancel));

        int Count(string who) => world.Phone(who).Count(r => r.Text.Contains("Postmortem ", StringComparison.Ordinal) && r.Text.Contains("#1 Gateway certificate expired", StringComparison.Ordinal));
        async Task ReachesAsync(string who, int count) =>
            await IncidentWorld.EventuallyAsync(() => Count(who) >= count ? "ok" : null, $"{who} to have {count} postmortem reminders");

        clock.Advance(TimeSpan.FromDays(1) - TimeSpan.FromSeconds(1));
        await Worker(world.Host).RunDueAsync(Cancel);
        Assert.Equal(0, Count("Ben"));
        clock.Advance(TimeSpan.FromSeconds(1));
        await ReachesAsync("Ben", 1);
        Assert.Contains(world.Phone("Ben"), r => r.Text.Contains("Postmortem is due", StringComparison.Ordinal) && r.Text.Contains("Not written yet: impact, trigger", StringComparison.Ordinal));
        clock.Advance(TimeSpan.FromDays(2)); // on the due date
        await ReachesAsync("Ben", 2);
        clock.Advance(TimeSpan.FromDays(7)); // a week overdue
        await ReachesAsync("Ben", 3);
        Assert.Contains(world.Phone("Ben"), r => r.Text.Contains("Postmortem is overdue since", StringComparison.Ordinal));
        Assert.Equal(0, Count("Dev"));
        clock.Advance(TimeSpan.FromDays(7)); // the fourth: the team's admin hears too
        await ReachesAsync("Ben", 4);
        await ReachesAsync("Dev", 1);

        // In review, the owner is still reminded; reviewed, never again.
        await OkAsync(await world.As("Ben").PutAsJsonAsync("/api/v1/incidents/1/postmortem", new { status = "in-review" }, Cancel));
        clock.Advance(TimeSpan.FromDays(7));
        await ReachesAsync("Ben", 5);
        var reviewed = await OkAsync(await world.As("Ben").PutAsJsonAsync("/api/v1/incidents/1/postmortem", new { status = "reviewed" }, Cancel));
        Assert.Equal(JsonValueKind.Null, reviewed.GetProperty("nextReminderAt").ValueKind);
        // A sentinel: an action item of Cleo's, reminded within the fortnight; once its reminder is in, the passes that
        // would have reminded the reviewed postmortem have run too (no sleeping for "nothing happened").
        (await world.As("Ben").PostAsJsonAsync("/api/v1/action-items", new { incident = "1", title = "Sentinel item", type = "process", owner = world.People["Cleo"].Id.ToString(), dueAt = clock.GetUtcNow().AddDays(13) }, Cancel)).EnsureSuccessStatusCode();
        clock.Advance(TimeSpan.FromDays(14));
        await Worker(world.Host).RunDueAsync(Cancel);
        await IncidentWorld.EventuallyAsync(() => world.Phone("Cleo").Count(r => r.Text.Contains("Sentinel item", StringComparison.Ordinal)) >= 2 ? "ok" : null, "the sentinel's reminders");
        Assert.Equal(5, Count("Ben"));
        Assert.Equal(2, Count("Dev"));
    }

    [Fact]
    public async Task AFollowUpClaimedByAProcessThatIsGoneIsTakenBackAndRemindedOnce()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var clock = world.Host.Clock;
        await world.DeclareAsync(new { title = "Disk filled on db1", severity = "SEV2", services = new[] { world.Alerts.Service } }, who: "Ana");
        const string Title = "Alert at 80% disk on every database host";
        await OkAsync(await world.As("Ana").PostAsJsonAsync("/api/v1/action-items", new { incident = "1", title = Title, type = "monitoring", owner = world.People["Cleo"].Id.ToString(), dueAt = clock.GetUtcNow().AddDays(1) }, Cancel));

        // A node that is gone claimed the item at its reminder (its lease has not run out).
        var farAway = clock.GetUtcNow().AddDays(1).AddHours(1);
        await world.Host.WithDbAsync((db, _) => db.Set<ActionItem>().ExecuteUpdateAsync(s => s
            .SetProperty(a => a.LeaseOwner, "node-778/gone-host/1/claim").SetProperty(a => a.LeaseUntil, farAway), Cancel));
        clock.Advance(TimeSpan.FromDays(1));
        await Worker(world.Host).RunDueAsync(Cancel);
        Assert.DoesNotContain(world.Phone("Cleo"), r => r.Text.Contains(Title, StringComparison.Ordinal));

        if (TestDatabase.UsePostgres)
        {
            // PostgreSQL: node 778 holds no presence lock, so the next look releases its claim.
            await world.Host.Services.GetServices<IHostedService>().OfType<NodePresence>().Single().LookAsync(Cancel);
        }
        else
        {
            // SQLite: the process holds the database alone, so a claim it did not take is a dead one's; a start releases it.
            await world.Host.Services.GetRequiredService<OutboxClaims>().ReleaseOnStartAsync(ClaimedTable.ActionItemFollowUps, e => throw e, Cancel);
        }
        await Worker(world.Host).RunDueAsync(Cancel);
        await IncidentWorld.EventuallyAsync(() => world.Phone("Cleo").Any(r => r.Text.Contains(Title, StringComparison.Ordinal)) ? "ok" : null, "the reminder taken back");
        var item = await world.Host.WithDbAsync((db, _) => db.Set<ActionItem>().AsNoTracking().SingleAsync(Cancel));
        Assert.Null(item.LeaseOwner);
        Assert.Equal(1, item.RemindersSent);
        Assert.Single(world.Phone("Cleo"), r => r.Text.Contains(Title, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TwoNodesOnOneDatabaseRemindEachItemOnce()
    {
        Assert.SkipUnless(TestDatabase.UsePostgres, "Several nodes share one PostgreSQL database; on SQLite one process holds the database.");
        await using var world = await IncidentWorld.CreateAsync();
        var other = await SteadyHost.StartAsync(database: world.Host.Database);
        try
        {
            await world.DeclareAsync(new { title = "Queue backed up", severity = "SEV2", services = new[] { world.Alerts.Service } }, who: "Ana");
            var due = world.Host.Clock.GetUtcNow().AddDays(1);
            for (var i = 0; i < 24; i++)
                await OkAsync(await world.As("Ana").PostAsJsonAsync("/api/v1/action-items", new { incident = "1", title = $"Follow-up {i:00}", type = "process", owner = world.People["Ben"].Id.ToString(), dueAt = due }, Cancel));

            world.Host.Clock.Advance(TimeSpan.FromDays(1));
            other.Clock.Advance(TimeSpan.FromDays(1));
            await Task.WhenAll(Worker(world.Host).RunDueAsync(Cancel), Worker(other).RunDueAsync(Cancel), Worker(world.Host).RunDueAsync(Cancel), Worker(other).RunDueAsync(Cancel));
            // The nodes' own follow-up workers run too: a pass of theirs may hold the claim while the four above find
            // nothing due. Wait for the items to be let go of, then count.
            await Paging.PagingWorld.EventuallyAsync(async () => await world.Host.WithDbAsync((db, _) =>
                db.Set<ActionItem>().AsNoTracking().AllAsync(i => i.LeaseOwner == null && i.RemindersSent > 0, Cancel)), "every item reminded and let go of");

            var (items, notices) = await world.Host.WithDbAsync(async (db, _) =>
                (await db.Set<ActionItem>().AsNoTracking().ToListAsync(Cancel),
                 await db.IncidentNotices.AsNoTracking().Where(n => EF.Functions.Like(n.Key, "action-item:%")).Select(n => n.Key).ToListAsync(Cancel)));
            Assert.All(items, i => Assert.Equal(1, i.RemindersSent));
            Assert.All(items, i => Assert.Null(i.LeaseOwner));
            Assert.Equal(24, notices.Count);
            Assert.Equal(24, notices.Distinct().Count());
            await IncidentWorld.EventuallyAsync(() => world.Phone("Ben").Count(r => r.Text.Contains("Follow-up ", StringComparison.Ordinal)) >= 24 ? "ok" : null, "24 reminders");
            Assert.Equal(24, world.Phone("Ben").Count(r => r.Text.Contains("Follow-up ", StringComparison.Ordinal)));
        }
        finally
        {
            await other.DisposeAsyncKeepingDatabase();
        }
    }
}
