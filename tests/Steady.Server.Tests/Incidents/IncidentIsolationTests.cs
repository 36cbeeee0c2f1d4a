using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Incidents;
using Steady.Core.OnCall;
using Steady.Core.Paging;

namespace Steady.Server.Tests.Incidents;

/// <summary>
/// An incident's paging and clockwork isolate failures (issue 12): an incident's page that cannot be
/// run, a message that cannot be sent, a cadence step that cannot be taken — each fails alone, says so
/// on the incident's timeline, and the other incidents' pages, messages and reminders go on time.
/// </summary>
public sealed class IncidentIsolationTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnIncidentsPageThatCannotBeRunFailsOnItsTimelineAndAnotherIncidentsPageEscalatesOnTime()
    {
        await using var world = await IncidentWorld.CreateAsync();
        // Two services, each with a two-step policy (Ana, then after 5 min Ben); a SEV1 on each.
        var steps = new object[] { new { notify = world.People["Ana"].Id.ToString(), wait = "5m" }, new { notify = world.People["Ben"].Id.ToString(), wait = "5m" } };
        (await world.Admin.PutAsJsonAsync("/api/v1/escalation-policies/payments-oncall", new { escalation_chain = steps }, Cancel)).EnsureSuccessStatusCode();
        var other = await PolicyServiceAsync(world, "search", steps);
        var poisoned = (await world.DeclareAsync(new { title = "Search down", severity = "SEV1", services = new[] { other.Service } })).GetProperty("number").GetInt32();
        var healthy = (await world.DeclareAsync(new { title = "Checkout down", severity = "SEV1", services = new[] { world.Alerts.Service } })).GetProperty("number").GetInt32();
        await IncidentWorld.EventuallyAsync(() => world.Phone("Ana").Count(r => r.Text.Contains("SEV1 declared", StringComparison.Ordinal)) == 2 ? "" : null, "both SEV1 pages");

        // The search policy's stored steps become unreadable; both runs fall due together 5 min later.
        await world.Host.WithDbAsync((db, _) => db.EscalationPolicies.Where(p => p.Id == other.PolicyId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Steps, "{not json"), Cancel));
        await world.Host.AdvanceAsync(TimeSpan.FromMinutes(5));

        await IncidentWorld.EventuallyAsync(() => world.Phone("Ben").FirstOrDefault(r => r.Text.Contains("Checkout down", StringComparison.Ordinal)), "the healthy incident's step 2");
        Assert.Single(world.Phone("Ben"));
        var failed = await IncidentWorld.EventuallyAsync(async () =>
            await world.Host.WithDbAsync((db, _) => db.EscalationRuns.AsNoTracking().FirstOrDefaultAsync(r => r.IncidentId != null && r.State == RunState.Failed, Cancel)), "the poisoned run to fail");
        Assert.Equal(other.PolicyId, failed.PolicyId);
        Assert.StartsWith("failed: Steady could not run step 2 (JsonException: ", failed.Note, StringComparison.Ordinal);
        Assert.Null(failed.LeaseOwner);
        var texts = (await world.TimelineAsync(poisoned)).Select(e => e.GetProperty("text").GetString()!).ToList();
        Assert.Contains(texts, t => t.StartsWith("Escalation failed: Steady could not run step 2 of it (JsonException: ", StringComparison.Ordinal) && t.EndsWith("; page by hand.", StringComparison.Ordinal));
        Assert.Contains((await world.TimelineAsync(healthy)).Select(e => e.GetProperty("text").GetString()!), t => t.StartsWith("Paged Ben step 2 of escalation policy payments-oncall", StringComparison.Ordinal));
        var console = new ConsoleClient(world.Host);
        await console.SignInAsync("admin@steady.local", await Paging.EscalationTests.SetAdminPasswordAsync(world.Host));
        var html = System.Net.WebUtility.HtmlDecode(await console.GetPageAsync($"/incidents/{poisoned}"));
        Assert.Contains("status-failed\">failed</span>", html, StringComparison.Ordinal);
        Assert.Contains("Steady could not run step 2 (JsonException", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnIncidentMessageThatCannotBeSentFailsAloneOnTheTimelineAndTheOneDueWithItGoesAtOnce()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var incident = await world.DeclareAsync(new { title = "Checkout down", severity = "SEV2", services = new[] { world.Alerts.Service } });
        var number = incident.GetProperty("number").GetInt32();
        await IncidentWorld.EventuallyAsync(() => world.Channel.FirstOrDefault(), "the declaration in the channel");

        // Two messages fall due at the same time; the first names a channel that cannot be read (as a bad restore can leave it).
        var now = world.Host.Clock.GetUtcNow();
        var due = now.AddMinutes(1);
        await world.Host.WithDbAsync(async (db, _) =>
        {
            db.IncidentNotices.Add(Notice(incident, "poisoned", "channel:99999999999", "Update one", due.AddSeconds(-1), now));
            db.IncidentNotices.Add(Notice(incident, "healthy", "channel:0", "Update two: card payments recover", due, now));
            return await db.SaveChangesAsync(Cancel);
        });
        await world.Host.AdvanceAsync(TimeSpan.FromMinutes(1));

        await IncidentWorld.EventuallyAsync(() => world.Channel.FirstOrDefault(r => r.Text.Contains("card payments recover", StringComparison.Ordinal)), "the healthy message");
        var notices = await IncidentWorld.EventuallyAsync(async () =>
        {
            var rows = await world.Host.WithDbAsync((db, _) => db.IncidentNotices.AsNoTracking().Where(n => n.Key == "poisoned" || n.Key == "healthy").ToListAsync(Cancel));
            return rows.All(n => n.LeaseOwner is null && n.DueAt is null) ? rows : null;
        }, "both outcomes stored");
        var poisoned = notices.Single(n => n.Key == "poisoned");
        Assert.Null(poisoned.SentAt);
        Assert.StartsWith("failed: Steady could not send it (OverflowException: ", poisoned.Outcome, StringComparison.Ordinal);
        Assert.NotNull(notices.Single(n => n.Key == "healthy").SentAt);
        Assert.Contains((await world.TimelineAsync(number)).Select(e => e.GetProperty("text").GetString()!),
            t => t.StartsWith("Steady could not send the update message \"Update one\" (OverflowException: ", StringComparison.Ordinal));
        var metrics = await world.Host.Anonymous().GetStringAsync("/metrics", Cancel);
        Assert.Matches("steady_engine_failures_total\\{work=\"incident-message\"\\} [1-9]", metrics);
    }

    [Fact]
    public async Task AnIncidentWhoseCadenceStepFailsIsSetAsideOnItsTimelineAndTheOtherIncidentIsRemindedOnTime()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var poisoned = (await world.DeclareAsync(new { title = "Search slow", severity = "SEV2", services = new[] { world.Alerts.Service } })).GetProperty("number").GetInt32();
        await world.Host.AdvanceAsync(TimeSpan.FromSeconds(1));
        var healthy = (await world.DeclareAsync(new { title = "Checkout slow", severity = "SEV2", services = new[] { world.Alerts.Service } })).GetProperty("number").GetInt32();
        // The first incident's commander role ends without a successor (data the cadence cannot work with).
        var poisonedId = (await world.GetAsync(poisoned)).GetProperty("id").GetGuid();
        var ended = world.Host.Clock.GetUtcNow();
        await world.Host.WithDbAsync((db, _) => db.IncidentRoles.Where(r => r.IncidentId == poisonedId && r.Role == IncidentRole.Commander)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.EndedAt, ended), Cancel));

        // Both updates fall overdue (SEV2: 60 min), the first one first.
        await world.Host.AdvanceAsync(TimeSpan.FromMinutes(60));
        await IncidentWorld.EventuallyAsync(() => world.Phone("Ana").FirstOrDefault(r => r.Text.Contains($"Update overdue: incident #{healthy}", StringComparison.Ordinal)), "the healthy incident's reminder");
        var texts = await IncidentWorld.EventuallyAsync(async () =>
        {
            var all = (await world.TimelineAsync(poisoned)).Select(e => e.GetProperty("text").GetString()!).ToList();
            return all.Any(t => t.StartsWith("Steady could not remind anyone of the overdue update (InvalidOperationException: ", StringComparison.Ordinal)) ? all : null;
        }, "the poisoned incident's timeline to say so");
        Assert.DoesNotContain(world.Phone("Ana"), r => r.Text.Contains($"Update overdue: incident #{poisoned}", StringComparison.Ordinal));
        Assert.Single(texts, t => t.StartsWith("Steady could not remind anyone", StringComparison.Ordinal));
        var metrics = await world.Host.Anonymous().GetStringAsync("/metrics", Cancel);
        Assert.Matches("steady_engine_failures_total\\{work=\"incident-cadence\"\\} [1-9]", metrics);

        // It is not tried again every pass: the escalation that would follow is not attempted, and the other incident's is.
        await world.Host.AdvanceAsync(TimeSpan.FromMinutes(10));
        await IncidentWorld.EventuallyAsync(() => world.Phone("Ana").FirstOrDefault(r => r.Text.Contains($"status update for incident #{healthy} has been overdue", StringComparison.Ordinal)), "the healthy incident's escalation");
        Assert.Single((await world.TimelineAsync(poisoned)).Select(e => e.GetProperty("text").GetString()!), t => t.StartsWith("Steady could not remind anyone", StringComparison.Ordinal));
    }

    private static IncidentNotice Notice(JsonElement incident, string key, string recipient, string title, DateTimeOffset due, DateTimeOffset now) => new()
    {
        Id = Guid.NewGuid(),
        IncidentId = incident.GetProperty("id").GetGuid(),
        Key = key,
        Kind = "update",
        Recipient = recipient,
        Title = title,
        Body = title,
        CreatedAt = now,
        DueAt = due,
    };

    /// <summary>Another service of the world's team, paging through a policy of its own.</summary>
    private static async Task<(string Service, Guid PolicyId)> PolicyServiceAsync(IncidentWorld world, string name, object[] steps)
    {
        var policy = await world.Admin.PostAsJsonAsync("/api/v1/escalation-policies", new { name = $"{name}-oncall", team = world.Alerts.TeamId.ToString(), escalation_chain = steps }, Cancel);
        var policyId = await Paging.PagingWorld.IdAsync(policy);
        var service = await Paging.PagingWorld.IdAsync(await world.Admin.PostAsJsonAsync("/api/v1/services", new { name, teamId = world.Alerts.TeamId }, Cancel));
        (await world.Admin.PatchAsJsonAsync($"/api/v1/services/{service}", new { escalationPolicy = policyId.ToString() }, Cancel)).EnsureSuccessStatusCode();
        return (name, policyId);
    }
}
