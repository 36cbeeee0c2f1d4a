using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Steady.Server.Tests.StatusPage.StatusPageTests;

namespace Steady.Server.Tests.StatusPage;

/// <summary>
/// Scheduled maintenance: shown ahead, it starts and completes by itself on the controlled clock (durable due
/// rows), puts its components under maintenance meanwhile, silences the linked services' alerts through
/// Steady's maintenance windows, moves only forward when a person moves it, and refuses bad windows whole.
/// </summary>
public sealed class MaintenanceTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task AMaintenanceIsShownAheadStartsAndCompletesByItselfAndSilencesItsServicesMeanwhile()
    {
        await using var host = await SteadyHost.StartAsync();
        var admin = host.Admin();
        var service = await SeedAsync(host);
        var start = host.Clock.GetUtcNow().AddHours(3);
        var created = await CreatedAsync(admin, "/api/v1/status-pages/acme/maintenances", new
        {
            title = "Database upgrade", body = "Checkout may be slow for a few minutes.", startsAt = start, endsAt = start.AddHours(1),
            components = new[] { "Checkout" }, silenceAlerts = true,
        });
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal("scheduled", created.GetProperty("status").GetString());
        Assert.Equal(60, created.GetProperty("noticeMinutes").GetInt32());
        Assert.Equal(["Checkout"], created.GetProperty("components").EnumerateArray().Select(c => c.GetString()!).ToArray());

        var anonymous = host.Anonymous();
        var upcoming = Assert.Single((await anonymous.GetFromJsonAsync<JsonElement>("/api/v2/scheduled-maintenances/upcoming.json", _ct)).GetProperty("scheduled_maintenances").EnumerateArray());
        Assert.Equal(id.ToString("N"), upcoming.GetProperty("id").GetString());
        Assert.Equal("scheduled", upcoming.GetProperty("status").GetString());
        Assert.Equal("maintenance", upcoming.GetProperty("impact").GetString());
        Assert.Equal(start, upcoming.GetProperty("scheduled_for").GetDateTimeOffset());
        Assert.Equal(start.AddHours(1), upcoming.GetProperty("scheduled_until").GetDateTimeOffset());
        Assert.Equal("Checkout", upcoming.GetProperty("components")[0].GetProperty("name").GetString());
        Assert.Single((await anonymous.GetFromJsonAsync<JsonElement>("/api/v2/summary.json", _ct)).GetProperty("scheduled_maintenances").EnumerateArray());
        var page = await anonymous.GetStringAsync("/status", _ct);
        Assert.Contains("Scheduled maintenance", page, StringComparison.Ordinal);
        Assert.Contains("Database upgrade", page, StringComparison.Ordinal);
        var window = Assert.Single((await admin.GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}/maintenance", _ct)).EnumerateArray());
        Assert.False(window.GetProperty("active").GetBoolean());
        Assert.Equal(start, window.GetProperty("startsAt").GetDateTimeOffset());

        // Its start comes: it starts by itself, with nobody there.
        host.Clock.Advance(TimeSpan.FromHours(3));
        var running = await StatusWait.ForAsync<JsonElement>(async () =>
        {
            var m = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/status-pages/acme/maintenances/{id}", _ct);
            return m.GetProperty("status").GetString() == "in_progress" ? (JsonElement?)m : null;
        }, "the maintenance to start");
        Assert.Equal("The scheduled maintenance has begun.", running.GetProperty("updates")[0].GetProperty("body").GetString());
        Assert.Equal("under_maintenance", await StateAsync(admin, "Checkout"));
        Assert.Equal("operational", await StateAsync(admin, "Search"));
        Assert.True((await admin.GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}/maintenance", _ct))[0].GetProperty("active").GetBoolean());
        await StatusWait.UntilAsync(async () =>
            (await anonymous.GetFromJsonAsync<JsonElement>("/status/acme/api/v2/scheduled-maintenances/active.json", _ct)).GetProperty("scheduled_maintenances").GetArrayLength() == 1,
            "the page to list it as active");
        Assert.Equal("maintenance", (await anonymous.GetFromJsonAsync<JsonElement>("/status/acme/api/v2/status.json", _ct)).GetProperty("status").GetProperty("indicator").GetString());

        // Its end comes: it completes by itself, Checkout is operational again and its alerts page again.
        host.Clock.Advance(TimeSpan.FromHours(1));
        var done = await StatusWait.ForAsync<JsonElement>(async () =>
        {
            var m = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/status-pages/acme/maintenances/{id}", _ct);
            return m.GetProperty("status").GetString() == "completed" ? (JsonElement?)m : null;
        }, "the maintenance to complete");
        Assert.Equal(["completed", "in_progress", "scheduled"], done.GetProperty("updates").EnumerateArray().Select(u => u.GetProperty("status").GetString()!).ToArray());
        Assert.Equal("operational", await StateAsync(admin, "Checkout"));
        Assert.False((await admin.GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}/maintenance", _ct))[0].GetProperty("active").GetBoolean());
        var history = await admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/acme/components/Checkout/history", _ct);
        Assert.Equal(["operational", "under_maintenance", "operational"], history.EnumerateArray().Select(i => i.GetProperty("state").GetString()!).ToArray());
        Assert.Equal(start, history[1].GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal(start.AddHours(1), history[1].GetProperty("endedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task AMaintenanceWhoseWindowPassedWhileNobodyRanItStillStartsThenCompletes()
    {
        await using var host = await SteadyHost.StartAsync();
        var admin = host.Admin();
        await SeedAsync(host);
        var start = host.Clock.GetUtcNow().AddMinutes(30);
        var id = (await CreatedAsync(admin, "/api/v1/status-pages/acme/maintenances", new { title = "Network work", startsAt = start, durationMinutes = 20, components = new[] { "Search" }, noticeMinutes = 0 }))
            .GetProperty("id").GetGuid();
        host.Clock.Advance(TimeSpan.FromHours(2)); // the whole window at once
        var done = await StatusWait.ForAsync<JsonElement>(async () =>
        {
            var m = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/status-pages/acme/maintenances/{id}", _ct);
            return m.GetProperty("status").GetString() == "completed" ? (JsonElement?)m : null;
        }, "the maintenance to complete");
        Assert.Equal(["completed", "in_progress", "scheduled"], done.GetProperty("updates").EnumerateArray().Select(u => u.GetProperty("status").GetString()!).ToArray());
        Assert.Equal("operational", await StateAsync(admin, "Search"));
        var page = await host.Anonymous().GetStringAsync("/status", _ct);
        Assert.Contains("Network work", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"past-maintenance\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APersonMovesAMaintenanceForwardNeverBackAndDeletesOnlyOneNotRunning()
    {
        await using var host = await SteadyHost.StartAsync();
        var admin = host.Admin();
        await SeedAsync(host);
        var start = host.Clock.GetUtcNow().AddDays(1);
        var id = (await CreatedAsync(admin, "/api/v1/status-pages/acme/maintenances", new { title = "Early work", startsAt = start, endsAt = start.AddHours(2), components = new[] { "Checkout" } }))
            .GetProperty("id").GetGuid();
        var started = await OkAsync(admin.PostAsJsonAsync($"/api/v1/status-pages/acme/maintenances/{id}/updates", new { status = "in_progress", body = "We started early." }, _ct));
        Assert.Equal("in_progress", started.GetProperty("status").GetString());
        Assert.Equal("under_maintenance", await StateAsync(admin, "Checkout"));
        await ProblemAsync(admin.DeleteAsync($"/api/v1/status-pages/acme/maintenances/{id}", _ct), HttpStatusCode.Conflict, "complete it");
        Assert.Equal("verifying", (await OkAsync(admin.PostAsJsonAsync($"/api/v1/status-pages/acme/maintenances/{id}/updates", new { status = "verifying", body = "Checking." }, _ct))).GetProperty("status").GetString());
        await ProblemAsync(admin.PostAsJsonAsync($"/api/v1/status-pages/acme/maintenances/{id}/updates", new { status = "scheduled", body = "Back?" }, _ct), HttpStatusCode.Conflict, "only move forward");
        await OkAsync(admin.PostAsJsonAsync($"/api/v1/status-pages/acme/maintenances/{id}/updates", new { status = "completed", body = "Done early." }, _ct));
        Assert.Equal("operational", await StateAsync(admin, "Checkout"));
        await ProblemAsync(admin.PostAsJsonAsync($"/api/v1/status-pages/acme/maintenances/{id}/updates", new { status = "completed", body = "Again." }, _ct), HttpStatusCode.Conflict, "completed");
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/api/v1/status-pages/acme/maintenances/{id}", _ct)).StatusCode);
        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/acme/maintenances", _ct)).GetArrayLength());
    }

    [Fact]
    public async Task ABadMaintenanceIsRefusedWholeAndWritesNothing()
    {
        await using var host = await SteadyHost.StartAsync();
        var admin = host.Admin();
        await SeedAsync(host);
        var now = host.Clock.GetUtcNow();
        await ProblemAsync(admin.PostAsJsonAsync("/api/v1/status-pages/acme/maintenances", new { title = "Backwards", startsAt = now.AddHours(2), endsAt = now.AddHours(1) }, _ct), HttpStatusCode.BadRequest, "must end after it starts");
        await ProblemAsync(admin.PostAsJsonAsync("/api/v1/status-pages/acme/maintenances", new { title = "", startsAt = now.AddHours(1), endsAt = now.AddHours(2), components = new[] { "Nope" }, noticeMinutes = -5 }, _ct),
            HttpStatusCode.BadRequest, "title", "Nope", "noticeMinutes");
        await ProblemAsync(admin.PostAsJsonAsync("/api/v1/status-pages/acme/maintenances", new { title = "Past", startsAt = now.AddHours(-3), endsAt = now.AddHours(-1) }, _ct), HttpStatusCode.BadRequest, "in the future");
        await ProblemAsync(admin.PostAsJsonAsync("/api/v1/status-pages/acme/maintenances", new { title = "No services", startsAt = now.AddHours(1), endsAt = now.AddHours(2), components = new[] { "Search" }, silenceAlerts = true }, _ct),
            HttpStatusCode.BadRequest, "silenceAlerts");
        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/acme/maintenances", _ct)).GetArrayLength());
        var id = (await CreatedAsync(admin, "/api/v1/status-pages/acme/maintenances", new { title = "Fine", startsAt = now.AddHours(1), endsAt = now.AddHours(2) })).GetProperty("id").GetGuid();
        await ProblemAsync(admin.PostAsJsonAsync($"/api/v1/status-pages/acme/maintenances/{id}/updates", new { status = "sideways", body = "" }, _ct), HttpStatusCode.BadRequest, "status", "body");
        var (_, viewer) = await host.CreateUserAsync("Vic");
        await ProblemAsync(host.As(viewer).PostAsJsonAsync("/api/v1/status-pages/acme/maintenances", new { title = "Mine", startsAt = now.AddHours(1), endsAt = now.AddHours(2) }, _ct), HttpStatusCode.Forbidden, "responders");
    }

    /// <summary>A page with Checkout (linked to checkout-api) and Search; returns the service's id.</summary>
    internal static async Task<Guid> SeedAsync(SteadyHost host)
    {
        var admin = host.Admin();
        await CreatedAsync(admin, "/api/v1/status-pages", new { name = "Acme status", slug = "acme", timeZone = "Europe/Berlin" });
        var team = await CreatedAsync(admin, "/api/v1/teams", new { name = "Payments" });
        var service = await CreatedAsync(admin, "/api/v1/services", new { name = "checkout-api", teamId = team.GetProperty("id").GetGuid() });
        await CreatedAsync(admin, "/api/v1/status-pages/acme/components", new { name = "Checkout", service = "checkout-api" });
        await CreatedAsync(admin, "/api/v1/status-pages/acme/components", new { name = "Search" });
        return service.GetProperty("id").GetGuid();
    }

    private static async Task<string> StateAsync(HttpClient admin, string component) =>
        (await admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/acme/components")).EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == component).GetProperty("state").GetString()!;
}
