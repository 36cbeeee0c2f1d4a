using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;
using Steady.Server.Tests;
using Steady.Server.Tests.Notify;

namespace Steady.Browser.Tests;

/// <summary>
/// The issue's "done when", in a real browser on a controlled clock: a SEV1 from an alert is resolved; the
/// draft's durations and timeline match the incident's to the second; the commander, on a phone, previews the
/// Markdown, is pointed at "the DBA forgot to renew the certificate", adds three action items and takes the
/// postmortem through review to published; the Markdown export holds every section; "not doing" without a
/// reason is refused; the incident is closed from the close form the postmortem fills; then the item's owner
/// is reminded (webhooks on loopback) before and on the due date and weekly after, the team's admin after the
/// configured number of reminders, and nothing more once the item is done; a new incident from the same alert
/// shows the repeat notice.
/// </summary>
public sealed class PostmortemJourneyTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private SteadyHost _host = null!;
    private readonly LoopbackReceiver _phones = new();

    public async ValueTask InitializeAsync()
    {
        if (Chromium.MissingReason is not null)
            return;
        _host = await SteadyHost.StartAsync(b =>
        {
            SteadyHost.AllowLoopbackReceivers(b); // the people's contact methods are webhooks on loopback
            b.UseSetting("Steady:Postmortems:TellAdminsAfter", "2");
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
        _phones.Dispose();
    }

    private static string Shot(string name) => Path.Combine(Chromium.ScreenshotFolder, name);

    private async Task<Guid> PersonAsync(string name, string email, Guid team, string role = "responder")
    {
        var admin = _host.Admin();
        var created = await admin.PostAsJsonAsync("/api/v1/users", new { name, email, password = Password, timeZone = "Europe/Berlin" });
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await admin.PutAsJsonAsync($"/api/v1/teams/{team}/members/{id}", new { role })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/v1/users/{id}/contact-methods", new { kind = "webhook", address = _phones.Url(email) })).EnsureSuccessStatusCode();
        return id;
    }

    /// <summary>How many messages reached a person's phone that name <paramref name="words"/>.</summary>
    private int Count(string email, string words) =>
        _phones.Requests.Count(r => r.PathAndQuery == "/" + email && r.Text.Contains(words, StringComparison.Ordinal));

    /// <summary>Waits (real time, bounded) for the follow-up worker and the notices outbox, which run on the test's clock.</summary>
    private async Task ReachesAsync(string email, string words, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Count(email, words) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{email} has {Count(email, words)} messages naming '{words}', not {count}, after 30 s");
            await Task.Delay(50);
        }
    }

    private async Task<JsonElement> AlertAsync(HttpClient admin, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var page = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/alerts?service=api-gateway&status={status}");
            if (page.GetProperty("items").EnumerateArray().FirstOrDefault(a => a.GetProperty("dedupKey").GetString() == "gateway-tls") is { ValueKind: JsonValueKind.Object } alert)
                return alert;
            Assert.True(DateTime.UtcNow < deadline, "the alert was not stored within 30 s");
            await Task.Delay(50);
        }
    }

    /// <summary>The title of a notification as its webhook payload carries it (steady.notification, JSON).</summary>
    private static string Title(ReceivedRequest request) => JsonDocument.Parse(request.Text).RootElement.GetProperty("title").GetString() ?? "";

    private static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    [Fact]
    public async Task ASev1sPostmortemIsWrittenPublishedAndItsActionItemsFollowedUpUntilDone()
    {
        Assert.SkipWhen(Chromium.MissingReason is not null, Chromium.MissingReason ?? "");
        var admin = _host.Admin();
        var clock = _host.Clock;
        var team = await DemoWorld.Created(await admin.PostAsJsonAsync("/api/v1/teams", new { name = "Edge" }));
        var service = await DemoWorld.Created(await admin.PostAsJsonAsync("/api/v1/services", new { name = "api-gateway", teamId = team }));
        var key = (await (await admin.PostAsJsonAsync($"/api/v1/services/{service}/integration-keys", new { name = "monitoring" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString();
        await PersonAsync("Ben Commander", "ben@example.com", team);
        await PersonAsync("Cleo Owner", "cleo@example.com", team);
        await PersonAsync("Dana Admin", "dana@example.com", team, role: "admin");
        async Task FireAsync() =>
            (await _host.Anonymous().PostAsJsonAsync($"/intake/{key}/generic", new { summary = "TLS handshakes fail on api-gateway", dedup_key = "gateway-tls", severity = "critical" })).EnsureSuccessStatusCode();

        // 09:00:00 the alert fires; 09:01:35 a SEV1 is declared from it; 09:20:07 mitigated; 09:42:00 resolved.
        var fired = clock.GetUtcNow();
        await FireAsync();
        var alertId = (await AlertAsync(admin, "open")).GetProperty("id").GetGuid();
        clock.Advance(TimeSpan.FromSeconds(95));
        (await admin.PostAsJsonAsync("/api/v1/incidents", new { severity = "SEV1", alertId, summary = "The gateway refused TLS", commander = "ben@example.com" })).EnsureSuccessStatusCode();
        clock.Advance(TimeSpan.FromSeconds(1112));
        (await admin.PostAsJsonAsync("/api/v1/incidents/1/status", new { status = "mitigated" })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/v1/alerts/{alertId}/resolve", new { })).EnsureSuccessStatusCode();
        clock.Advance(TimeSpan.FromSeconds(1313));
        var resolved = clock.GetUtcNow();
        var resolving = await admin.PostAsJsonAsync("/api/v1/incidents/1/status", new { status = "resolved" });
        Assert.True(resolving.IsSuccessStatusCode, await resolving.Content.ReadAsStringAsync());
        Assert.Equal(fired.AddMinutes(42), resolved);

        await using var context = await chromium.Browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = _host.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        var page = await DemoWorld.SignInAsync(context, "ben@example.com");
        await page.GotoAsync("/incidents/1");
        await Assertions.Expect(page.GetByTestId("incident-pm-status")).ToHaveTextAsync("draft");
        await page.Locator("#incident-postmortem > summary").ClickAsync(); // folded on a phone, after the incident's story
        await page.GetByTestId("open-postmortem").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/incidents/1/postmortem$"));
        await Assertions.Expect(page.GetByTestId("hint-rootCause")).ToBeVisibleAsync();

        // The draft's durations, to the second, from the first alert.
        foreach (var (moment, since) in new[] { ("first-alert", "0 s"), ("declared", "1 min 35 s"), ("acknowledged", "1 min 35 s"), ("mitigated", "20 min 7 s"), ("resolved", "42 min") })
            await Assertions.Expect(page.GetByTestId("since-" + moment)).ToHaveTextAsync(since);
        await Assertions.Expect(page.GetByTestId("pm-severity-times")).ToContainTextAsync("SEV1 40 min 25 s");
        await page.GetByTestId("impact-times").Locator("xpath=..").ScreenshotAsync(new() { Path = Shot("postmortem-impact-390.png") });
        // Its timeline is the incident's key events, each at the incident's own second.
        var lines = await page.GetByTestId("pm-timeline").Locator("li").AllInnerTextsAsync();
        var incidentTimeline = await DemoWorld.Items(admin, "/api/v1/incidents/1/timeline");
        string[] keyKinds = ["declared", "severity", "status", "role", "update", "action", "evidence", "page", "alert-linked", "resolution"];
        var keyEvents = incidentTimeline.Where(e => e.GetProperty("pinned").GetBoolean() || keyKinds.Contains(e.GetProperty("kind").GetString())).ToList();
        Assert.True(keyEvents.Count >= 3, $"{keyEvents.Count} key events");
        Assert.Equal(keyEvents.Count, lines.Count);
        foreach (var e in keyEvents)
        {
            var expected = $"{Utc(e.GetProperty("at").GetDateTimeOffset())} UTC {e.GetProperty("kind").GetString()} {e.GetProperty("text").GetString()}";
            Assert.Contains(lines, l => l.Contains(expected, StringComparison.Ordinal));
        }
        Assert.Contains(lines, l => l.Contains($"{Utc(fired.AddSeconds(95))} UTC declared", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains($"{Utc(resolved)} UTC status", StringComparison.Ordinal) && l.Contains("resolved", StringComparison.Ordinal));

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
        var titles = new[] { ("Renew gateway certificates automatically", "prevent"), ("Alert 21 days before any certificate expires", "monitoring"), ("Add certificates to the gateway runbook", "process") };
        foreach (var (title, type) in titles)
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

        // "Not doing" needs a reason.
        var second = page.GetByTestId("item").Nth(1);
        await second.Locator("summary", new() { HasText = "Drop it (not doing)" }).ClickAsync();
        await second.GetByRole(AriaRole.Button, new() { Name = "Not doing" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("errors")).ToContainTextAsync("needs a 'reason'");
        await Assertions.Expect(page.GetByTestId("item").Nth(1).GetByTestId("item-status")).ToHaveTextAsync("open");

        // The export holds every section, as the reader reads it.
        var export = await context.APIRequest.GetAsync("/incidents/1/postmortem?handler=Markdown");
        var markdown = await export.TextAsync();
        foreach (var section in Steady.Core.Postmortems.PostmortemSections.All)
            Assert.Contains($"## {section.Title}\n", markdown, StringComparison.Ordinal);
        foreach (var part in new[] { "## Impact times\n", "## Messaging\n", "## Timeline\n", "## Responders\n", "## Action items\n" })
            Assert.Contains(part, markdown, StringComparison.Ordinal);
        Assert.Contains("For **42 minutes** the gateway refused TLS", markdown, StringComparison.Ordinal);
        Assert.Contains("the DBA forgot to renew the certificate", markdown, StringComparison.Ordinal);
        Assert.Contains("- **Status:** published", markdown, StringComparison.Ordinal);
        Assert.Contains("| resolved | 2026-11-24 09:42:00 | 42 min |", markdown, StringComparison.Ordinal);
        Assert.Contains("- **Time at each severity:** SEV1 40 min 25 s", markdown, StringComparison.Ordinal);
        foreach (var (title, type) in titles)
            Assert.Contains($"| {title} | {type} | Cleo Owner | medium |", markdown, StringComparison.Ordinal);
        Assert.Contains("| at (UTC) | at (Europe/Berlin) |", markdown, StringComparison.Ordinal);
        Assert.Contains("| 2026-11-24 09:42:00 | 2026-11-24 10:42:00 | status |", markdown, StringComparison.Ordinal);

        // Closed from the close form, which starts from the postmortem: one record, not two.
        await page.GotoAsync("/incidents/1");
        var close = page.GetByTestId("close-form");
        await Assertions.Expect(close.GetByLabel("What happened")).ToHaveValueAsync("For **42 minutes** the gateway refused TLS: its certificate expired.");
        await Assertions.Expect(close.GetByLabel("Cause")).ToHaveValueAsync("the DBA forgot to renew the certificate");
        await close.GetByLabel("What was done").FillAsync("Renewed the certificate by hand.");
        await close.GetByLabel("Which assumptions failed").FillAsync("That renewal was automatic.");
        await close.GetByLabel("What should change").FillAsync("Renewal needs no person to remember it.");
        await close.GetByRole(AriaRole.Button, new() { Name = "Close incident" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("status")).ToHaveTextAsync("closed");

        // After the close, the follow-up: before the due date, on it, weekly after; the admin from the third reminder on.
        var items = await DemoWorld.Items(admin, "/api/v1/action-items?incident=1");
        var due = items.Select(i => i.GetProperty("dueAt").GetDateTimeOffset()).Distinct().Single();
        var (renew, runbook) = (titles[0].Item1, titles[2].Item1);
        Assert.Equal(0, Count("cleo@example.com", renew));
        clock.Advance(due.AddDays(-2) - clock.GetUtcNow());
        await ReachesAsync("cleo@example.com", renew, 1);
        clock.Advance(TimeSpan.FromDays(2));
        await ReachesAsync("cleo@example.com", renew, 2);
        Assert.Contains(_phones.Requests, r => r.PathAndQuery == "/cleo@example.com" && Title(r) == $"Action item is due now: {renew}");
        Assert.Equal(0, Count("dana@example.com", renew));
        clock.Advance(TimeSpan.FromDays(7));
        await ReachesAsync("cleo@example.com", renew, 3);
        await ReachesAsync("dana@example.com", renew, 1);
        Assert.Contains(_phones.Requests, r => r.PathAndQuery == "/dana@example.com" && Title(r).StartsWith("Still open after 2 reminders — Action item is overdue since", StringComparison.Ordinal));

        // Done (by its owner, signing in two weeks on): nothing more for it, while the runbook item (same due date, still open) goes on.
        page = await DemoWorld.SignInAsync(context, "cleo@example.com");
        await page.GotoAsync("/incidents/1/postmortem");
        await page.GetByTestId("item").Filter(new() { HasText = renew }).GetByTestId("item-done").ClickAsync();
        await Assertions.Expect(page.GetByText("Action item done: its reminders stop.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("item").Filter(new() { HasText = renew }).GetByTestId("item-status")).ToHaveTextAsync("done");
        clock.Advance(TimeSpan.FromDays(7));
        await ReachesAsync("cleo@example.com", runbook, 4);
        await ReachesAsync("dana@example.com", runbook, 2);
        Assert.Equal(3, Count("cleo@example.com", renew));
        Assert.Equal(1, Count("dana@example.com", renew));

        // The same alert again: the new incident says it happened before, with the two items still open.
        await FireAsync();
        var again = (await AlertAsync(admin, "open")).GetProperty("id").GetGuid();
        Assert.NotEqual(alertId, again);
        (await admin.PostAsJsonAsync("/api/v1/incidents", new { severity = "SEV2", alertId = again, commander = "ben@example.com" })).EnsureSuccessStatusCode();
        page = await DemoWorld.SignInAsync(context, "ben@example.com"); // a week on: signed in again
        await page.GotoAsync("/incidents/2");
        await Assertions.Expect(page.GetByTestId("repeat-notice")).ToContainTextAsync("This happened before: #1 on 24 Nov — 2 action items still open");
        await page.GetByTestId("repeat-notice").GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/incidents/1$"));
    }
}
