using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Steady.Server.Tests;

namespace Steady.Browser.Tests;

/// <summary>
/// A team lead sets up on-call entirely in the console of a real browser: a schedule of two layers with a
/// restriction (previewed before saving), an escalation policy (who it would page, previewed before saving), a
/// service wired to it with a check of its own, and a silence made from an alert, until an hour of the evening;
/// then the same pages on a phone, none scrolling sideways; then the on-call engineer of that rota opens her home
/// page on her phone. Screenshots go to artifacts/screenshots.
/// </summary>
public sealed class OnCallEditingJourneyTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
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
        """;

    public async ValueTask InitializeAsync()
    {
        if (Chromium.MissingReason is not null)
            return;
        _host = await SteadyHost.StartAsync(SteadyHost.AllowLoopbackReceivers); // the team lead points a check at this server
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

    private async Task<IPage> SignInAsync(int width, int height)
    {
        var context = await chromium.Browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.GetByLabel("Email").FillAsync(Email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Good to see you")).ToBeVisibleAsync();
        return page;
    }

    private static Task ChooseAsync(IPage page, string select, int nth, string label) =>
        page.Locator($"select[name='{select}']").Nth(nth).SelectOptionAsync(new SelectOptionValue { Label = label });

    [Fact]
    public async Task ATeamLeadSetsUpOnCallEntirelyInTheConsole()
    {
        Assert.SkipWhen(Chromium.MissingReason is not null, Chromium.MissingReason ?? "");
        var page = await SignInAsync(1366, 900);
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });

        // A schedule: Alice and Bob weekly, and Olivia above them in office hours on weekdays.
        await nav.GetByRole(AriaRole.Link, new() { Name = "Schedules" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "New schedule" }).ClickAsync();
        await page.Locator("input[name='Name']").FillAsync("payments-primary");
        await Assertions.Expect(page.Locator("input[name='TimeZone']")).ToHaveValueAsync("Europe/Berlin");
        await page.Locator("input[name='Layers[0].Name']").FillAsync("weekly");
        await ChooseAsync(page, "Layers[0].Participants", 0, "Alice Martin");
        await ChooseAsync(page, "Layers[0].Participants", 1, "Bob Okafor");
        await page.Locator("input[name='Layers[0].FirstHandoff']").FillAsync("2026-11-23T09:00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a layer" }).ClickAsync();
        await Assertions.Expect(page.Locator("#layer-1")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("select[name='Layers[0].Participants']").Nth(1)).ToHaveValueAsync(await IdAsync("bob@example.com"));
        await page.Locator("input[name='Layers[1].Name']").FillAsync("office");
        await ChooseAsync(page, "Layers[1].Participants", 0, "Olivia Lead");
        await page.Locator("select[name='Layers[1].Rotation']").SelectOptionAsync("daily");
        await page.Locator("input[name='Layers[1].FirstHandoff']").FillAsync("2026-11-23T09:00");
        await page.Locator("input[name='Layers[1].Restrictions[0].Start']").FillAsync("09:00");
        await page.Locator("input[name='Layers[1].Restrictions[0].End']").FillAsync("18:00");
        foreach (var day in new[] { "monday", "tuesday", "wednesday", "thursday", "friday" })
            await page.Locator($"input[name='Layers[1].Restrictions[0].Days'][value='{day}']").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview the next two weeks" }).ClickAsync();
        var preview = page.Locator("#preview-timeline");
        await Assertions.Expect(preview.Locator(".tl-row:not(.tl-scale)")).ToHaveCountAsync(14);
        await Assertions.Expect(preview.Locator(".tl-seg[title^='Olivia Lead 09:00']").First).ToBeVisibleAsync();
        await Assertions.Expect(preview.Locator(".tl-seg[title^='Alice Martin']").First).ToBeVisibleAsync();
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await _host.Admin().GetAsync("/api/v1/schedules/payments-primary")).StatusCode);
        await page.ScreenshotAsync(new() { Path = Shot("edit-schedule-preview.png"), FullPage = true });
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Schedule payments-primary created.");
        await Assertions.Expect(page.Locator("#layers")).ToContainTextAsync("09:00–18:00");
        await page.ScreenshotAsync(new() { Path = Shot("edit-schedule-saved.png"), FullPage = true });

        // A policy: the schedule first, then the team in turn; a wrong wait is shown beside its step first.
        await nav.GetByRole(AriaRole.Link, new() { Name = "Policies" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "New policy" }).ClickAsync();
        await page.Locator("input[name='Name']").FillAsync("payments-escalation");
        await ChooseAsync(page, "Steps[0].Notify", 0, "payments-primary");
        await page.Locator("input[name='Steps[0].Wait']").FillAsync("5m");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a step" }).ClickAsync();
        await ChooseAsync(page, "Steps[1].Notify", 0, "Payments");
        await page.Locator("input[name='Steps[1].Wait']").FillAsync("soon");
        await page.Locator("input[name='Repeat']").FillAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator("#step-1 .field-error")).ToContainTextAsync("must be a duration between 1m and 1d");
        await page.Locator("input[name='Steps[1].Wait']").FillAsync("10m");
        // Before saving: who these steps would page right now (Tuesday 10:00 Berlin: Olivia's office hours).
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview who would be paged" }).ClickAsync();
        await Assertions.Expect(page.Locator("#paged-now")).ToContainTextAsync("As in the form, not saved yet.");
        await Assertions.Expect(page.Locator("#paged-now")).ToContainTextAsync("payments-primary: Olivia Lead");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await _host.Admin().GetAsync("/api/v1/escalation-policies/payments-escalation")).StatusCode);
        await page.ScreenshotAsync(new() { Path = Shot("edit-policy-preview.png"), FullPage = true });
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Escalation policy payments-escalation created.");
        await Assertions.Expect(page.Locator("#steps > li")).ToHaveCountAsync(2);
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit" }).ClickAsync();
        await Assertions.Expect(page.Locator("#paged-now")).ToContainTextAsync("Olivia Lead"); // office hours, Tuesday 10:00 Berlin
        await page.ScreenshotAsync(new() { Path = Shot("edit-policy.png"), FullPage = true });

        // A service wired to the policy, paging at any hour.
        await nav.GetByRole(AriaRole.Link, new() { Name = "Services" }).ClickAsync();
        await page.Locator("input[name='Name']").FillAsync("checkout-api");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create service" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "checkout-api" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#service-now")).ToContainTextAsync("none: its alerts page nobody");
        await page.Locator("select[name='Settings.EscalationPolicy']").SelectOptionAsync("payments-escalation");
        await page.Locator("select[name='Settings.Urgency']").SelectOptionAsync("high");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save paging settings" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Paging settings of checkout-api saved.");
        await Assertions.Expect(page.Locator("#service-now")).ToContainTextAsync("payments-escalation");
        var service = await _host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/services/checkout-api");
        Assert.Equal("high", service.GetProperty("paging").GetProperty("urgency").GetString());
        // What it is, and a check Steady runs itself.
        await page.GetByText("Name, team, description and runbook").ClickAsync();
        await page.Locator("textarea[name='About.Description']").FillAsync("The checkout API behind the web shop.");
        await page.Locator("input[name='About.RunbookUrl']").FillAsync("https://runbooks.example.com/checkout-api");
        await page.Locator("#service-about").GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("checkout-api saved.");
        await page.GetByText("Add a check").ClickAsync();
        var check = page.Locator("#add-check");
        await check.Locator("input[name='Check.Name']").FillAsync("checkout health");
        await check.Locator("input[name='Check.Target']").FillAsync(_host.BaseAddress + "healthz");
        await check.Locator("input[name='Check.ExpectedStatus']").FillAsync("200");
        await check.GetByRole(AriaRole.Button, new() { Name = "Add check" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Check checkout health added");
        await Assertions.Expect(page.Locator("#checks")).ToContainTextAsync("checkout health");
        await page.ScreenshotAsync(new() { Path = Shot("edit-service.png"), FullPage = true });

        // An alert arrives; the lead silences alerts like it from its page.
        var key = (await (await _host.Admin().PostAsJsonAsync("/api/v1/services/checkout-api/integration-keys", new { name = "am" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString();
        (await _host.Anonymous().PostAsJsonAsync($"/intake/{key}/generic", new { summary = "Checkout latency high", severity = "warning", dedup_key = "latency", labels = new { alertname = "CheckoutLatency" } })).EnsureSuccessStatusCode();
        await nav.GetByRole(AriaRole.Link, new() { Name = "Alerts" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Checkout latency high" }).First.ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Silence alerts like this one" }).ClickAsync();
        await Assertions.Expect(page.Locator("input[name='Matchers[0].Value']")).ToHaveValueAsync("CheckoutLatency");
        await page.Locator("input[name='Reason']").FillAsync("Known: cache warming after deploy");
        await page.Locator("input[name='EndsAt']").FillAsync("2026-11-24T18:00"); // until six this evening, in Olivia's Berlin
        await page.GetByRole(AriaRole.Button, new() { Name = "Silence", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Silence made: matching alerts page nobody until Tue 24 Nov 18:00 CET.");
        await Assertions.Expect(page.Locator("#silences")).ToContainTextAsync("alertname = CheckoutLatency");
        await page.ScreenshotAsync(new() { Path = Shot("edit-silences.png"), FullPage = true });
        Assert.Single((await _host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/silences?active=true")).EnumerateArray());
        await page.Context.CloseAsync();

        // The same pages on a phone: nothing scrolls sideways.
        var phone = await SignInAsync(390, 844);
        var schedule = (await _host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/schedules/payments-primary")).GetProperty("id").GetString();
        var policy = (await _host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/escalation-policies/payments-escalation")).GetProperty("id").GetString();
        foreach (var (path, name) in new[]
        {
            ($"/schedules/edit/{schedule}", "schedule-edit"), ($"/policies/edit/{policy}", "policy-edit"),
            ($"/services/{service.GetProperty("id").GetString()}", "service"), ("/silences", "silences"), ("/maintenance", "maintenance"),
        })
        {
            await phone.GotoAsync(path);
            var overflow = await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");
            await phone.ScreenshotAsync(new() { Path = Shot($"edit-phone-{name}.png"), FullPage = true });
            Assert.False(overflow, $"{path} scrolls sideways on a phone");
        }
        await phone.Context.CloseAsync();

        // Alice, on the rota the lead just made, opens Steady on her phone: after Olivia's office hours today, it is her.
        (await _host.Admin().PutAsJsonAsync("/api/v1/users/alice@example.com/password", new { newPassword = Password })).EnsureSuccessStatusCode();
        var context = await chromium.Browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        var alice = await DemoWorld.SignInAsync(context, "alice@example.com", Password);
        await Assertions.Expect(alice.GetByTestId("oncall-next")).ToContainTextAsync("payments-primary from Tue 24 Nov 18:00 CET");
        await Assertions.Expect(alice.Locator("#my-alerts")).ToContainTextAsync("Checkout latency high");
        await Assertions.Expect(alice.Locator("#my-alerts")).ToContainTextAsync("silenced"); // the lead's silence, said where she looks
        Assert.False(await alice.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth"), "Home scrolls sideways on a phone");
        await alice.ScreenshotAsync(new() { Path = Shot("oncall-home-phone.png"), FullPage = true });
        await context.CloseAsync();
    }

    private async Task<string> IdAsync(string email) =>
        (await _host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/users/{email}")).GetProperty("id").GetString()!;
}
