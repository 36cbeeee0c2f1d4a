using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Steady.Server.Tests;

namespace Steady.Browser.Tests;

/// <summary>
/// A commander writes the postmortem of a resolved SEV1 on a phone, on a controlled clock: opens it from
/// the incident page, previews the Markdown, is pointed at blaming wording, saves, adds three action items,
/// takes it through review to published, drops an item only with a reason and closes another; the
/// Markdown export holds every section.
/// </summary>
public sealed class PostmortemJourneyTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private SteadyHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        if (Chromium.MissingReason is not null)
            return;
        _host = await SteadyHost.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }

    private static string Shot(string name) => Path.Combine(Chromium.ScreenshotFolder, name);

    private async Task<Guid> PersonAsync(string name, string email, Guid team)
    {
        var admin = _host.Admin();
        var created = await admin.PostAsJsonAsync("/api/v1/users", new { name, email, password = Password, timeZone = "Europe/Berlin" });
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await admin.PutAsJsonAsync($"/api/v1/teams/{team}/members/{id}", new { role = "responder" })).EnsureSuccessStatusCode();
        return id;
    }

    [Fact]
    public async Task ACommanderWritesThePostmortemOnAPhoneAndClosesAnActionItem()
    {
        Assert.SkipWhen(Chromium.MissingReason is not null, Chromium.MissingReason ?? "");
        var admin = _host.Admin();
        var team = await DemoWorld.Created(await admin.PostAsJsonAsync("/api/v1/teams", new { name = "Edge" }));
        (await admin.PostAsJsonAsync("/api/v1/services", new { name = "api-gateway", teamId = team })).EnsureSuccessStatusCode();
        await PersonAsync("Ben Commander", "ben@example.com", team);
        await PersonAsync("Cleo Owner", "cleo@example.com", team);
        (await admin.PostAsJsonAsync("/api/v1/incidents", new { title = "Gateway refused TLS", severity = "SEV1", services = new[] { "api-gateway" }, commander = "ben@example.com" })).EnsureSuccessStatusCode();
        _host.Clock.Advance(TimeSpan.FromMinutes(42));
        (await admin.PostAsJsonAsync("/api/v1/incidents/1/status", new { status = "resolved" })).EnsureSuccessStatusCode();

        await using var context = await chromium.Browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        var page = await DemoWorld.SignInAsync(context, "ben@example.com");
        await page.GotoAsync("/incidents/1");
        await Assertions.Expect(page.GetByTestId("incident-pm-status")).ToHaveTextAsync("draft");
        await page.GetByTestId("open-postmortem").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/incidents/1/postmortem$"));
        await Assertions.Expect(page.GetByTestId("hint-rootCause")).ToBeVisibleAsync();

        // Write, preview (nothing saved), then save; the blameless check points at "forgot".
        await page.GetByLabel("Summary (Markdown)").FillAsync("For **42 minutes** the gateway refused TLS: its certificate expired.");
        await page.GetByLabel("Root cause (Markdown)").FillAsync("the DBA forgot to renew the certificate");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("previewing")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("preview-summary").Locator("strong")).ToHaveTextAsync("42 minutes");
        await Assertions.Expect(page.GetByTestId("blame-rootCause")).ToContainTextAsync("“forgot”");
        await page.GetByTestId("save-sections").ClickAsync();
        await Assertions.Expect(page.GetByText("Sections saved.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("blame-rootCause")).ToContainTextAsync("puts the cause in a person's memory");
        await Assertions.Expect(page.GetByTestId("hint-rootCause")).ToHaveCountAsync(0);

        // Three action items.
        foreach (var (title, type) in new[] { ("Renew gateway certificates automatically", "prevent"), ("Alert 21 days before any certificate expires", "monitoring"), ("Add certificates to the gateway runbook", "process") })
        {
            var fold = page.Locator("details#add-item");
            if (await fold.GetAttributeAsync("open") is null)
                await fold.Locator("summary").ClickAsync();
            var form = page.GetByTestId("add-item-form");
            await form.GetByLabel("What to do").FillAsync(title);
            await form.GetByLabel("Type").SelectOptionAsync(type);
            await form.GetByLabel("Owner").SelectOptionAsync(new SelectOptionValue { Label = "Cleo Owner" });
            await form.GetByRole(AriaRole.Button, new() { Name = "Add action item" }).ClickAsync();
            await Assertions.Expect(page.GetByText("Action item added.")).ToBeVisibleAsync();
        }
        await Assertions.Expect(page.GetByTestId("item")).ToHaveCountAsync(3);

        // Through review to published.
        foreach (var (button, status) in new[] { ("Send for review", "in-review"), ("Mark reviewed", "reviewed"), ("Publish", "published") })
        {
            await page.GetByTestId("status-next").GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("pm-status")).ToHaveTextAsync(status);
        }
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("postmortem-editor-390.png"), FullPage = true });

        // "Not doing" needs a reason; "done" closes an item.
        var second = page.GetByTestId("item").Nth(1);
        await second.Locator("summary", new() { HasText = "Drop it (not doing)" }).ClickAsync();
        await second.GetByRole(AriaRole.Button, new() { Name = "Not doing" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("errors")).ToContainTextAsync("needs a 'reason'");
        await Assertions.Expect(page.GetByTestId("item").Nth(1).GetByTestId("item-status")).ToHaveTextAsync("open");
        await page.GetByTestId("item").First.GetByTestId("item-done").ClickAsync();
        await Assertions.Expect(page.GetByText("Action item done: its reminders stop.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("item").Filter(new() { HasText = "Renew gateway certificates automatically" }).GetByTestId("item-status")).ToHaveTextAsync("done");

        // The export holds every section, as the reader reads it.
        var export = await context.APIRequest.GetAsync("/incidents/1/postmortem?handler=Markdown");
        var markdown = await export.TextAsync();
        foreach (var section in Steady.Core.Postmortems.PostmortemSections.All)
            Assert.Contains($"## {section.Title}\n", markdown, StringComparison.Ordinal);
        Assert.Contains("the DBA forgot to renew the certificate", markdown, StringComparison.Ordinal);
        Assert.Contains("- **Status:** published", markdown, StringComparison.Ordinal);
        Assert.Contains("| Renew gateway certificates automatically | prevent | Cleo Owner | medium |", markdown, StringComparison.Ordinal);
        Assert.Contains("| at (UTC) | at (Europe/Berlin) |", markdown, StringComparison.Ordinal);
    }
}
