using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Steady.Server.Tests.StatusPage.StatusPageTests;

namespace Steady.Server.Tests.StatusPage;

/// <summary>
/// The console's status pages: an administrator makes a page, its components, schedules maintenance, adds a
/// subscriber and deletes; a responder sets states (with what the linked service's incidents suggest) but
/// shapes nothing; refusals are shown at the form, and every form goes through the API's commands.
/// </summary>
public sealed class StatusPageConsoleTests
{
    private const string Password = "a sufficiently long password";

    [Fact]
    public async Task AnAdministratorShapesAPageAndAResponderSetsStatesFromTheConsole()
    {
        await using var host = await SteadyHost.StartAsync();
        var api = host.Admin();
        var team = await CreatedAsync(api, "/api/v1/teams", new { name = "Payments" });
        await CreatedAsync(api, "/api/v1/services", new { name = "payments-api", teamId = team.GetProperty("id").GetGuid() });
        await CreatedAsync(api, "/api/v1/users", new { name = "Ada Admin", email = "ada@example.com", password = Password, isAdmin = true, timeZone = "UTC" });
        var rita = await CreatedAsync(api, "/api/v1/users", new { name = "Rita Responder", email = "rita@example.com", password = Password });
        (await api.PutAsJsonAsync($"/api/v1/teams/{team.GetProperty("id").GetGuid()}/members/{rita.GetProperty("id").GetGuid()}", new { role = "responder" })).EnsureSuccessStatusCode();

        var ada = new ConsoleClient(host);
        await ada.SignInAsync("ada@example.com", Password);
        Assert.Contains("href=\"/status-pages\"", await ada.GetPageAsync("/"), StringComparison.Ordinal);
        var created = await ada.PostFormAsync("/status-pages", "/status-pages?handler=Create", ("name", "Acme status"), ("slug", "acme"), ("timeZone", "Europe/Berlin"));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal("/status-pages/acme", created.Headers.Location!.OriginalString);
        var refused = await ada.PostFormAsync("/status-pages", "/status-pages?handler=Create", ("name", "Again"), ("slug", "acme"));
        Assert.Contains("There is already a status page", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await ada.PostFormAsync("/status-pages/acme", "/status-pages/acme?handler=AddGroup", ("name", "Shop"))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await ada.PostFormAsync("/status-pages/acme", "/status-pages/acme?handler=AddComponent", ("name", "Checkout"), ("group", "Shop"), ("service", "payments-api"), ("description", "Paying for orders"))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await ada.PostFormAsync("/status-pages/acme", "/status-pages/acme?handler=AddComponent", ("name", "Search"), ("group", ""), ("service", ""))).StatusCode);
        var badComponent = await ada.PostFormAsync("/status-pages/acme", "/status-pages/acme?handler=AddComponent", ("name", "Checkout"));
        Assert.Equal(HttpStatusCode.Conflict, badComponent.StatusCode);
        Assert.Contains("already has a component", WebUtility.HtmlDecode(await badComponent.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        var start = host.Clock.GetUtcNow().AddDays(2);
        var local = NodaTime.Instant.FromDateTimeOffset(start).InZone(NodaTime.DateTimeZoneProviders.Tzdb["UTC"]).LocalDateTime;
        string Input(NodaTime.LocalDateTime at) => at.ToString("uuuu'-'MM'-'dd'T'HH':'mm", System.Globalization.CultureInfo.InvariantCulture);
        var scheduled = await ada.PostFormAsync("/status-pages/acme", "/status-pages/acme?handler=Schedule", ("title", "Database upgrade"), ("body", "Checkout may pause."),
            ("startsAt", Input(local)), ("endsAt", Input(local.PlusHours(1))), ("components", "Checkout"), ("noticeMinutes", "60"), ("silenceAlerts", "true"));
        Assert.Equal(HttpStatusCode.Redirect, scheduled.StatusCode);
        var backwards = await ada.PostFormAsync("/status-pages/acme", "/status-pages/acme?handler=Schedule", ("title", "Backwards"), ("startsAt", Input(local)), ("endsAt", Input(local.PlusHours(-1))));
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Contains("must end after it starts", WebUtility.HtmlDecode(await backwards.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        var maintenance = Assert.Single((await api.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/acme/maintenances")).EnumerateArray());
        Assert.Equal(start, maintenance.GetProperty("startsAt").GetDateTimeOffset());
        Assert.True(maintenance.GetProperty("silenceAlerts").GetBoolean());

        Assert.Equal(HttpStatusCode.Redirect, (await ada.PostFormAsync("/status-pages/acme", "/status-pages/acme?handler=AddSubscriber", ("kind", "webhook"), ("address", "http://127.0.0.1:9/hook"))).StatusCode);
        var page = WebUtility.HtmlDecode(await ada.GetPageAsync("/status-pages/acme"));
        Assert.Contains("1 active · 0 awaiting confirmation · 0 failed", page, StringComparison.Ordinal);
        Assert.Contains("Database upgrade", page, StringComparison.Ordinal);
        var csv = await ada.GetAsync("/status-pages/acme?handler=Export");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.Contains("webhook,http://127.0.0.1:9/hook,active,all", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // An incident on payments-api suggests Checkout is affected; Rita sets it, and shapes nothing.
        await CreatedAsync(api, "/api/v1/incidents", new { title = "Payments failing", severity = "SEV1", services = new[] { "payments-api" } });
        var ritaConsole = new ConsoleClient(host);
        await ritaConsole.SignInAsync("rita@example.com", Password);
        var ritaPage = WebUtility.HtmlDecode(await ritaConsole.GetPageAsync("/status-pages/acme"));
        Assert.Contains("payments-api has open incident #1 (SEV1): is Checkout affected?", ritaPage, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=AddComponent", ritaPage, StringComparison.Ordinal);
        Assert.DoesNotContain("subscriber-counts", ritaPage, StringComparison.Ordinal);
        var components = await api.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/acme/components");
        Assert.Equal("operational", components[0].GetProperty("state").GetString()); // suggested, never set by itself
        var checkout = components.EnumerateArray().Single(c => c.GetProperty("name").GetString() == "Checkout").GetProperty("id").GetGuid();
        var set = await ritaConsole.PostFormAsync("/status-pages/acme", "/status-pages/acme?handler=SetState", ("id", checkout.ToString()), ("state", "partial_outage"));
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        Assert.Contains("Checkout is now partial outage", WebUtility.HtmlDecode(await ritaConsole.GetPageAsync("/status-pages/acme")), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await ritaConsole.PostFormAsync("/status-pages/acme", "/status-pages/acme?handler=DeleteComponent", ("id", checkout.ToString()))).StatusCode);

        // Deleting needs the slug typed; then the page is gone.
        var unconfirmed = await ada.PostFormAsync("/status-pages/acme", "/status-pages/acme?handler=DeletePage", ("confirm", "nope"));
        Assert.Equal(HttpStatusCode.BadRequest, unconfirmed.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await ada.PostFormAsync("/status-pages/acme", "/status-pages/acme?handler=DeletePage", ("confirm", "acme"))).StatusCode);
        Assert.Equal(0, (await api.GetFromJsonAsync<JsonElement>("/api/v1/status-pages")).GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await ada.GetAsync("/status-pages/acme")).StatusCode);
    }
}
