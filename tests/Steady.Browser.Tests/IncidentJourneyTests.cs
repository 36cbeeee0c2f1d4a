using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Steady.Server.Tests;
using Steady.Server.Tests.Notify;

namespace Steady.Browser.Tests;

/// <summary>
/// A SEV1 declared from an alert, through its life in a real browser on a controlled clock: the
/// commander handed over, the communications lead's structured update, an overdue update reminding,
/// the freeze on while open and off after, resolution refused while a check fails and accepted once
/// it has been healthy, closing refused without the record and accepted with it; then a retainer
/// client's emergency line, its misuse and suspension.
/// </summary>
public sealed class IncidentJourneyTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private SteadyHost _host = null!;
    private readonly LoopbackReceiver _receiver = new();
    private readonly string _prefix = Guid.NewGuid().ToString("N");

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
        _receiver.Dispose();
    }

    private static string Shot(string name) => Path.Combine(Chromium.ScreenshotFolder, name);

    private async Task<Guid> PersonAsync(string name, string email, Guid team)
    {
        var admin = _host.Admin();
        var created = await admin.PostAsJsonAsync("/api/v1/users", new { name, email, password = Password });
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await admin.PutAsJsonAsync($"/api/v1/teams/{team}/members/{id}", new { role = "responder" })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/v1/users/{id}/contact-methods", new { kind = "webhook", address = _receiver.Url($"{_prefix}/{name.Split(' ')[0]}") })).EnsureSuccessStatusCode();
        return id;
    }

    private IReadOnlyList<ReceivedRequest> Phone(string first) => _receiver.Requests.Where(r => r.PathAndQuery == $"/{_prefix}/{first}").ToList();

    private static async Task<T> EventuallyAsync<T>(Func<T?> probe, string what) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (probe() is not { } found)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Waited 30 s for {what}.");
            await Task.Delay(100);
        }
        return probe()!;
    }

    private async Task<IPage> SignInAsync(IBrowserContext context, string email)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Good to see you")).ToBeVisibleAsync();
        return page;
    }

    /// <summary>The incident page folds its long forms in &lt;details&gt;: open the one holding this form, as a person would.</summary>
    private static async Task<ILocator> FoldedAsync(IPage page, string testId)
    {
        // Outermost first: a form may sit in a fold inside a section a phone folds (the role form under Roles).
        var folds = page.Locator($"details:has([data-testid={testId}])");
        for (var n = 0; n < await folds.CountAsync(); n++)
        {
            if (await folds.Nth(n).GetAttributeAsync("open") is null)
                await folds.Nth(n).Locator("summary").First.ClickAsync();
        }
        return page.GetByTestId(testId);
    }

    private async Task<bool> FrozenAsync() =>
        (await _host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/freeze?service=payments-api")).GetProperty("frozen").GetBoolean();

    [Fact]
    public async Task ASev1FromAnAlertIsRunToItsWrittenRecordAndAClientLineIsSuspendedForMisuse()
    {
        Assert.SkipWhen(Chromium.MissingReason is not null, Chromium.MissingReason ?? "");
        var admin = _host.Admin();
        var team = (await (await admin.PostAsJsonAsync("/api/v1/teams", new { name = "Payments" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await PersonAsync("Olivia Lead", "olivia@example.com", team);
        await PersonAsync("Ivan Commander", "ivan@example.com", team);
        await PersonAsync("Cal Comms", "cal@example.com", team);
        await PersonAsync("Pat Oncall", "pat@example.com", team);
        var service = (await (await admin.PostAsJsonAsync("/api/v1/services", new { name = "payments-api", teamId = team })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await admin.PostAsJsonAsync("/api/v1/escalation-policies", new { name = "payments-oncall", team = team.ToString(), escalation_chain = new object[] { new { notify = "pat@example.com", wait = "5m" } } })).EnsureSuccessStatusCode();
        (await admin.PatchAsJsonAsync("/api/v1/services/payments-api", new
        {
            escalationPolicy = "payments-oncall",
            stabilizationChecklist = new[] { "Pause the deploy pipeline and autoscaler", "Shed load: turn on the checkout queue", "Revert the most recent change" },
        })).EnsureSuccessStatusCode();
        var key = (await (await admin.PostAsJsonAsync($"/api/v1/services/{service}/integration-keys", new { name = "alertmanager" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString();
        (await admin.PostAsJsonAsync("/api/v1/changes", new { service = "payments-api", summary = "deploy v2.4.1 (pool size 20 → 10)", kind = "deploy", who = "ci", at = _host.Clock.GetUtcNow().AddMinutes(-40) })).EnsureSuccessStatusCode();
        _receiver.Status = 503;
        var check = (await (await admin.PostAsJsonAsync("/api/v1/checks", new { service = "payments-api", name = "checkout health", kind = "http", target = _receiver.Url($"{_prefix}/health"), intervalSeconds = 3600, failuresToAlert = 1 })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await admin.PostAsJsonAsync($"/api/v1/checks/{check}/run", new { })).EnsureSuccessStatusCode();
        (await _host.Anonymous().PostAsJsonAsync($"/intake/{key}/generic", new { summary = "Checkout error rate above 5%", dedup_key = "checkout-5xx", severity = "critical" })).EnsureSuccessStatusCode();
        var alertId = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/alerts?service=payments-api&status=open")).GetProperty("items").EnumerateArray()
            .First(a => a.GetProperty("dedupKey").GetString() == "checkout-5xx").GetProperty("id").GetGuid();

        await using var context = await chromium.Browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await SignInAsync(context, "olivia@example.com");

        // Declared from the alert, generously.
        await page.GotoAsync($"/alerts/{alertId}");
        await page.GetByTestId("declare-from-alert").ClickAsync();
        await Assertions.Expect(page.GetByText("Declare generously")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("incident-declare.png"), FullPage = true });
        await page.GetByLabel("SEV1 — Critical, major user impact").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Declare" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/incidents/1$"));
        await Assertions.Expect(page.GetByTestId("severity")).ToHaveTextAsync("SEV1");
        await Assertions.Expect(page.GetByTestId("commander")).ToHaveTextAsync("Olivia Lead");
        await Assertions.Expect(page.GetByTestId("checklist")).ToContainTextAsync("Pause the deploy pipeline");
        await Assertions.Expect(page.GetByTestId("changes")).ToContainTextAsync("deploy v2.4.1");
        await Assertions.Expect(page.GetByTestId("next-update")).ToContainTextAsync("Next update due in 30 min");
        await EventuallyAsync(() => Phone("Pat").FirstOrDefault(), "the SEV1 page to the on-call engineer");
        Assert.True(await FrozenAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("incident-declared.png"), FullPage = true });

        // The commander is handed over; Cal becomes communications lead.
        var roles = await FoldedAsync(page, "role-form");
        await roles.Locator("select[name=role]").SelectOptionAsync("commander");
        await roles.Locator("select[name=user]").SelectOptionAsync(new SelectOptionValue { Label = "Ivan Commander" });
        await roles.GetByRole(AriaRole.Button, new() { Name = "Give role" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("commander")).ToHaveTextAsync("Ivan Commander");
        roles = await FoldedAsync(page, "role-form");
        await roles.Locator("select[name=role]").SelectOptionAsync("communications-lead");
        await roles.Locator("select[name=user]").SelectOptionAsync(new SelectOptionValue { Label = "Cal Comms" });
        await roles.GetByRole(AriaRole.Button, new() { Name = "Give role" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("roles")).ToContainTextAsync("communications-lead Cal Comms");

        // Handing the commander role to nobody is refused, nothing changes.
        roles = await FoldedAsync(page, "role-form");
        await roles.Locator("select[name=role]").SelectOptionAsync("commander");
        await roles.Locator("select[name=user]").SelectOptionAsync("");
        await roles.GetByRole(AriaRole.Button, new() { Name = "Give role" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("errors")).ToContainTextAsync("exactly one commander");
        await Assertions.Expect(page.GetByTestId("commander")).ToHaveTextAsync("Ivan Commander");

        // 31 minutes on: the update is overdue; the communications lead and the commander are reminded.
        _host.Clock.Advance(TimeSpan.FromMinutes(31));
        var reminder = await EventuallyAsync(() => Phone("Cal").FirstOrDefault(r => r.Text.Contains("Update overdue", StringComparison.Ordinal)), "the reminder to the communications lead");
        await EventuallyAsync(() => Phone("Ivan").FirstOrDefault(r => r.Text.Contains("Update overdue", StringComparison.Ordinal)), "the reminder to the commander");
        await page.GotoAsync("/incidents/1");
        await Assertions.Expect(page.GetByTestId("next-update")).ToContainTextAsync("Update overdue");
        // Overdue reads as danger (the danger red), never as the calm green of an update on time.
        await Assertions.Expect(page.GetByTestId("next-update")).ToHaveCSSAsync("color", "rgb(179, 38, 30)");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("incident-overdue.png"), FullPage = true });
        Assert.Contains("incident #1", reminder.Text, StringComparison.Ordinal);

        // The communications lead posts the structured update from their own browser.
        await using var calContext = await chromium.Browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var cal = await SignInAsync(calContext, "cal@example.com");
        await cal.GotoAsync("/incidents/1");
        var update = await FoldedAsync(cal, "update-form");
        await update.GetByLabel("What is known").FillAsync("Card checkout fails for about 30% of customers since 08:20 UTC.");
        await update.GetByLabel("What is not known").FillAsync("Whether the payment provider is involved.");
        await update.GetByLabel("What is being done").FillAsync("Rolling back deploy v2.4.1, which halved the connection pool.");
        await update.GetByRole(AriaRole.Button, new() { Name = "Post update" }).ClickAsync();
        await Assertions.Expect(cal.GetByTestId("next-update")).ToContainTextAsync("Next update due in 30 min");
        // The latest update is shown whole at the top; the timeline points to it rather than repeating it.
        await Assertions.Expect(cal.Locator("#latest-update")).ToContainTextAsync("Rolling back deploy v2.4.1");
        await Assertions.Expect(cal.GetByTestId("timeline")).ToContainTextAsync("the latest update, above");

        // Resolution is refused while the check still fails.
        await page.GotoAsync("/incidents/1");
        var status = await FoldedAsync(page, "status-form");
        await status.Locator("select[name=status]").SelectOptionAsync("resolved");
        await status.GetByRole(AriaRole.Button, new() { Name = "Change status" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("errors")).ToContainTextAsync("still unhealthy");
        await Assertions.Expect(page.GetByTestId("errors")).ToContainTextAsync("checkout health");
        await Assertions.Expect(page.GetByTestId("status")).ToHaveTextAsync("triage");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("incident-resolution-refused.png"), FullPage = true });

        // Fixed: the check passes and the alert resolves; ten healthy minutes later "resolved" is accepted.
        _receiver.Status = 200;
        (await admin.PostAsJsonAsync($"/api/v1/checks/{check}/run", new { })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/v1/alerts/{alertId}/resolve", new { note = "rolled back" })).EnsureSuccessStatusCode();
        // The passing check resolves its own alert through intake: let that land before the clock moves on.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await admin.GetFromJsonAsync<JsonElement>("/api/v1/alerts?service=payments-api&status=open")).GetProperty("items").GetArrayLength() > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the check's alert did not resolve within 30 s");
            await Task.Delay(100);
        }
        _host.Clock.Advance(TimeSpan.FromMinutes(10));
        await page.GotoAsync("/incidents/1");
        status = await FoldedAsync(page, "status-form");
        await status.Locator("select[name=status]").SelectOptionAsync("resolved");
        await status.GetByRole(AriaRole.Button, new() { Name = "Change status" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("status")).ToHaveTextAsync("resolved");
        Assert.False(await FrozenAsync());

        // Closing needs the written record.
        var close = page.GetByTestId("close-form");
        await close.GetByRole(AriaRole.Button, new() { Name = "Close incident" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("errors")).ToContainTextAsync("'cause' is required");
        await Assertions.Expect(page.GetByTestId("status")).ToHaveTextAsync("resolved");
        close = page.GetByTestId("close-form");
        await close.GetByLabel("What happened").FillAsync("Card checkout failed for 30% of customers for 45 minutes.");
        await close.GetByLabel("What was done").FillAsync("Paused the pipeline, rolled back v2.4.1.");
        await close.GetByLabel("Which assumptions failed").FillAsync("That a pool of 10 connections was enough at peak.");
        await close.GetByLabel("What should change").FillAsync("Load-test pool changes; alert on pool saturation.");
        await close.GetByLabel("Cause").FillAsync("Deploy v2.4.1 halved the database connection pool.");
        await close.GetByRole(AriaRole.Button, new() { Name = "Close incident" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("status")).ToHaveTextAsync("closed");
        await Assertions.Expect(page.GetByTestId("record")).ToContainTextAsync("halved the database connection pool");
        await Assertions.Expect(page.GetByTestId("duration")).ToContainTextAsync("ran for");
        await Assertions.Expect(page.Locator("#incident-head")).Not.ToContainTextAsync("running for");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("incident-closed.png"), FullPage = true });

        // A retainer client's line: boundaries before submitting; two misuses suspend it.
        var line = await (await admin.PostAsJsonAsync("/api/v1/emergency-lines", new
        {
            client = "Acme Retail",
            coveredSeverities = new[] { "SEV1" },
            hours = "24/7",
            purpose = "Short-term stabilization during rare, high-severity incidents.",
            boundaries = "No continuous availability, no guaranteed response times, no priority handling for non-critical work.",
            service = "payments-api",
            escalationPolicy = "payments-oncall",
        })).Content.ReadFromJsonAsync<JsonElement>();
        var intake = line.GetProperty("intakePath").GetString()!;
        await using var client = await chromium.Browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        var clientPage = await client.NewPageAsync();
        foreach (var (what, number) in new[] { ("Please reset the password of our shop admin.", 2), ("Can you add a DNS record for our new shop?", 3) })
        {
            await clientPage.GotoAsync(intake);
            await Assertions.Expect(clientPage.GetByTestId("boundaries")).ToContainTextAsync("no guaranteed response times");
            if (number == 2)
                await clientPage.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("emergency-line-boundaries.png"), FullPage = true });
            await clientPage.GetByLabel("Your name").FillAsync("Erin from Acme");
            await clientPage.GetByLabel("How to reach you now").FillAsync("+49 30 1234567");
            await clientPage.GetByLabel("What is happening").FillAsync(what);
            await clientPage.GetByLabel("I have read what this line is for").CheckAsync();
            await clientPage.GetByRole(AriaRole.Button, new() { Name = "Submit emergency" }).ClickAsync();
            await Assertions.Expect(clientPage.GetByTestId("done")).ToContainTextAsync($"Incident #{number} is open in triage");

            await page.GotoAsync($"/incidents/{number}");
            await page.GetByTestId("misuse-form").GetByLabel("Misuse reason").FillAsync("A routine request, not a high-severity incident.");
            await page.GetByTestId("misuse-form").GetByRole(AriaRole.Button, new() { Name = "Mark as misuse" }).ClickAsync();
            await Assertions.Expect(page.Locator("#incident-head")).ToContainTextAsync("marked as misuse by Olivia Lead");
        }
        await clientPage.GotoAsync(intake);
        await Assertions.Expect(clientPage.GetByTestId("suspended")).ToContainTextAsync("This emergency line is suspended");
        await clientPage.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("emergency-line-suspended.png"), FullPage = true });
        await clientPage.GotoAsync("/emergency/line_unknown");
        await Assertions.Expect(clientPage.GetByTestId("no-agreement")).ToContainTextAsync("standard support channels");
    }
}
