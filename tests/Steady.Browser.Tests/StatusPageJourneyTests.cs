using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;
using Steady.Server.Tests;
using Steady.Server.Tests.Notify;

namespace Steady.Browser.Tests;

/// <summary>
/// A SEV1 told on the public status page from the incident page in a real browser, on a controlled
/// clock: a customer subscribes on the page and confirms through the email a real SMTP server (aiosmtpd)
/// received, a webhook subscriber listens on loopback; the communications lead previews and posts
/// investigating (Checkout in partial outage), identified (major outage), monitoring and resolved; the
/// public page at desktop (1366×900) and phone (390×844) sizes shows the state, the incident, the 90-day
/// bars and the history, and fits the phone; each subscriber gets each notice exactly once; then a
/// scheduled maintenance reminds, starts and completes by itself as the clock moves.
/// </summary>
public sealed class StatusPageJourneyTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private SteadyHost _host = null!;
    private SmtpSink _smtp = null!;
    private readonly LoopbackReceiver _webhook = new();

    public async ValueTask InitializeAsync()
    {
        if (Chromium.MissingReason is not null)
            return;
        _smtp = await SmtpSink.StartAsync();
        _host = await SteadyHost.StartAsync(b =>
        {
            b.UseSetting("Steady:Smtp:Host", "127.0.0.1");
            b.UseSetting("Steady:Smtp:Port", _smtp.Port.ToString(CultureInfo.InvariantCulture));
            b.UseSetting("Steady:Smtp:Security", "none");
            b.UseSetting("Steady:Smtp:From", "Acme status <status@example.test>");
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
        if (_smtp is not null)
            await _smtp.DisposeAsync();
        _webhook.Dispose();
    }

    /// <summary>Waits (real time, bounded) for the worker's mail.</summary>
    private async Task<ReceivedMail> MailAsync(string to, string subject)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (_smtp.Received().LastOrDefault(m => m.RcptTo.Contains(to) && (m.Message.Subject ?? "").Contains(subject, StringComparison.Ordinal)) is { } mail)
                return mail;
            Assert.True(DateTime.UtcNow < deadline, $"'{subject}' did not reach {to} within 30 s");
            await Task.Delay(100);
        }
    }

    private static string Shot(string name) => Path.Combine(Chromium.ScreenshotFolder, name);

    [Fact]
    public async Task TheCommunicationsLeadTellsASev1OnThePublicPageFromTheIncidentPage()
    {
        Assert.SkipWhen(Chromium.MissingReason is not null, Chromium.MissingReason ?? "");
        var admin = _host.Admin();
        var team = (await (await admin.PostAsJsonAsync("/api/v1/teams", new { name = "Payments" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await admin.PostAsJsonAsync("/api/v1/services", new { name = "payments-api", teamId = team })).EnsureSuccessStatusCode();
        var lead = await admin.PostAsJsonAsync("/api/v1/users", new { name = "Cleo Comms", email = "cleo@example.com", password = Password });
        lead.EnsureSuccessStatusCode();
        var leadId = (await lead.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await admin.PutAsJsonAsync($"/api/v1/teams/{team}/members/{leadId}", new { role = "responder" })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/status-pages", new { name = "Acme status", slug = "acme", timeZone = "Europe/Berlin", description = "Live status of the Acme shop and API.", homeUrl = "https://acme.example.com" })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/status-pages/acme/groups", new { name = "Shop" })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/status-pages/acme/components", new { name = "Checkout", group = "Shop", service = "payments-api", description = "Paying for orders" })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/status-pages/acme/components", new { name = "Catalog", group = "Shop" })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/status-pages/acme/components", new { name = "Public API" })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/status-pages/acme/subscribers", new { kind = "webhook", address = _webhook.Url("statuspage") })).EnsureSuccessStatusCode();
        _host.Clock.Advance(TimeSpan.FromDays(20)); // some history before the incident

        // A customer subscribes on the page (phone), and confirms from the email.
        var customer = await chromium.Browser!.NewContextAsync(new() { BaseURL = _host.BaseAddress.ToString(), ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true });
        var inbox = await customer.NewPageAsync();
        await inbox.GotoAsync("/status");
        await inbox.GetByTestId("subscribe-link").ClickAsync();
        await inbox.GetByLabel("Email address").FillAsync("dana@example.com");
        await inbox.ScreenshotAsync(new() { Path = Shot("status-page-subscribe-phone.png"), FullPage = true });
        await inbox.GetByRole(AriaRole.Button, new() { Name = "Subscribe" }).ClickAsync();
        await Assertions.Expect(inbox.GetByTestId("subscribe-sent")).ToContainTextAsync("dana@example.com");
        var confirmation = await MailAsync("dana@example.com", "Confirm your subscription");
        var link = Regex.Match(confirmation.Message.TextBody!, @"https?://\S+/status/subscriptions/confirm/[A-Za-z0-9_-]+").Value;
        await inbox.GotoAsync(new Uri(link).PathAndQuery);
        await inbox.GetByTestId("confirm").ClickAsync();
        await Assertions.Expect(inbox.GetByTestId("subscription-done")).ToContainTextAsync("Subscribed");
        await inbox.ScreenshotAsync(new() { Path = Shot("status-page-confirmed-phone.png"), FullPage = true });
        var declared = await _host.Admin().PostAsJsonAsync("/api/v1/incidents", new { title = "Checkout failing", severity = "SEV1", services = new[] { "payments-api" } });
        declared.EnsureSuccessStatusCode();
        var number = (await declared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetInt32();

        await using var context = await chromium.Browser!.NewContextAsync(new() { BaseURL = _host.BaseAddress.ToString(), ViewportSize = new() { Width = 1366, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.GetByLabel("Email").FillAsync("cleo@example.com");
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Good to see you")).ToBeVisibleAsync();

        await page.GotoAsync($"/incidents/{number}");
        var form = page.Locator("[data-testid=public-update-form]");
        await Assertions.Expect(form).ToContainTextAsync("linked to payments-api, a service of this incident");
        await form.Locator("select[name=publicStatus]").SelectOptionAsync("investigating");
        await form.GetByLabel("What is known", new() { Exact = true }).FillAsync("Some card payments fail at checkout.");
        await form.GetByLabel("What is being done", new() { Exact = true }).FillAsync("We are investigating.");
        await form.Locator("select[name^=components]").First.SelectOptionAsync("partial_outage");
        await form.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("preview")).ToContainTextAsync("Checkout: Partial outage");
        await page.ScreenshotAsync(new() { Path = Shot("status-page-preview.png"), FullPage = true });
        await page.Locator("[data-testid=public-update-form]").GetByRole(AriaRole.Button, new() { Name = "Post to the status page" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Public update posted")).ToBeVisibleAsync();

        async Task PostAsync(string status, string known, string doing, string? checkout)
        {
            _host.Clock.Advance(TimeSpan.FromMinutes(25));
            await page.GotoAsync($"/incidents/{number}");
            var f = page.Locator("[data-testid=public-update-form]");
            await f.Locator("select[name=publicStatus]").SelectOptionAsync(status);
            await f.GetByLabel("What is known", new() { Exact = true }).FillAsync(known);
            await f.GetByLabel("What is being done", new() { Exact = true }).FillAsync(doing);
            if (checkout is not null)
                await f.Locator("select[name^=components]").First.SelectOptionAsync(checkout);
            await f.GetByRole(AriaRole.Button, new() { Name = "Post to the status page" }).ClickAsync();
            await Assertions.Expect(page.GetByText("Public update posted")).ToBeVisibleAsync();
        }

        await PostAsync("identified", "A payment provider is down; all card payments fail.", "We are switching to the standby provider.", "major_outage");

        // Mid-incident, the public page on a phone and on a desktop.
        var visitor = await chromium.Browser!.NewContextAsync(new() { BaseURL = _host.BaseAddress.ToString(), ViewportSize = new() { Width = 1366, Height = 900 } });
        var desktop = await visitor.NewPageAsync();
        await desktop.GotoAsync("/status");
        await Assertions.Expect(desktop.GetByTestId("headline")).ToContainTextAsync("Major outage");
        await Assertions.Expect(desktop.GetByTestId("active-incident")).ToContainTextAsync("A payment provider is down");
        await desktop.ScreenshotAsync(new() { Path = Shot("status-page-desktop-during.png"), FullPage = true });
        var phoneContext = await chromium.Browser!.NewContextAsync(new() { BaseURL = _host.BaseAddress.ToString(), ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true });
        var phone = await phoneContext.NewPageAsync();
        await phone.GotoAsync("/status");
        await Assertions.Expect(phone.GetByTestId("headline")).ToContainTextAsync("Major outage");
        Assert.True(await phone.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the page fits a phone's width");
        Assert.Equal(30, await phone.Locator("[data-testid=component]").First.Locator(".sp-bar:visible").CountAsync());
        await phone.ScreenshotAsync(new() { Path = Shot("status-page-phone-during.png"), FullPage = true });

        await PostAsync("monitoring", "Payments go through the standby provider.", "We are watching error rates.", "operational");
        await PostAsync("resolved", "Card payments work normally.", "Nothing; a review follows.", null);

        _host.Clock.Advance(TimeSpan.FromMinutes(2));
        // The page said Cache-Control: public, max-age=10 and the browser honours it (real seconds, not the test's clock): ask anew.
        await desktop.GotoAsync("/status?after");
        await Assertions.Expect(desktop.GetByTestId("headline")).ToContainTextAsync("All systems operational");
        await Assertions.Expect(desktop.GetByTestId("past-incident")).ToContainTextAsync("Checkout failing");
        Assert.Equal(90, await desktop.Locator("[data-testid=component]").First.Locator(".sp-bar:visible").CountAsync());
        var today = desktop.Locator("[data-testid=component]").Filter(new() { HasText = "Checkout" }).Locator(".sp-bar").Last;
        Assert.Contains("25 min major outage", await today.GetAttributeAsync("title"), StringComparison.Ordinal);
        Assert.Contains("Checkout failing", await today.GetAttributeAsync("title"), StringComparison.Ordinal);
        await desktop.ScreenshotAsync(new() { Path = Shot("status-page-desktop-after.png"), FullPage = true });
        await phone.GotoAsync("/status?after");
        await phone.ScreenshotAsync(new() { Path = Shot("status-page-phone-after.png"), FullPage = true });
        await desktop.GetByTestId("past-incident").GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(desktop.Locator("h1")).ToHaveTextAsync("Checkout failing");
        await desktop.ScreenshotAsync(new() { Path = Shot("status-page-incident.png"), FullPage = true });

        // Each notice reached each subscriber exactly once: four emails, four incident webhooks.
        foreach (var status in new[] { "Investigating", "Identified", "Monitoring", "Resolved" })
            await MailAsync("dana@example.com", $"{status}: Checkout failing");
        var mails = _smtp.Received().Where(m => m.RcptTo.Contains("dana@example.com")).Select(m => m.Message.Subject).ToList();
        Assert.Equal(5, mails.Count); // the confirmation and the four updates
        Assert.Equal(mails.Count, mails.Distinct().Count());
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (_webhook.Requests.Count(r => r.Text.Contains("\"incident\"", StringComparison.Ordinal)) < 4 && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        var incidentHooks = _webhook.Requests.Select(r => r.Json()).Where(j => j.TryGetProperty("incident", out _))
            .OrderBy(j => j.GetProperty("incident").GetProperty("incident_updates").GetArrayLength()).ToList();
        Assert.Equal(["investigating", "identified", "monitoring", "resolved"], incidentHooks.Select(j => j.GetProperty("incident").GetProperty("incident_updates")[0].GetProperty("status").GetString()!).ToArray());
        Assert.Equal(_webhook.Requests.Count, _webhook.Requests.Select(r => r.Header("Idempotency-Key")).Distinct().Count());

        // Planned work: scheduled (told now), reminded an hour ahead, started and completed by itself.
        var start = _host.Clock.GetUtcNow().AddHours(2);
        (await admin.PostAsJsonAsync("/api/v1/status-pages/acme/maintenances", new { title = "Database upgrade", body = "Checkout may pause for a minute.", startsAt = start, endsAt = start.AddMinutes(30), components = new[] { "Checkout" } })).EnsureSuccessStatusCode();
        await MailAsync("dana@example.com", "Scheduled maintenance: Database upgrade");
        await desktop.GotoAsync("/status?scheduled");
        await Assertions.Expect(desktop.GetByTestId("maintenance")).ToContainTextAsync("Database upgrade");
        await desktop.ScreenshotAsync(new() { Path = Shot("status-page-maintenance-ahead.png"), FullPage = true });
        _host.Clock.Advance(TimeSpan.FromHours(1));
        await MailAsync("dana@example.com", "Maintenance starts");
        _host.Clock.Advance(TimeSpan.FromHours(1));
        var started = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await desktop.GotoAsync($"/status?started={Guid.NewGuid():N}");
        }
        // The window shows as in progress from its start; the component's state follows when the status worker's pass applies
        // it (on the test's clock, a moment later): a page loaded in between shows the one and not yet the other.
        while ((await desktop.GetByText("Maintenance in progress").CountAsync() == 0
                || await desktop.GetByTestId("component").Filter(new() { HasText = "Checkout" }).GetByTestId("state").TextContentAsync() != "Under maintenance")
            && DateTime.UtcNow < started);
        await Assertions.Expect(desktop.GetByTestId("component").Filter(new() { HasText = "Checkout" }).GetByTestId("state")).ToHaveTextAsync("Under maintenance");
        await desktop.ScreenshotAsync(new() { Path = Shot("status-page-maintenance-desktop.png"), FullPage = true });
        await phone.GotoAsync($"/status?started={Guid.NewGuid():N}");
        await phone.ScreenshotAsync(new() { Path = Shot("status-page-maintenance-phone.png"), FullPage = true });
        _host.Clock.Advance(TimeSpan.FromMinutes(30));
        await MailAsync("dana@example.com", "Maintenance completed: Database upgrade");
        await desktop.GotoAsync($"/status?completed={Guid.NewGuid():N}");
        await Assertions.Expect(desktop.GetByTestId("past-maintenance")).ToContainTextAsync("Database upgrade");
        Assert.Equal(1, _smtp.Received().Count(m => m.RcptTo.Contains("dana@example.com") && (m.Message.Subject ?? "").Contains("Maintenance completed", StringComparison.Ordinal)));
        await visitor.DisposeAsync();
        await phoneContext.DisposeAsync();
        await customer.DisposeAsync();
    }
}
