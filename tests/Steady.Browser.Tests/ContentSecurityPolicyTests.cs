using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Steady.Server.Tests;

namespace Steady.Browser.Tests;

/// <summary>The console under its Content-Security-Policy in a real browser: nothing it needs is blocked, its scripts still run.</summary>
public sealed class ContentSecurityPolicyTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private const string Email = "csp.admin@example.com";
    private const string Password = "correct horse battery staple";
    private SteadyHost _host = null!;
    private Guid _userId;

    public async ValueTask InitializeAsync()
    {
        if (Chromium.MissingReason is not null)
            return;
        _host = await SteadyHost.StartAsync();
        var created = await _host.Admin().PostAsJsonAsync("/api/v1/users", new { name = "Casey Policy", email = Email, password = Password, isAdmin = true });
        created.EnsureSuccessStatusCode();
        _userId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }

    [Fact]
    public async Task NoConsolePageBreaksThePolicyAndItsScriptsStillRun()
    {
        Assert.SkipWhen(Chromium.MissingReason is not null, Chromium.MissingReason ?? "");
        await using var context = await chromium.Browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || message.Text.Contains("Refused to", StringComparison.Ordinal))
                violations.Add($"{page.Url}: {message.Text}");
        };

        await page.GotoAsync("/login");
        await page.GetByLabel("Email").FillAsync(Email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Good to see you")).ToBeVisibleAsync();

        foreach (var path in new[] { "/", "/alerts", "/incidents", "/services", "/teams", "/users", "/schedules", "/policies", "/tokens", "/audit", "/account", $"/users/{_userId}" })
        {
            await page.GotoAsync(path);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        }

        // The contact-method form's script (a file now, not inline) still shows the provider's fields only for SMS and voice.
        var providerFields = page.Locator("#provider-fields");
        await page.Locator("#method-kind").SelectOptionAsync("email");
        await Assertions.Expect(providerFields).ToBeHiddenAsync();
        await page.Locator("#method-kind").SelectOptionAsync("sms");
        await Assertions.Expect(providerFields).ToBeVisibleAsync();
        // The stylesheet applied: the body is not the browser's default serif.
        Assert.DoesNotContain("Times", await page.EvaluateAsync<string>("() => getComputedStyle(document.body).fontFamily"), StringComparison.Ordinal);

        Assert.Empty(violations);
    }
}
