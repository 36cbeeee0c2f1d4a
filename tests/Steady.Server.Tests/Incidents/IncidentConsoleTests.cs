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
}
