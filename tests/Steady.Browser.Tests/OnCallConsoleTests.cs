using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Steady.Server.Tests;
using Steady.Server.Tests.Notify;

namespace Steady.Browser.Tests;

/// <summary>
/// A team lead at the on-call console in a real browser: who is on call, a schedule's timeline with its
/// gaps, an override made from the form, a calendar feed, a policy's chain, and their own profile with
/// a contact method that a "send test" reaches. Screenshots go to artifacts/screenshots.
/// </summary>
public sealed class OnCallConsoleTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private const string Email = "olivia@example.com";
    private const string Password = "correct horse battery staple";
    private SteadyHost _host = null!;

    private const string Configuration = """
        kind: team
        name: Payments
        members:
          - user: olivia@example.com
            role: admin
          - user: alice@example.com
            role: responder
          - user: bob@example.com
            role: responder
        ---
        kind: user
        name: Alice Martin
        email: alice@example.com
        time_zone: Europe/Berlin
        ---
        kind: user
        name: Bob Okafor
        email: bob@example.com
        time_zone: Europe/London
        ---
        kind: schedule
        name: primary_engineer
        team: Payments
        time_zone: Europe/Berlin
        description: Weekly, handing over on Mondays at 09:00 Berlin time.
        layers:
          - name: weekly
            participants: [alice@example.com, bob@example.com]
            first_handoff: 2026-11-02T09:00
            rotation: weekly
        ---
        kind: schedule
        name: office_hours
        team: Payments
        time_zone: Europe/Berlin
        description: Weekdays only; nights and weekends are uncovered.
        layers:
          - name: office
            participants: [bob@example.com, olivia@example.com, alice@example.com]
            first_handoff: 2026-11-02T09:00
            rotation: daily
            restrictions:
              - start: "09:00"
                end: "18:00"
                days: [monday, tuesday, wednesday, thursday, friday]
        ---
        name: payments-oncall
        team: Payments
        escalation_chain:
          - notify: primary_engineer
            wait: 5m
          - notify: office_hours
            wait: 5m
          - notify: olivia@example.com
        """;

    public async ValueTask InitializeAsync()
    {
        if (Chromium.MissingReason is not null)
            return;
        _host = await SteadyHost.StartAsync(SteadyHost.AllowLoopbackReceivers); // Olivia, a team lead, adds a webhook on loopback
        (await _host.Admin().PostAsJsonAsync("/api/v1/users", new { name = "Olivia Lead", email = Email, password = Password, timeZone = "Europe/Berlin" })).EnsureSuccessStatusCode();
        using var yaml = new StringContent(Configuration, Encoding.UTF8, "application/yaml");
        (await _host.Admin().PostAsync("/api/v1/config/apply", yaml)).EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }

    private static string Shot(string name) => Path.Combine(Chromium.ScreenshotFolder, name);

    private async Task<IPage> SignInAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.GetByLabel("Email").FillAsync(Email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Good to see you")).ToBeVisibleAsync();
        return page;
    }

    [Fact]
    public async Task ATeamLeadSeesWhoIsOnCallCoversAShiftAndTestsTheirContactMethod()
    {
        Assert.SkipWhen(Chromium.MissingReason is not null, Chromium.MissingReason ?? "");
        using var receiver = new LoopbackReceiver();
        await using var context = await chromium.Browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        var page = await SignInAsync(context);
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });

        // Tuesday 24 November 2026, 10:00 in Berlin: Bob has the primary week, Olivia the office day.
        var oncall = page.Locator("#oncall");
        await Assertions.Expect(oncall.GetByRole(AriaRole.Row).Filter(new() { HasText = "primary_engineer" })).ToContainTextAsync("Bob Okafor");
        await Assertions.Expect(oncall.GetByRole(AriaRole.Row).Filter(new() { HasText = "office_hours" })).ToContainTextAsync("Olivia Lead");
        await page.ScreenshotAsync(new() { Path = Shot("oncall-home.png"), FullPage = true });

        await nav.GetByRole(AriaRole.Link, new() { Name = "Schedules" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Schedules" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("oncall-schedules.png"), FullPage = true });

        await page.GetByRole(AriaRole.Link, new() { Name = "office_hours" }).ClickAsync();
        await Assertions.Expect(page.Locator("#timeline .tl-row")).ToHaveCountAsync(15);
        await Assertions.Expect(page.Locator("#timeline .tl-seg.gap").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#shifts")).ToContainTextAsync("Gap: nobody on call");
        await page.ScreenshotAsync(new() { Path = Shot("oncall-schedule-gaps.png"), FullPage = true });

        // Alice covers tonight's gap, 18:00 to 23:00 Berlin time: "Cover" on the gap fills the form with it.
        await page.Locator("#shifts tr.gap-row").Filter(new() { HasText = "Tue 24 Nov 18:00" }).GetByRole(AriaRole.Link, new() { Name = "Cover" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel(new Regex("^From"))).ToHaveValueAsync("2026-11-24T18:00");
        await Assertions.Expect(page.GetByLabel(new Regex("^To"))).ToHaveValueAsync("2026-11-25T09:00");
        await page.GetByLabel("Who covers").SelectOptionAsync(new SelectOptionValue { Label = "Alice Martin" });
        await page.GetByLabel(new Regex("^To")).FillAsync("2026-11-24T23:00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add override" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Alice Martin covers office_hours");
        await Assertions.Expect(page.Locator("#overrides")).ToContainTextAsync("Alice Martin");
        await Assertions.Expect(page.Locator("#shifts").GetByRole(AriaRole.Row).Filter(new() { HasText = "override" })).ToContainTextAsync("Tue 24 Nov 18:00");

        await page.GetByRole(AriaRole.Button, new() { Name = "Make a new iCal feed URL" }).ClickAsync();
        var url = await page.Locator("#feed-url").InnerTextAsync();
        Assert.Matches(@"/ical/schedules/[A-Za-z0-9_-]+\.ics$", url.Trim());
        var feed = await _host.Anonymous().GetStringAsync(new Uri(url.Trim()).AbsolutePath);
        Assert.StartsWith("BEGIN:VCALENDAR\r\n", feed, StringComparison.Ordinal);
        Assert.Contains("SUMMARY:On call: Alice Martin (office_hours)", feed, StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Shot("oncall-schedule-override.png"), FullPage = true });

        await nav.GetByRole(AriaRole.Link, new() { Name = "Policies" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "payments-oncall" }).ClickAsync();
        var steps = page.Locator("#steps > li");
        await Assertions.Expect(steps).ToHaveCountAsync(3);
        await Assertions.Expect(steps.Nth(0)).ToContainTextAsync("Bob Okafor");
        await Assertions.Expect(steps.Nth(1)).ToContainTextAsync("Olivia Lead");
        await page.ScreenshotAsync(new() { Path = Shot("oncall-policy.png"), FullPage = true });

        await nav.GetByRole(AriaRole.Link, new() { Name = "People" }).ClickAsync();
        await page.Locator("main table").GetByRole(AriaRole.Link, new() { Name = "Olivia Lead" }).ClickAsync();
        await page.GetByLabel("Kind").SelectOptionAsync("webhook");
        await page.GetByLabel(new Regex("^Address")).FillAsync(receiver.Url("olivia"));
        await page.GetByLabel("Label").FillAsync("my webhook");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add contact method" }).ClickAsync();
        await page.Locator("#contact-methods").GetByRole(AriaRole.Row).Filter(new() { HasText = "my webhook" }).GetByRole(AriaRole.Button, new() { Name = "Send test" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Test sent to my webhook");
        await Assertions.Expect(page.Locator("#contact-methods")).ToContainTextAsync("verified");
        Assert.Equal("test", receiver.Single().Json().GetProperty("kind").GetString());
        await page.GetByLabel("After (minutes)").FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add rule" }).ClickAsync();
        await Assertions.Expect(page.Locator("#rules")).ToContainTextAsync("2 min");
        await page.ScreenshotAsync(new() { Path = Shot("oncall-profile.png"), FullPage = true });

        // SMS through an HTTP provider: its request's fields appear for SMS and voice only; a mistake is a message on the form.
        using var provider = new LoopbackReceiver { Status = 201 };
        var providerFields = page.Locator("#provider-fields");
        await Assertions.Expect(providerFields).ToBeHiddenAsync();
        await page.GetByLabel("Kind").SelectOptionAsync("sms");
        await Assertions.Expect(providerFields).ToBeVisibleAsync();
        await page.GetByLabel(new Regex("^Address")).FillAsync("+4915112345678");
        await page.GetByLabel("Label").FillAsync("my phone");
        await page.GetByLabel("URL", new() { Exact = true }).FillAsync(provider.Url("sms"));
        await page.GetByLabel("Body").FillAsync("to={{to}}&text={{mesage}}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add contact method" }).ClickAsync();
        await Assertions.Expect(page.Locator(".errors").First).ToContainTextAsync("unknown placeholder {{mesage}}");
        await page.ScreenshotAsync(new() { Path = Shot("oncall-profile-sms-error.png"), FullPage = true });
        await page.GetByLabel("Body").FillAsync("to={{to}}&text={{message}}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add contact method" }).ClickAsync();
        await page.Locator("#contact-methods").GetByRole(AriaRole.Row).Filter(new() { HasText = "my phone" }).GetByRole(AriaRole.Button, new() { Name = "Send test" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Test sent to my phone");
        Assert.StartsWith("to=%2B4915112345678&text=", provider.Single().Text, StringComparison.Ordinal);
        await page.Locator("#contact-methods").GetByRole(AriaRole.Row).Filter(new() { HasText = "my phone" }).GetByRole(AriaRole.Link, new() { Name = "Edit" }).ClickAsync();
        await Assertions.Expect(page.Locator("#template-kept")).ToContainTextAsync("Set now: body, url.");
        await page.ScreenshotAsync(new() { Path = Shot("oncall-profile-sms-edit.png"), FullPage = true });
    }

    [Fact]
    public async Task TheScheduleTimelineFitsAPhoneScreen()
    {
        Assert.SkipWhen(Chromium.MissingReason is not null, Chromium.MissingReason ?? "");
        await using var context = await chromium.Browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        var page = await SignInAsync(context);
        // On a phone the navigation is behind the Menu (a <details>): open it as a person would.
        await page.Locator("details.menu > summary").ClickAsync();
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Schedules" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "office_hours" }).ClickAsync();
        await Assertions.Expect(page.Locator("#timeline")).ToBeVisibleAsync();
        var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflow, "the schedule page scrolls sideways on a phone");
        await page.ScreenshotAsync(new() { Path = Shot("oncall-schedule-phone.png"), FullPage = true });
    }
}
