using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steady.Core.OnCall;
using Steady.Server.Tests.Alerts;
using Steady.Server.Tests.Notify;
using Steady.Server.Tests.Paging;
using Steady.Core.Paging;

namespace Steady.Server.Tests.Incidents;

/// <summary>
/// An incident declared from an alert owns the pages of its alert group: acknowledging the incident stops
/// the group's escalation, every page for the group is on the incident's timeline, the alert says which
/// incident it is in, and a group belongs to one open incident at a time.
/// </summary>
public sealed class IncidentAlertGroupTests
{
    private const string Password = "a sufficiently long password";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Alertmanager fires one alert on the world's service; returns the alert's id.</summary>
    internal static async Task<string> FireAsync(IncidentWorld world, string name, string fingerprint)
    {
        var fired = await world.Alerts.PostAsync("alertmanager", AlertWorld.Alertmanager("firing", (name, fingerprint)));
        Assert.True(fired.IsSuccessStatusCode, await fired.Content.ReadAsStringAsync(Cancel));
        var alerts = await world.Alerts.AlertsAsync();
        return Assert.Single(alerts, a => a.GetProperty("summary").GetString() == $"{name} on db1").GetProperty("id").GetString()!;
    }

    /// <summary>A browser signed in as one of the world's people.</summary>
    internal static async Task<ConsoleClient> SignInAsync(IncidentWorld world, string who)
    {
        (await world.Admin.PutAsJsonAsync($"/api/v1/users/{world.People[who].Id}/password", new { newPassword = Password }, Cancel)).EnsureSuccessStatusCode();
        var email = (await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{world.People[who].Id}", Cancel)).GetProperty("email").GetString()!;
        var browser = new ConsoleClient(world.Host);
        await browser.SignInAsync(email, Password);
        return browser;
    }

    private static Task<ReceivedRequest> PageAsync(IncidentWorld world, string who, string text) =>
        IncidentWorld.EventuallyAsync(() => world.Phone(who).FirstOrDefault(r => r.Text.Contains(text, StringComparison.Ordinal)), $"the page '{text}' to reach {who}");

    [Fact]
    public async Task AcknowledgingAnIncidentDeclaredFromAnAlertStopsItsGroupsEscalationAndItsTimelineHoldsEveryPage()
    {
        await using var world = await IncidentWorld.CreateAsync();
        await IncidentPagingTests.TwoStepPolicyAsync(world); // Ana, then Ben 5 minutes on
        var alertId = await FireAsync(world, "DiskFull", "fp-disk");
        await PageAsync(world, "Ana", "DiskFull on db1"); // the group's step 1

        // A SEV2 from the alert: its own page goes to Ana too; both escalations would reach Ben at +5 min.
        var declared = await world.DeclareAsync(new { alertId, severity = "SEV2", title = "Disk filling on db1", summary = "db1's disk fills at 1 GB a minute" }, who: "Cleo");
        var number = declared.GetProperty("number").GetInt32();
        await PageAsync(world, "Ana", "SEV2 declared: Disk filling on db1");
        // A witness nobody acknowledges: another incident on the service, paging Ben at +5 min like the others would.
        await world.DeclareAsync(new { title = "Witness", severity = "SEV2", services = new[] { world.Alerts.Service } }, who: "Cleo");

        // The alert says it is in the incident.
        var alert = (await world.Alerts.DetailAsync(alertId)).GetProperty("alert");
        Assert.Equal(number, alert.GetProperty("incident").GetProperty("number").GetInt32());
        Assert.True(alert.GetProperty("incident").GetProperty("open").GetBoolean());

        // Dev acknowledges the incident (the API; the console, the CLI and the link go through the same command).
        var ack = await world.As("Dev").PostAsJsonAsync($"/api/v1/incidents/{number}/acknowledge", new { }, Cancel);
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        alert = (await world.Alerts.DetailAsync(alertId)).GetProperty("alert");
        Assert.Equal("acknowledged", alert.GetProperty("status").GetString());
        Assert.Equal("Dev", alert.GetProperty("acknowledgedBy").GetString());
        var groupId = alert.GetProperty("groupId").GetGuid();
        var groupRun = await world.Host.WithDbAsync((db, _) => db.EscalationRuns.AsNoTracking().SingleAsync(r => r.GroupId == groupId, Cancel));
        Assert.Equal(RunState.Acknowledged, groupRun.State);
        Assert.Null(groupRun.NextDueAt);
        Assert.Contains(await TextsAsync(world, number), t => t == "Dev acknowledged the incident's pages: escalation stopped; 1 alert of its alert group was acknowledged with it");
        Assert.Contains((await world.Alerts.DetailAsync(alertId)).GetProperty("history").EnumerateArray(),
            e => e.GetProperty("kind").GetString() == "acknowledged" && e.GetProperty("note").GetString() == $"with incident #{number}");

        // Past the next step: the witness reaches Ben, the group's and the incident's escalations do not.
        await world.Host.AdvanceAsync(TimeSpan.FromMinutes(6));
        await PageAsync(world, "Ben", "SEV2 declared: Witness");
        await PagingWorld.EventuallyAsync(async () => !await world.Host.WithDbAsync((db, _) => db.Deliveries.AnyAsync(d => DeliveryStates.Pending.Contains(d.State), Cancel)), "the outbox to empty");
        Assert.Single(world.Phone("Ben"));

        // Every page for the group — the one before the incident too — is on the incident's timeline and in its pages.
        var pages = (await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{number}/pages", Cancel)).EnumerateArray().ToList();
        var groupPages = pages.Where(p => p.GetProperty("groupId").ValueKind == JsonValueKind.String).ToList();
        var sent = Assert.Single(groupPages, p => p.GetProperty("state").GetString() == "sent");
        Assert.Equal(world.People["Ana"].Id, sent.GetProperty("userId").GetGuid());
        Assert.Contains(pages, p => p.GetProperty("incidentId").ValueKind == JsonValueKind.String); // and its own
        var timeline = await world.TimelineAsync(number);
        var entry = Assert.Single(timeline, e => e.GetProperty("refId").ValueKind == JsonValueKind.String && e.GetProperty("refId").GetGuid() == sent.GetProperty("id").GetGuid());
        Assert.Equal("page", entry.GetProperty("kind").GetString());
        Assert.StartsWith("Paged Ana by webhook", entry.GetProperty("text").GetString(), StringComparison.Ordinal);
        var groupTitle = (await world.Alerts.DetailAsync(alertId)).GetProperty("group").GetProperty("title").GetString();
        Assert.Contains($"for alert group '{groupTitle}'", entry.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains(timeline, e => e.GetProperty("text").GetString()!.StartsWith("Paged Ana step 1 of escalation policy incident-chain: SEV2 declared", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheConsolesAcknowledgePagesStopsTheGroupsEscalationOfAnIncidentThatDoesNotPageItself()
    {
        await using var world = await IncidentWorld.CreateAsync();
        await IncidentPagingTests.TwoStepPolicyAsync(world);
        var alertId = await FireAsync(world, "QueueStuck", "fp-queue");
        await PageAsync(world, "Ana", "QueueStuck on db1");
        var number = (await world.DeclareAsync(new { alertId, severity = "SEV3" }, who: "Cleo")).GetProperty("number").GetInt32();

        // A SEV3 pages nobody itself; its page still offers to acknowledge the group's escalation, now the incident's.
        var browser = await SignInAsync(world, "Dev");
        var page = System.Net.WebUtility.HtmlDecode(await browser.GetPageAsync($"/incidents/{number}"));
        var groupTitle = (await world.Alerts.DetailAsync(alertId)).GetProperty("group").GetProperty("title").GetString();
        Assert.Contains($"Alert group '{groupTitle}': its escalation", page, StringComparison.Ordinal);
        Assert.Contains("Acknowledge pages", page, StringComparison.Ordinal);
        var acked = await browser.PostFormAsync($"/incidents/{number}", $"/incidents/{number}?handler=Acknowledge");
        Assert.Equal(HttpStatusCode.Redirect, acked.StatusCode);
        Assert.Equal("acknowledged", (await world.Alerts.DetailAsync(alertId)).GetProperty("alert").GetProperty("status").GetString());
        Assert.DoesNotContain("Acknowledge pages", await browser.GetPageAsync($"/incidents/{number}"), StringComparison.Ordinal);

        await world.Host.AdvanceAsync(TimeSpan.FromMinutes(6));
        var groupRun = await world.Host.WithDbAsync((db, _) => db.EscalationRuns.AsNoTracking().SingleAsync(r => r.GroupId != null, Cancel));
        Assert.Equal(RunState.Acknowledged, groupRun.State);
        Assert.Equal(0, await world.Host.WithDbAsync((db, _) => db.Deliveries.CountAsync(d => d.UserId == world.People["Ben"].Id, Cancel)));
        var twice = await world.As("Dev").PostAsJsonAsync($"/api/v1/incidents/{number}/acknowledge", new { }, Cancel);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
    }

    [Fact]
    public async Task DeclaringTwiceFromOneAlertAnswersWithTheFirstIncident()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var alertId = await FireAsync(world, "HighLatency", "fp-latency");
        var first = (await world.DeclareAsync(new { alertId, severity = "SEV2" }, who: "Cleo")).GetProperty("number").GetInt32();

        // Again from the alert, or from its group: 409, naming the first incident (in words and as data).
        var groupId = (await world.Alerts.DetailAsync(alertId)).GetProperty("alert").GetProperty("groupId").GetGuid();
        foreach (var body in new object[] { new { alertId, severity = "SEV1" }, new { alertGroupId = groupId, severity = "SEV2", title = "Again" } })
        {
            var again = await world.As("Dev").PostAsJsonAsync("/api/v1/incidents", body, Cancel);
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
            var problem = await again.Content.ReadFromJsonAsync<JsonElement>(Cancel);
            Assert.Contains($"already in incident #{first}", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Equal(first, problem.GetProperty("incident").GetProperty("number").GetInt32());
        }
        var all = await world.Admin.GetFromJsonAsync<JsonElement>("/api/v1/incidents?status=all", Cancel);
        Assert.Single(all.GetProperty("items").EnumerateArray());

        // The console: the alert's page links to the incident instead of offering to declare; the declare form goes to it.
        var browser = await SignInAsync(world, "Dev");
        var alertPage = await browser.GetPageAsync($"/alerts/{alertId}");
        Assert.Contains($"href=\"/incidents/{first}\"", alertPage, StringComparison.Ordinal);
        Assert.DoesNotContain("declare-from-alert", alertPage, StringComparison.Ordinal);
        var form = await browser.GetAsync($"/incidents/declare?alert={alertId}");
        Assert.Equal(HttpStatusCode.Redirect, form.StatusCode);
        Assert.Equal($"/incidents/{first}", form.Headers.Location!.OriginalString);
        var posted = await browser.PostFormAsync("/incidents/declare", "/incidents/declare", ("severity", "SEV2"), ("alert", alertId));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal($"/incidents/{first}", posted.Headers.Location!.OriginalString);
        Assert.Contains($"already in incident #{first}", System.Net.WebUtility.HtmlDecode(await browser.GetPageAsync($"/incidents/{first}")), StringComparison.Ordinal);

        // Once that incident is resolved, the group is free: a new incident may be declared from it.
        (await world.As("Cleo").PostAsJsonAsync($"/api/v1/incidents/{first}/status", new { status = "resolved", @override = "a false alarm" }, Cancel)).EnsureSuccessStatusCode();
        var closedOver = (await world.Alerts.DetailAsync(alertId)).GetProperty("alert").GetProperty("incident");
        Assert.False(closedOver.GetProperty("open").GetBoolean());
        Assert.Contains("declare-from-alert", await browser.GetPageAsync($"/alerts/{alertId}"), StringComparison.Ordinal);
        var second = (await world.DeclareAsync(new { alertId, severity = "SEV2" }, who: "Dev")).GetProperty("number").GetInt32();
        Assert.Equal(first + 1, second);
        Assert.Equal(second, (await world.Alerts.DetailAsync(alertId)).GetProperty("alert").GetProperty("incident").GetProperty("number").GetInt32());
    }

    [Fact]
    public async Task TwoDeclarationsFromOneAlertAtOnceMakeOneIncident()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var alertId = await FireAsync(world, "Saturated", "fp-sat");
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            world.As(i % 2 == 0 ? "Cleo" : "Dev").PostAsJsonAsync("/api/v1/incidents", new { alertId, severity = "SEV3" }, Cancel)));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.Equal(3, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(1, await world.Host.WithDbAsync((db, _) => db.Incidents.CountAsync(Cancel)));
    }

    private static async Task<List<string>> TextsAsync(IncidentWorld world, int number) =>
        (await world.TimelineAsync(number)).Select(e => e.GetProperty("text").GetString()!).ToList();
}
