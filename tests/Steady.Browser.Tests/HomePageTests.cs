using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Steady.Server.Tests;

namespace Steady.Browser.Tests;

/// <summary>
/// An on-call engineer opens the console on a phone: Home tells them first that they are on call and
/// until when (in their own zone), the update they owe as communications lead that is overdue, the
/// incident they command and their team's open alerts, the critical one first.
/// </summary>
public sealed class HomePageTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private SteadyHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        if (Chromium.MissingReason is not null)
            return;
        _host = await SteadyHost.StartAsync();
        await DemoWorld.PagesAsync(_host);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }

    [Fact]
    public async Task AnOnCallEngineerSeesTheirShiftTheirOverdueUpdateAndTheirAlertsFirstOnAPhone()
    {
        Assert.SkipWhen(Chromium.MissingReason is not null, Chromium.MissingReason ?? "");
        var admin = _host.Admin();
        // Alice (Europe/Berlin) has this week's primary shift in the demo; she commands a SEV2 and owes its updates.
        (await admin.PutAsJsonAsync("/api/v1/users/alice@example.com/password", new { newPassword = DemoWorld.Password })).EnsureSuccessStatusCode();
        var declared = await (await admin.PostAsJsonAsync("/api/v1/incidents", new { title = "Ledger writes slow", severity = "SEV2", services = new[] { "payments-api" }, commander = "alice@example.com" })).Content.ReadFromJsonAsync<JsonElement>();
        var number = declared.GetProperty("number").GetInt32();
        (await admin.PostAsJsonAsync($"/api/v1/incidents/{number}/roles", new { role = "communications-lead", user = "alice@example.com" })).EnsureSuccessStatusCode();
        _host.Clock.Advance(TimeSpan.FromMinutes(70));

        await using var context = await chromium.Browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        var page = await DemoWorld.SignInAsync(context, "alice@example.com");

        await Assertions.Expect(page.GetByTestId("oncall-now")).ToContainTextAsync("You are on call now for primary_engineer, until Mon 30 Nov 09:00 CET");
        await Assertions.Expect(page.GetByTestId("oncall-next")).ToContainTextAsync("secondary_engineer from Mon 7 Dec 09:00 CET");
        var owed = page.Locator("#updates-owed li").Filter(new() { HasText = "Ledger writes slow" });
        await Assertions.Expect(owed).ToContainTextAsync("update overdue by 10 min");
        await Assertions.Expect(page.Locator("#my-incidents")).ToContainTextAsync("commander");
        var alerts = page.Locator("#my-alerts tbody tr");
        await Assertions.Expect(alerts.First).ToContainTextAsync("p99 latency above 2 s on payments-api");
        await Assertions.Expect(alerts.First.Locator(".sev")).ToHaveTextAsync("critical");
        // Not the edge storm: that is the Platform team's, not Alice's.
        await Assertions.Expect(page.Locator("#my-alerts")).Not.ToContainTextAsync("upstream connect errors");

        // What is hers comes before the organization's counts.
        var youTop = await page.Locator("#you-oncall").BoundingBoxAsync();
        var orgTop = await page.GetByRole(AriaRole.Heading, new() { Name = "The organization" }).BoundingBoxAsync();
        Assert.True(youTop!.Y < orgTop!.Y, "the person's own on-call comes before the organization's counts");
        Assert.False(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth"), "Home scrolls sideways on a phone");

        // The menu opens without JavaScript and reaches every page.
        var menu = page.Locator("details.menu");
        await menu.Locator("summary").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Audit log" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Chromium.ScreenshotFolder, "home-phone-menu.png") });
        await menu.Locator("summary").ClickAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Chromium.ScreenshotFolder, "home-phone-oncall.png"), FullPage = true });
    }
}
