using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steady.Core.OnCall;
using Steady.Server.Tests.Notify;
using Steady.Core.Paging;

namespace Steady.Server.Tests.Paging;

/// <summary>
/// Editing a policy, a schedule, a person or a contact method while escalations run is a supported
/// path, as in PagerDuty and GoAlert: the change applies at the next step. Eight services escalate at
/// once through three steps a minute apart (primary, secondary, primary); seven of them are edited
/// under their running escalation, one is left alone, and every page goes out at the very instant its
/// step falls due (the clock is controlled), to whom the policy as it is then says.
/// </summary>
public sealed class EditsWhileEscalatingTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PoliciesSchedulesPeopleAndContactMethodsEditedShrunkAndDeletedMidEscalationApplyAtTheNextStepAndEveryAlertPagesOnTime()
    {
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var admin = host.Admin();
        var worlds = new List<PagingWorld>();
        for (var i = 0; i < 8; i++)
        {
            var world = await PagingWorld.CreateAsync(host, hooks, people: [$"ann{i}", $"ben{i}"]);
            await world.ThreeStepsAsync();
            worlds.Add(world);
        }
        var (control, policyEdited, policyShrunk, policyDeleted, scheduleEdited, scheduleDeleted, methods, disabled) =
            (worlds[0], worlds[1], worlds[2], worlds[3], worlds[4], worlds[5], worlds[6], worlds[7]);
        // ann6 also wants a second page two minutes after the first, on another webhook.
        var later = await PagingWorld.IdAsync(await admin.PostAsJsonAsync($"/api/v1/users/{methods.People["ann6"]}/contact-methods", new { kind = "webhook", label = "later", address = hooks.Url("ann6-later") }, Cancel));
        (await admin.PostAsJsonAsync($"/api/v1/users/{methods.People["ann6"]}/notification-rules", new { contactMethodId = later, delayMinutes = 2 }, Cancel)).EnsureSuccessStatusCode();

        var t0 = host.Clock.GetUtcNow();
        foreach (var world in worlds)
            await world.FireAsync("HighErrorRate", "critical");
        await AllCreatedAtAsync(host, t0, 9); // eight first steps, and ann6's later page planned with hers

        // Half a minute in, under the running escalations:
        await host.AdvanceAsync(TimeSpan.FromSeconds(30));
        // - a policy's step 2 now notifies the primary and waits 2 min;
        await policyEdited.ReplacePolicyAsync(($"primary-{policyEdited.Suffix}", "1m"), ($"primary-{policyEdited.Suffix}", "2m"), ($"secondary-{policyEdited.Suffix}", "1m"));
        // - a service gets another policy (secondary, then primary), and its old one is deleted;
        var replacement = await PagingWorld.IdAsync(await admin.PostAsJsonAsync("/api/v1/escalation-policies", new
        {
            name = $"replacement-{policyDeleted.Suffix}",
            team = policyDeleted.TeamName,
            escalation_chain = new object[] { new { notify = $"secondary-{policyDeleted.Suffix}", wait = "1m" }, new { notify = $"primary-{policyDeleted.Suffix}", wait = "1m" } },
        }, Cancel));
        (await admin.PatchAsJsonAsync($"/api/v1/services/{policyDeleted.ServiceId}", new { escalationPolicy = replacement.ToString() }, Cancel)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/escalation-policies/{policyDeleted.Policy}", Cancel)).StatusCode);
        // - a secondary schedule hands its shift to ann4;
        (await admin.PatchAsJsonAsync($"/api/v1/schedules/secondary-{scheduleEdited.Suffix}", new
        {
            layers = new[] { new { name = "weekly", participants = new[] { scheduleEdited.People["ann4"] }, firstHandoff = "2026-01-05T09:00", rotation = "weekly" } },
        }, Cancel)).EnsureSuccessStatusCode();
        // - a secondary schedule is deleted: refused while a policy pages through it, so the policy names ben5 himself first;
        Assert.Equal(HttpStatusCode.Conflict, (await admin.DeleteAsync($"/api/v1/schedules/secondary-{scheduleDeleted.Suffix}", Cancel)).StatusCode);
        await scheduleDeleted.ReplacePolicyAsync(($"primary-{scheduleDeleted.Suffix}", "1m"), ($"ben5.{scheduleDeleted.Suffix}@example.test", "1m"), ($"primary-{scheduleDeleted.Suffix}", "1m"));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/schedules/secondary-{scheduleDeleted.Suffix}", Cancel)).StatusCode);
        // - ben6 swaps his pager for a phone, and ann6 removes the method her later page was planned for;
        var phone = await PagingWorld.IdAsync(await admin.PostAsJsonAsync($"/api/v1/users/{methods.People["ben6"]}/contact-methods", new { kind = "webhook", label = "phone", address = hooks.Url("ben6-phone") }, Cancel));
        (await admin.PostAsJsonAsync($"/api/v1/users/{methods.People["ben6"]}/notification-rules", new { contactMethodId = phone, delayMinutes = 0 }, Cancel)).EnsureSuccessStatusCode();
        var pager = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{methods.People["ben6"]}/contact-methods", Cancel)).EnumerateArray().Single(m => m.GetProperty("label").GetString() == "pager").GetProperty("id").GetGuid();
        (await admin.DeleteAsync($"/api/v1/users/{methods.People["ben6"]}/contact-methods/{pager}", Cancel)).EnsureSuccessStatusCode();
        (await admin.DeleteAsync($"/api/v1/users/{methods.People["ann6"]}/contact-methods/{later}", Cancel)).EnsureSuccessStatusCode();
        // - ben7 leaves (is disabled), though the secondary schedule still names him.
        (await admin.PatchAsJsonAsync($"/api/v1/users/{disabled.People["ben7"]}", new { disabled = true }, Cancel)).EnsureSuccessStatusCode();

        await host.AdvanceAsync(TimeSpan.FromSeconds(30));
        var t60 = t0.AddMinutes(1);
        await AllCreatedAtAsync(host, t60, 8);

        // 75 s in, a policy is cut to one step (its run's next step, step 3, no longer exists).
        await host.AdvanceAsync(TimeSpan.FromSeconds(15));
        await policyShrunk.ReplacePolicyAsync(($"primary-{policyShrunk.Suffix}", "1m"));

        await host.AdvanceAsync(TimeSpan.FromSeconds(45));
        var t120 = t0.AddMinutes(2);
        await AllCreatedAtAsync(host, t120, 6);
        await host.AdvanceAsync(TimeSpan.FromMinutes(1));
        var t180 = t0.AddMinutes(3);
        await AllCreatedAtAsync(host, t180, 1);

        // Every page, to whom, by which method, at which step, made at the instant its step fell due.
        var expected = new (PagingWorld World, string Person, string Method, int Step, DateTimeOffset At)[]
        {
            (control, "ann0", "pager", 1, t0), (control, "ben0", "pager", 2, t60), (control, "ann0", "pager", 3, t120),
            (policyEdited, "ann1", "pager", 1, t0), (policyEdited, "ann1", "pager", 2, t60), (policyEdited, "ben1", "pager", 3, t180),
            (policyShrunk, "ann2", "pager", 1, t0), (policyShrunk, "ben2", "pager", 2, t60), (policyShrunk, "ann2", "pager", 1, t120),
            (policyDeleted, "ann3", "pager", 1, t0), (policyDeleted, "ben3", "pager", 1, t60), (policyDeleted, "ann3", "pager", 2, t120),
            (scheduleEdited, "ann4", "pager", 1, t0), (scheduleEdited, "ann4", "pager", 2, t60), (scheduleEdited, "ann4", "pager", 3, t120),
            (scheduleDeleted, "ann5", "pager", 1, t0), (scheduleDeleted, "ben5", "pager", 2, t60), (scheduleDeleted, "ann5", "pager", 3, t120),
            (methods, "ann6", "pager", 1, t0), (methods, "ann6", "later", 1, t0), (methods, "ben6", "phone", 2, t60), (methods, "ann6", "pager", 3, t120),
            (disabled, "ann7", "pager", 1, t0), (disabled, "ann7", "pager", 3, t60),
        };
        var deliveries = await host.WithDbAsync((db, _) => db.Deliveries.AsNoTracking().ToListAsync(Cancel));
        string Describe(PagingWorld world, Guid user, string method, int step, DateTimeOffset at) =>
            $"{world.People.Single(p => p.Value == user).Key} by {method}, step {step}, at +{(at - t0).TotalSeconds:0}s";
        Assert.Equal(
            expected.Select(e => Describe(e.World, e.World.People[e.Person], e.Method, e.Step, e.At)).Order(),
            deliveries.Select(d => Describe(worlds.Single(w => w.ServiceId == d.ServiceId), d.UserId, d.Target, d.Step + 1, d.CreatedAt)).Order());

        // Each went out at once, except the page whose contact method was removed, which says so.
        await PagingWorld.EventuallyAsync(
            async () => await host.WithDbAsync((db, _) => db.Deliveries.CountAsync(d => d.State == DeliveryState.Sent, Cancel)) == expected.Length - 1,
            "every page sent");
        var removed = await host.WithDbAsync((db, _) => db.Deliveries.AsNoTracking().SingleAsync(d => d.State != DeliveryState.Sent, Cancel));
        Assert.Equal(("later", DeliveryState.FailedPermanent, "the contact method was deleted"), (removed.Target, removed.State, removed.Error));
        Assert.All(await host.WithDbAsync((db, _) => db.Deliveries.AsNoTracking().Where(d => d.State == DeliveryState.Sent).ToListAsync(Cancel)), d => Assert.Equal(d.CreatedAt, d.SentAt));
        Assert.Equal(1, hooks.Requests.Count(r => r.PathAndQuery == "/ben6-phone"));
        Assert.Equal(0, hooks.Requests.Count(r => r.PathAndQuery is "/ben6" or "/ann6-later" or "/ben7"));

        // What changed under a run is said on it and in its alert's history; nothing failed, nothing is held.
        Assert.Contains("goes on from its last step, step 1", await HistoryAsync(host, policyShrunk), StringComparison.Ordinal);
        Assert.Contains($"Its escalation policy was deleted; it goes on with {policyDeleted.Service}'s policy replacement-{policyDeleted.Suffix}, from step 1", await HistoryAsync(host, policyDeleted), StringComparison.Ordinal);
        var runs = await host.WithDbAsync((db, _) => db.EscalationRuns.AsNoTracking().ToListAsync(Cancel));
        Assert.Equal(replacement, runs.Single(r => r.ServiceId == policyDeleted.ServiceId).PolicyId);
        Assert.Contains("skipped 1 empty step", runs.Single(r => r.ServiceId == disabled.ServiceId).Note ?? "", StringComparison.Ordinal);
        Assert.All(runs, r => Assert.Equal(RunState.Exhausted, r.State));
        Assert.All(runs, r => Assert.Null(r.LeaseOwner));
    }

    /// <summary>
    /// Waits until exactly <paramref name="count"/> pages were made at <paramref name="at"/> and everything due by then was
    /// sent (the engine works on its own threads), before the test moves the clock on.
    /// </summary>
    private static Task AllCreatedAtAsync(SteadyHost host, DateTimeOffset at, int count) =>
        PagingWorld.EventuallyAsync(
            async () => await host.WithDbAsync(async (db, _) =>
                await db.Deliveries.CountAsync(d => d.CreatedAt == at, Cancel) == count
                && await db.Deliveries.CountAsync(d => d.State == DeliveryState.Sending || (d.State == DeliveryState.Queued && d.DueAt <= at), Cancel) == 0
                && await db.EscalationRuns.CountAsync(r => r.LeaseOwner != null, Cancel) == 0),
            $"{count} pages made and sent at {at:HH:mm:ss}");

    /// <summary>The paging notes in the history of the world's alert.</summary>
    private static async Task<string> HistoryAsync(SteadyHost host, PagingWorld world)
    {
        var alert = await world.AlertAsync();
        var detail = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/alerts/{alert.GetProperty("id").GetGuid()}", Cancel);
        return string.Join("\n", detail.GetProperty("history").EnumerateArray().Where(e => e.GetProperty("kind").GetString() == "paging").Select(e => e.GetProperty("note").GetString()));
    }
}
