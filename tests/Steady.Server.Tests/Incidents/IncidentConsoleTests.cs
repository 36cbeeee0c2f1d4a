using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steady.Core.OnCall;
using Steady.Core.Paging;

namespace Steady.Server.Tests.Incidents;

/// <summary>The incident pages without JavaScript: declare from an alert, the one screen, refusals shown beside the form.</summary>
public sealed class IncidentConsoleTests
{
    private const string Password = "a sufficiently long password";

    [Fact]
    public async Task AnIncidentDeclaredFromAnAlertsPageLeadsWithTheChecklistAndShowsRefusalsBesideTheForm()
    {
        await using var world = await IncidentWorld.CreateAsync();
        (await world.Alerts.PostAsync("generic", new { summary = "Checkout 5xx", dedup_key = "console-1" })).EnsureSuccessStatusCode();
        var alertId = (await world.Alerts.AlertAsync("console-1")).GetProperty("id").GetString();
        (await world.Admin.PutAsJsonAsync($"/api/v1/users/{world.People["Ana"].Id}/password", new { newPassword = Password })).EnsureSuccessStatusCode();
        var email = (await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{world.People["Ana"].Id}")).GetProperty("email").GetString()!;
        var browser = new ConsoleClient(world.Host);
        await browser.SignInAsync(email, Password);

        Assert.Contains($"/incidents/declare?alert={alertId}", await browser.GetPageAsync($"/alerts/{alertId}"), StringComparison.Ordinal);
        var form = await browser.GetPageAsync($"/incidents/declare?alert={alertId}");
        Assert.Contains("Declare generously", form, StringComparison.Ordinal);
        Assert.Contains("All hands, page immediately, update status page", form, StringComparison.Ordinal);

        var declared = await browser.PostFormAsync($"/incidents/declare?alert={alertId}", $"/incidents/declare?alert={alertId}", ("severity", "SEV1"), ("alert", alertId!));
        Assert.Equal(HttpStatusCode.Redirect, declared.StatusCode);
        Assert.Equal("/incidents/1", declared.Headers.Location!.OriginalString);

        var page = await browser.GetPageAsync("/incidents/1");
        Assert.Contains("Stabilize first", page, StringComparison.Ordinal);
        Assert.Contains("Pause the deploy pipeline", page, StringComparison.Ordinal);
        Assert.Contains("Next update due in 30 min", page, StringComparison.Ordinal);
        Assert.Contains("Checkout 5xx", page, StringComparison.Ordinal);

        var refused = await browser.PostFormAsync("/incidents/1", "/incidents/1?handler=Update", ("known", ""), ("doing", "rolling back"));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("&#x27;known&#x27; is required", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty((await world.GetAsync(1)).GetProperty("updates").EnumerateArray());

        var posted = await browser.PostFormAsync("/incidents/1", "/incidents/1?handler=Update", ("known", "Checkout fails"), ("doing", "Rolling back"), ("visibility", "public"));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Single((await world.GetAsync(1)).GetProperty("updates").EnumerateArray());

        var list = await browser.GetPageAsync("/incidents?mine=true");
        Assert.Contains("Checkout 5xx", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOverdueUpdateShowsAsDangerAndAnIncidentThatEndedSaysHowLongItRanNotThatItIsRunning()
    {
        await using var world = await IncidentWorld.CreateAsync();
        (await world.Admin.PutAsJsonAsync($"/api/v1/users/{world.People["Ana"].Id}/password", new { newPassword = Password })).EnsureSuccessStatusCode();
        var email = (await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{world.People["Ana"].Id}")).GetProperty("email").GetString()!;
        var browser = new ConsoleClient(world.Host);
        await browser.SignInAsync(email, Password);
        var number = (await world.DeclareAsync(new { title = "Checkout slow", severity = "SEV2", services = new[] { world.Alerts.Service } })).GetProperty("number").GetInt32();

        await world.Host.AdvanceAsync(TimeSpan.FromMinutes(65));
        var page = await browser.GetPageAsync($"/incidents/{number}");
        Assert.Contains("class=\"notice danger\" data-testid=\"next-update\"", page, StringComparison.Ordinal);
        Assert.Contains("Update overdue by 5 min", page, StringComparison.Ordinal);
        Assert.Contains("running for 1 h 5 min", page, StringComparison.Ordinal);
        var list = await browser.GetPageAsync("/incidents");
        Assert.Contains("class=\"overdue\" data-testid=\"overdue\">overdue by 5 min", list, StringComparison.Ordinal);

        // The incident page edits its channels too.
        var added = await browser.PostFormAsync($"/incidents/{number}", $"/incidents/{number}?handler=Channel", ("chatKind", "slack"), ("chatUrl", ""), ("emails", "ops@example.com"));
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        Assert.Contains("ops@example.com", await browser.GetPageAsync($"/incidents/{number}"), StringComparison.Ordinal);
        var empty = await browser.PostFormAsync($"/incidents/{number}", $"/incidents/{number}?handler=Channel", ("chatKind", "slack"), ("chatUrl", ""), ("emails", ""));
        Assert.Contains("Give a chat webhook URL or email addresses.", System.Net.WebUtility.HtmlDecode(await empty.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        (await world.As("Ana").PostAsJsonAsync($"/api/v1/incidents/{number}/status", new { status = "resolved", @override = "verified by hand" })).EnsureSuccessStatusCode();
        await world.Host.AdvanceAsync(TimeSpan.FromHours(3));
        page = await browser.GetPageAsync($"/incidents/{number}");
        Assert.DoesNotContain("running for", page, StringComparison.Ordinal);
        Assert.Contains("ran for 1 h 5 min, resolved Tue 24 Nov 11:05 CET", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"next-update\"", page, StringComparison.Ordinal);

        (await world.As("Ana").PostAsJsonAsync($"/api/v1/incidents/{number}/close", new { whatHappened = "w", whatWasDone = "d", failedAssumptions = "a", whatShouldChange = "c", cause = "pool" })).EnsureSuccessStatusCode();
        page = await browser.GetPageAsync($"/incidents/{number}");
        Assert.Contains("ran for 1 h 5 min, closed Tue 24 Nov 14:05 CET", page, StringComparison.Ordinal);
        list = await browser.GetPageAsync("/incidents?status=all");
        Assert.Contains("ran for 1 h 5 min, closed", list, StringComparison.Ordinal);
        Assert.DoesNotContain("running for", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APagedResponderAcknowledgesTheIncidentsPagesFromItsPageAndAViewerIsRefused()
    {
        await using var world = await IncidentWorld.CreateAsync();
        await IncidentPagingTests.TwoStepPolicyAsync(world);
        var number = (await world.DeclareAsync(new { title = "Checkout down", severity = "SEV1", services = new[] { world.Alerts.Service } }, who: "Cleo")).GetProperty("number").GetInt32();
        await IncidentWorld.EventuallyAsync(() => world.Phone("Ana").FirstOrDefault(r => r.Text.Contains("SEV1 declared: Checkout down", StringComparison.Ordinal)), "the page to reach Ana");
        var path = $"/incidents/{number}";

        // A viewer of the team sees the pages but not the button, and posting anyway is refused beside the forms.
        var (viewerId, _) = await world.Host.CreateUserAsync("Viv");
        (await world.Admin.PutAsJsonAsync($"/api/v1/teams/{world.Alerts.TeamId}/members/{viewerId}", new { role = "viewer" })).EnsureSuccessStatusCode();
        var viewer = await SignInAsync(world, viewerId);
        var seen = await viewer.GetPageAsync(path);
        Assert.Contains("data-testid=\"runs\"", seen, StringComparison.Ordinal);
        Assert.Contains(">active</span> SEV1 declared", seen, StringComparison.Ordinal);
        Assert.DoesNotContain("Acknowledge pages", seen, StringComparison.Ordinal);
        var refused = await viewer.PostFormAsync(path, $"{path}?handler=Acknowledge");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("Only responders of the team that answers for this incident can change it.", System.Net.WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(RunState.Active, (await RunsAsync(world)).Single().State);

        // Ana, paged, acknowledges from the incident page: the escalation stops, as the API's acknowledge does.
        var ana = await SignInAsync(world, world.People["Ana"].Id);
        var page = await ana.GetPageAsync(path);
        Assert.Contains("data-testid=\"acknowledge-form\"", page, StringComparison.Ordinal);
        Assert.Contains("Acknowledge pages", page, StringComparison.Ordinal);
        var acked = await ana.PostFormFromAsync(page, $"{path}?handler=Acknowledge");
        Assert.Equal(HttpStatusCode.Redirect, acked.StatusCode);
        Assert.Equal(path, acked.Headers.Location!.OriginalString);

        var run = (await RunsAsync(world)).Single();
        Assert.Equal(RunState.Acknowledged, run.State);
        Assert.Null(run.NextDueAt); // step 2 (Ben) never runs
        var pages = await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{number}/pages");
        var sent = Assert.Single(pages.EnumerateArray());
        Assert.Equal(world.People["Ana"].Id, sent.GetProperty("userId").GetGuid());
        Assert.Equal("sent", sent.GetProperty("state").GetString());
        Assert.Contains((await world.TimelineAsync(number)).Select(e => e.GetProperty("text").GetString()), t => t == "Ana acknowledged the incident's pages: escalation stopped");
        Assert.NotNull((await world.GetAsync(number)).GetProperty("acknowledgedAt").GetString());

        page = await ana.GetPageAsync(path);
        Assert.Contains("Pages acknowledged: their escalation stopped.", page, StringComparison.Ordinal);
        Assert.Contains(">acknowledged</span> SEV1 declared", page, StringComparison.Ordinal);
        Assert.Contains("acknowledged by Ana", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Acknowledge pages", page, StringComparison.Ordinal);

        // The form sent again (a second tab, a double tap) says why nothing happened.
        var twice = await ana.PostFormFromAsync(page, $"{path}?handler=Acknowledge");
        Assert.Equal(HttpStatusCode.OK, twice.StatusCode);
        Assert.Contains("Nothing is paging for this incident: there is nothing to acknowledge.", await twice.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<ConsoleClient> SignInAsync(IncidentWorld world, Guid userId)
    {
        (await world.Admin.PutAsJsonAsync($"/api/v1/users/{userId}/password", new { newPassword = Password })).EnsureSuccessStatusCode();
        var email = (await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{userId}")).GetProperty("email").GetString()!;
        var browser = new ConsoleClient(world.Host);
        await browser.SignInAsync(email, Password);
        return browser;
    }

    private static Task<List<EscalationRunRecord>> RunsAsync(IncidentWorld world) =>
        world.Host.WithDbAsync((db, _) => db.EscalationRuns.AsNoTracking().Where(r => r.IncidentId != null).ToListAsync());
}
