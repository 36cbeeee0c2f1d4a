using System.Net.Http.Json;
using Microsoft.Playwright;
using Steady.Server.Tests;

namespace Steady.Browser.Tests;

/// <summary>A person at the console in a real browser: signs in, creates a team, a service and an integration key, and sees them listed.</summary>
public sealed class ConsoleJourneyTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private const string Email = "ops.lead@example.com";
    private const string Password = "correct horse battery staple";
    private SteadyHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        if (Chromium.MissingReason is not null)
            return;
        _host = await SteadyHost.StartAsync();
        (await _host.Admin().PostAsJsonAsync("/api/v1/users", new { name = "Olivia Lead", email = Email, password = Password, isAdmin = true })).EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }

    [Fact]
    public async Task APersonSignsInCreatesAServiceAndAnIntegrationKeyAndSeesThemListed()
    {
        Assert.SkipWhen(Chromium.MissingReason is not null, Chromium.MissingReason ?? "");
        await using var context = await chromium.Browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var page = await context.NewPageAsync();

        await page.GotoAsync("/services");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
        await page.GetByLabel("Email").FillAsync(Email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Services" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Teams" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync("Payments");
        await page.GetByLabel("Description").FillAsync("Card processing and checkout");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create team" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Payments" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Services" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync("payments-api");
        await page.GetByLabel("Owning team").SelectOptionAsync(new SelectOptionValue { Label = "Payments" });
        await page.GetByLabel("Description").FillAsync("The card payments API behind checkout");
        await page.GetByLabel("Runbook URL").FillAsync("https://runbooks.example.com/payments-api");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create service" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "payments-api" })).ToBeVisibleAsync();

        await page.GetByLabel("Key name").FillAsync("alertmanager");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create integration key" }).ClickAsync();
        var keys = page.Locator("#integration-keys");
        await Assertions.Expect(keys).ToContainTextAsync("alertmanager");
        await Assertions.Expect(keys.Locator("code")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[0-9a-f]{32}$"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Chromium.ScreenshotFolder, "service-with-key.png"), FullPage = true });

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Services" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "payments-api" })).ToContainTextAsync("Payments");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Chromium.ScreenshotFolder, "services.png"), FullPage = true });
    }

    [Fact]
    public async Task TheConsoleFitsAPhoneScreen()
    {
        Assert.SkipWhen(Chromium.MissingReason is not null, Chromium.MissingReason ?? "");
        await using var context = await chromium.Browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.GetByLabel("Email").FillAsync(Email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Good to see you")).ToBeVisibleAsync();

        var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflow, "the home page scrolls sideways on a phone");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Chromium.ScreenshotFolder, "home-phone.png"), FullPage = true });
    }
}
