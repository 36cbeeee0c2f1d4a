using System.Net.Http.Json;
using System.Text.Json;
using Steady.Server.Tests.Incidents;

namespace Steady.Server.Tests.Postmortems;

public sealed class ActionItemReminderTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task TheOwnerIsRemindedBeforeOnAndWeeklyAfterTheDueDateAfterTheIncidentClosedThenTheAdminAndNothingOnceDone()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var clock = world.Host.Clock;
        var start = clock.GetUtcNow();
        (await world.Admin.PutAsJsonAsync($"/api/v1/teams/{world.Alerts.TeamId}/members/{world.People["Dev"].Id}", new { role = "admin" }, Cancel)).EnsureSuccessStatusCode();
        await world.DeclareAsync(new { title = "Certificate expired", severity = "SEV2", services = new[] { world.Alerts.Service } }, who: "Ana");
        var ana = world.As("Ana");

        const string Title = "Renew the gateway certificate automatically";
        var item = await OkAsync(await ana.PostAsJsonAsync("/api/v1/action-items", new { incident = "1", title = Title, type = "prevent", owner = world.People["Ben"].Id.ToString(), dueAt = start.AddDays(10) }, Cancel));
        await OkAsync(await ana.PostAsJsonAsync("/api/v1/action-items", new { incident = "1", title = "Sentinel item", type = "monitoring", owner = world.People["Cleo"].Id.ToString(), dueAt = start.AddDays(34) }, Cancel));

        // The incident ends; the follow-up does not.
        await OkAsync(await ana.PostAsJsonAsync("/api/v1/incidents/1/status", new { status = "resolved", @override = "renewed by hand" }, Cancel));
        await OkAsync(await ana.PostAsJsonAsync("/api/v1/incidents/1/close", new { whatHappened = "cert expired", whatWasDone = "renewed", failedAssumptions = "renewal was automatic", whatShouldChange = "automate it", cause = "manual renewal step" }, Cancel));

        int Count(string who) => world.Phone(who).Count(r => r.Text.Contains(Title, StringComparison.Ordinal));
        async Task ReachesAsync(string who, int count) =>
            await IncidentWorld.EventuallyAsync(() => Count(who) >= count ? "ok" : null, $"{who} to have {count} reminders");

        clock.Advance(TimeSpan.FromDays(8) - TimeSpan.FromSeconds(1));
        clock.Advance(TimeSpan.FromSeconds(1)); // two days before the due date
        await ReachesAsync("Ben", 1);
        Assert.Contains(world.Phone("Ben"), r => r.Text.Contains("is due", StringComparison.Ordinal));
        clock.Advance(TimeSpan.FromDays(2)); // on the due date
        await ReachesAsync("Ben", 2);
        clock.Advance(TimeSpan.FromDays(7)); // a week overdue
        await ReachesAsync("Ben", 3);
        Assert.Contains(world.Phone("Ben"), r => r.Text.Contains("is overdue since", StringComparison.Ordinal));
        Assert.Equal(0, Count("Dev"));
        clock.Advance(TimeSpan.FromDays(7)); // the fourth reminder: the team's admin hears too
        await ReachesAsync("Ben", 4);
        await ReachesAsync("Dev", 1);
        Assert.Equal(4, Count("Ben"));

        await OkAsync(await world.As("Ben").PatchAsJsonAsync($"/api/v1/action-items/{item.GetProperty("id").GetGuid()}", new { status = "done" }, Cancel));
        clock.Advance(TimeSpan.FromDays(8)); // past the fifth reminder's time, and the sentinel's first
        await IncidentWorld.EventuallyAsync(() => world.Phone("Cleo").Any(r => r.Text.Contains("Sentinel item", StringComparison.Ordinal)) ? "ok" : null, "the sentinel's reminder");
        Assert.Equal(4, Count("Ben"));
        Assert.Equal(1, Count("Dev"));
    }
}
