using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Steady.Server.Tests.Reports;

/// <summary>The report pages over <see cref="ReportWorld"/>'s week: charts drawn on the server, amounts and the CSV for admins only, rates saved through the form.</summary>
[Collection(nameof(ReportWorld))]
public sealed class ReportConsoleTests(ReportWorld world)
{
    private const string Password = "a sufficiently long password";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Whose password the tests have set (once each: the world is shared).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task>> Passwords = new();

    private async Task<ConsoleClient> SignInAsync(string? person)
    {
        var admin = world.Host.Admin();
        var id = person is null ? "admin@steady.local" : world.People[person].Id.ToString();
        await Passwords.GetOrAdd(world.Suffix + id, _ => new Lazy<Task>(async () =>
            (await admin.PutAsJsonAsync($"/api/v1/users/{id}/password", new { newPassword = Password })).EnsureSuccessStatusCode())).Value;
        var email = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{id}", Cancel)).GetProperty("email").GetString()!;
        var browser = new ConsoleClient(world.Host);
        await browser.SignInAsync(email, Password);
        return browser;
    }

    private string Query => $"?from={ReportWorld.From}&to={ReportWorld.To}&team={Uri.EscapeDataString(world.Team)}";

    [Fact]
    public async Task TheReportPagesDrawTheirChartsAsSvgWithTheFiguresBeside()
    {
        var admin = await SignInAsync(null);
        var oncall = await admin.GetPageAsync("/reports/oncall" + Query);
        Assert.Contains("<svg class=\"chart chart-bars\"", oncall, StringComparison.Ordinal);
        Assert.Contains("<svg class=\"chart chart-heatmap\"", oncall, StringComparison.Ordinal);
        Assert.Contains("523.50 EUR", oncall, StringComparison.Ordinal);
        Assert.Contains("Compensation CSV", oncall, StringComparison.Ordinal);
        Assert.Contains("sleep interrupted on consecutive nights: Mon 22 Mar, Tue 23 Mar", oncall, StringComparison.Ordinal);
        var report = oncall[oncall.IndexOf("<section class=\"team-load\"", StringComparison.Ordinal)..];
        Assert.DoesNotContain("style=", report, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", report, StringComparison.Ordinal);

        var response = await admin.GetPageAsync("/reports" + Query);
        Assert.Contains("<svg class=\"chart chart-trend\"", response, StringComparison.Ordinal);
        Assert.Contains("<title>MTTA, 22 Mar: 3 min</title>", response, StringComparison.Ordinal);
        var noise = await admin.GetPageAsync("/reports/noise" + Query);
        Assert.Contains("DiskFull on " + world.Service + " paged 3 times", noise, StringComparison.Ordinal);

        var csv = await admin.GetAsync("/reports/oncall" + Query + "&handler=Csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"Ben {world.Suffix}", await csv.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AResponderSeesTheLoadWithoutAmountsAndCannotDownloadTheCsv()
    {
        var ben = await SignInAsync("Ben");
        var page = await ben.GetPageAsync("/reports/oncall" + Query);
        Assert.Contains($"Ana {world.Suffix}", page, StringComparison.Ordinal);
        Assert.DoesNotContain("EUR", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Compensation CSV", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Rates and holidays", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await ben.GetAsync("/reports/oncall" + Query + "&handler=Csv")).StatusCode);
    }

    [Fact]
    public async Task ATeamAdminSetsRatesAndHolidaysOnThePageAndAWrongRateSavesNothing()
    {
        var adminApi = world.Host.Admin();
        var team = "Payroll " + Guid.NewGuid().ToString("N")[..6];
        (await adminApi.PostAsJsonAsync("/api/v1/teams", new { name = team }, Cancel)).EnsureSuccessStatusCode();
        var admin = await SignInAsync(null);
        var page = $"/reports/oncall?team={Uri.EscapeDataString(team)}";
        Assert.Contains($"Rates and holidays of {team}", await admin.GetPageAsync(page), StringComparison.Ordinal);

        var refused = await admin.PostFormAsync(page, "/reports/oncall?handler=Settings", ("team", team), ("Form.Currency", "EUR"), ("Form.OnCallHour", "-2"), ("Form.Holidays", "2026-12-25 Christmas Day"));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("must not be negative", await refused.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        // The page's own form sends numbers only (number fields): anything else is refused whole, as every console form does.
        var notNumber = await admin.PostFormAsync(page, "/reports/oncall?handler=Settings", ("team", team), ("Form.Currency", "EUR"), ("Form.OnCallHour", "lots"));
        Assert.Equal(HttpStatusCode.BadRequest, notNumber.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await adminApi.GetFromJsonAsync<JsonElement>($"/api/v1/teams/{Uri.EscapeDataString(team)}/report-settings", Cancel)).GetProperty("rates").ValueKind);

        var saved = await admin.PostFormAsync(page, "/reports/oncall?handler=Settings", ("team", team), ("Form.Currency", "eur"), ("Form.OnCallHour", "2.5"), ("Form.SleepHourInterruption", "30"),
            ("Form.Holidays", "2026-12-25 Christmas Day\n2026-12-26"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var settings = await adminApi.GetFromJsonAsync<JsonElement>($"/api/v1/teams/{Uri.EscapeDataString(team)}/report-settings", Cancel);
        Assert.Equal(("EUR", 2.5m, 30m, 1m), (settings.GetProperty("rates").GetProperty("currency").GetString(), settings.GetProperty("rates").GetProperty("onCallHour").GetDecimal(),
            settings.GetProperty("rates").GetProperty("sleepHourInterruption").GetDecimal(), settings.GetProperty("rates").GetProperty("weekendMultiplier").GetDecimal()));
        Assert.Equal(["Christmas Day", null], settings.GetProperty("holidays").EnumerateArray().Select(h => h.GetProperty("name").GetString()));
    }
}
