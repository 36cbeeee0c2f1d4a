using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

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

        world.Host.Clock.Advance(TimeSpan.FromMinutes(65));
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
        world.Host.Clock.Advance(TimeSpan.FromHours(3));
        page = await browser.GetPageAsync($"/incidents/{number}");
        Assert.DoesNotContain("running for", page, StringComparison.Ordinal);
        Assert.Contains("ran for 1 h 5 min, resolved Nov 24 10:05 UTC", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"next-update\"", page, StringComparison.Ordinal);

        (await world.As("Ana").PostAsJsonAsync($"/api/v1/incidents/{number}/close", new { whatHappened = "w", whatWasDone = "d", failedAssumptions = "a", whatShouldChange = "c", cause = "pool" })).EnsureSuccessStatusCode();
        page = await browser.GetPageAsync($"/incidents/{number}");
        Assert.Contains("ran for 1 h 5 min, closed Nov 24 13:05 UTC", page, StringComparison.Ordinal);
        list = await browser.GetPageAsync("/incidents?status=all");
        Assert.Contains("ran for 1 h 5 min, closed", list, StringComparison.Ordinal);
        Assert.DoesNotContain("running for", list, StringComparison.Ordinal);
    }
}
