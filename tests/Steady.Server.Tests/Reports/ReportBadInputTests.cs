using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Steady.Server.Tests.Reports;

/// <summary>Wrong periods, unknown teams and services, negative rates: a 400 problem naming the field, and nothing written.</summary>
public sealed class ReportBadInputTests(ReportBadInputTests.Fixture fixture) : IClassFixture<ReportBadInputTests.Fixture>
{
    private readonly SteadyHost _host = fixture.Host;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>One server for all the cases: teams Alpha and Beta, Beta's service beta-api.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public SteadyHost Host { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Host = await SteadyHost.StartAsync();
            var admin = Host.Admin();
            (await admin.PostAsJsonAsync("/api/v1/teams", new { name = "Alpha" })).EnsureSuccessStatusCode();
            var beta = await admin.PostAsJsonAsync("/api/v1/teams", new { name = "Beta" });
            var betaId = (await beta.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            (await admin.PostAsJsonAsync("/api/v1/services", new { name = "beta-api", teamId = betaId })).EnsureSuccessStatusCode();
        }

        public async ValueTask DisposeAsync() => await Host.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, JsonElement Problem)> GetAsync(string path)
    {
        var response = await _host.Admin().GetAsync(path, Cancel);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Cancel));
    }

    [Theory]
    [InlineData("/api/v1/reports/response?from=2025-01-01&to=2026-02-06", "to", "at most 400 days")]
    [InlineData("/api/v1/reports/oncall?from=2026-12-01&to=2026-11-01", "to", "'to' must be after 'from'")]
    [InlineData("/api/v1/reports/noise?from=last%20tuesday", "from", "must be a date like 2026-11-01")]
    [InlineData("/api/v1/reports/noise?from=1999-01-01&to=1999-02-01", "from", "between 2000-01-01")]
    [InlineData("/api/v1/reports/response?team=Gamma", "team", "There is no team 'Gamma'")]
    [InlineData("/api/v1/reports/noise?service=nope", "service", "There is no service 'nope'")]
    [InlineData("/api/v1/reports/response?team=Alpha&service=beta-api", "service", "beta-api belongs to Beta, not to Alpha")]
    [InlineData("/api/v1/reports/oncall?format=xml", "format", "'format' must be json or csv")]
    public async Task AWrongRequestIsRefusedNamingTheField(string path, string field, string message)
    {
        var (status, problem) = await GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(message, problem.GetProperty("errors").GetProperty(field)[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NegativeRatesBadHolidaysAndRatesWithoutACurrencyAreRefusedAndNothingIsSaved()
    {
        var admin = _host.Admin();
        var refused = await admin.PutAsJsonAsync("/api/v1/teams/Alpha/report-settings", new
        {
            currency = "EUR", onCallHour = -1, offHourInterruption = 5, sleepHourInterruption = -0.5, weekendMultiplier = 1.5,
            holidays = new object[] { new { date = "2026-12-25" }, new { date = "2026-12-25", name = "again" }, new { date = "25.12.2026" } },
        }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var errors = (await refused.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("errors");
        Assert.Equal(["holidays[1].date", "holidays[2].date", "onCallHour", "sleepHourInterruption"], errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Contains("must not be negative", errors.GetProperty("onCallHour")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("listed twice", errors.GetProperty("holidays[1].date")[0].GetString(), StringComparison.Ordinal);

        var noCurrency = await admin.PutAsJsonAsync("/api/v1/teams/Alpha/report-settings", new { onCallHour = 3 }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, noCurrency.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync("/api/v1/teams/Gamma/report-settings", new { }, Cancel)).StatusCode);

        var settings = await admin.GetFromJsonAsync<JsonElement>("/api/v1/teams/Alpha/report-settings", Cancel);
        Assert.Equal(JsonValueKind.Null, settings.GetProperty("rates").ValueKind);
        Assert.Empty(settings.GetProperty("holidays").EnumerateArray());
    }

    [Fact]
    public async Task SettingsAreReplacedWholeAndATeamWithThemCanStillBeDeleted()
    {
        var admin = _host.Admin();
        var team = (await (await admin.PostAsJsonAsync("/api/v1/teams", new { name = "Short-lived" }, Cancel)).Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();
        var saved = await admin.PutAsJsonAsync($"/api/v1/teams/{team}/report-settings", new { currency = "usd", onCallHour = 3.25, holidays = new[] { new { date = "2026-12-25", name = "Christmas Day" }, new { date = "2026-01-01", name = "New Year" } } }, Cancel);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var body = await saved.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("USD", body.GetProperty("rates").GetProperty("currency").GetString());
        Assert.Equal(3.25m, body.GetProperty("rates").GetProperty("onCallHour").GetDecimal());
        Assert.Equal(1m, body.GetProperty("rates").GetProperty("weekendMultiplier").GetDecimal());
        Assert.Equal(["2026-01-01", "2026-12-25"], body.GetProperty("holidays").EnumerateArray().Select(h => h.GetProperty("date").GetString()));

        (await admin.PutAsJsonAsync($"/api/v1/teams/{team}/report-settings", new { holidays = Array.Empty<object>() }, Cancel)).EnsureSuccessStatusCode();
        var cleared = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/teams/{team}/report-settings", Cancel);
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("rates").ValueKind);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/teams/{team}", Cancel)).StatusCode);
    }
}
