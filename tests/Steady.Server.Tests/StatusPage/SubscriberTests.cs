using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Steady.Server.Tests.Notify;
using static Steady.Server.Tests.StatusPage.StatusPageTests;

namespace Steady.Server.Tests.StatusPage;

/// <summary>
/// Subscribers through a real SMTP server (Debian's aiosmtpd) and a webhook on loopback: double opt-in by a
/// signed, single-use, expiring link; each notice exactly once to those who follow its components; RFC 8058
/// one-click unsubscribe; Statuspage's webhook shape; addresses that fail for good marked, not retried.
/// </summary>
public sealed partial class SubscriberTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task EmailSubscribersConfirmTheirAddressAndGetEachNoticeOnceUntilTheyUnsubscribeInOneClick()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await StartAsync(smtp);
        var admin = host.Admin();
        await MaintenanceTests.SeedAsync(host);
        var browser = new ConsoleClient(host);

        var sent = await browser.PostFormAsync("/status/subscribe", "/status/subscribe", ("Email", "ana@example.com"), ("Components", "Checkout"));
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Contains("Check your inbox", await sent.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
        (await browser.PostFormAsync("/status/subscribe", "/status/subscribe", ("Email", "bob@example.com"))).EnsureSuccessStatusCode();
        var confirmation = await MailAsync(smtp, "ana@example.com", "Confirm your subscription");
        var link = Link(confirmation, "confirm");
        Assert.Equal("pending", (await SubscriberAsync(admin, "ana@example.com")).GetProperty("state").GetString());

        // Opening the link confirms nothing (mail scanners open links); its button does, once.
        var opened = await browser.GetAsync(link);
        Assert.Contains("Confirm my subscription", await opened.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
        Assert.Equal("pending", (await SubscriberAsync(admin, "ana@example.com")).GetProperty("state").GetString());
        var confirmed = await browser.Http.PostAsync(link, null, _ct);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Contains("Subscribed", await confirmed.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
        var ana = await SubscriberAsync(admin, "ana@example.com");
        Assert.Equal("active", ana.GetProperty("state").GetString());
        Assert.Equal(["Checkout"], ana.GetProperty("components").EnumerateArray().Select(c => c.GetString()!).ToArray());
        var reused = await browser.Http.PostAsync(link, null, _ct);
        Assert.Equal(HttpStatusCode.Gone, reused.StatusCode);
        Assert.Contains("already used", await reused.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
        var forged = await browser.Http.PostAsync(link[..^2] + (link[^2] == 'A' ? "BB" : "AA"), null, _ct);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("not valid", await forged.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
        (await browser.Http.PostAsync(Link(await MailAsync(smtp, "bob@example.com", "Confirm your subscription"), "confirm"), null, _ct)).EnsureSuccessStatusCode();

        // Typing Ana's address again changes nothing of hers: she is mailed her manage link.
        (await browser.PostFormAsync("/status/subscribe", "/status/subscribe", ("Email", "ana@example.com"), ("Components", "Search"))).EnsureSuccessStatusCode();
        await MailAsync(smtp, "ana@example.com", "Your subscription");
        Assert.Equal(["Checkout"], (await SubscriberAsync(admin, "ana@example.com")).GetProperty("components").EnumerateArray().Select(c => c.GetString()!).ToArray());

        // An incident on Checkout reaches both; one on Search only Bob, who follows everything.
        var incident = (await CreatedAsync(admin, "/api/v1/status-pages/acme/incidents", new { title = "Checkout failing", status = "investigating", body = "Card payments fail.", components = new Dictionary<string, string> { ["Checkout"] = "partial_outage" } })).GetProperty("id").GetGuid();
        var notice = await MailAsync(smtp, "ana@example.com", "Investigating: Checkout failing");
        Assert.Contains("Card payments fail.", notice.Message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Checkout (partial outage)", notice.Message.TextBody, StringComparison.Ordinal);
        Assert.Equal("List-Unsubscribe=One-Click", notice.Message.Headers["List-Unsubscribe-Post"]);
        var unsubscribe = notice.Message.Headers["List-Unsubscribe"]!.Trim('<', '>');
        Assert.EndsWith(Link(notice, "unsubscribe"), unsubscribe, StringComparison.Ordinal);
        await MailAsync(smtp, "bob@example.com", "Investigating: Checkout failing");
        await CreatedAsync(admin, "/api/v1/status-pages/acme/incidents", new { title = "Search slow", status = "investigating", body = "Search is slow.", components = new Dictionary<string, string> { ["Search"] = "degraded_performance" } });
        await MailAsync(smtp, "bob@example.com", "Investigating: Search slow");
        Assert.DoesNotContain(smtp.Received(), m => m.RcptTo.Contains("ana@example.com") && (m.Message.Subject ?? "").Contains("Search slow", StringComparison.Ordinal));

        // One click from the mail client (RFC 8058): no page, no token, no more mail.
        var clicked = await host.Anonymous().PostAsync(new Uri(unsubscribe).PathAndQuery, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]), _ct);
        Assert.Equal(HttpStatusCode.OK, clicked.StatusCode);
        Assert.DoesNotContain((await admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/acme/subscribers", _ct)).GetProperty("items").EnumerateArray(), s => s.GetProperty("address").GetString() == "ana@example.com");
        await CreatedAsync(admin, $"/api/v1/status-pages/acme/incidents/{incident}/updates", new { status = "resolved", body = "Payments work again.", components = new Dictionary<string, string> { ["Checkout"] = "operational" } });
        await MailAsync(smtp, "bob@example.com", "Resolved: Checkout failing");
        Assert.DoesNotContain(smtp.Received(), m => m.RcptTo.Contains("ana@example.com") && (m.Message.Subject ?? "").Contains("Resolved", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Gone, (await host.Anonymous().GetAsync(new Uri(unsubscribe).PathAndQuery, _ct)).StatusCode);

        // Exactly once each, whatever the retries.
        foreach (var group in smtp.Received().GroupBy(m => (m.RcptTo.Single(), m.Message.Subject)))
            Assert.True(group.Count() == 1, $"{group.Key} arrived {group.Count()} times");
    }

    [Fact]
    public async Task AConfirmationLinkExpiresAndAnAddressTheServerRefusesIsMarkedFailed()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await StartAsync(smtp);
        var admin = host.Admin();
        await MaintenanceTests.SeedAsync(host);
        var browser = new ConsoleClient(host);
        (await browser.PostFormAsync("/status/subscribe", "/status/subscribe", ("Email", "cleo@example.com"))).EnsureSuccessStatusCode();
        var link = Link(await MailAsync(smtp, "cleo@example.com", "Confirm your subscription"), "confirm");
        host.Clock.Advance(TimeSpan.FromHours(49));
        var late = await browser.Http.PostAsync(link, null, _ct);
        Assert.Equal(HttpStatusCode.Gone, late.StatusCode);
        Assert.Contains("expired", await late.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
        Assert.Equal("pending", (await SubscriberAsync(admin, "cleo@example.com")).GetProperty("state").GetString());

        var refused = await CreatedAsync(admin, "/api/v1/status-pages/acme/subscribers", new { kind = "email", address = "reject-me@example.com" });
        Assert.Equal("pending", refused.GetProperty("state").GetString());
        var failed = await StatusWait.ForAsync<JsonElement>(async () =>
        {
            var s = await SubscriberAsync(admin, "reject-me@example.com");
            return s.GetProperty("state").GetString() == "failed" ? s : null;
        }, "the refused address to be marked failed");
        Assert.Contains("SMTP 550", failed.GetProperty("failedReason").GetString(), StringComparison.Ordinal);
        var counts = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/acme/subscribers", _ct)).GetProperty("counts");
        Assert.Equal(1, counts.GetProperty("failed").GetInt32());
        Assert.Equal(1, counts.GetProperty("pending").GetInt32());
    }

    [Fact]
    public async Task WebhookSubscribersGetStatuspagesShapeAndOneThatFailsForGoodIsMarked()
    {
        using var receiver = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var admin = host.Admin();
        await MaintenanceTests.SeedAsync(host);
        var hook = await CreatedAsync(admin, "/api/v1/status-pages/acme/subscribers", new { kind = "webhook", address = receiver.Url("statuspage") });
        Assert.Equal("active", hook.GetProperty("state").GetString());
        await ProblemAsync(admin.PostAsJsonAsync("/api/v1/status-pages/acme/subscribers", new { kind = "webhook", address = "ftp://example.com/hook", components = new[] { "Nope" } }, _ct), HttpStatusCode.BadRequest, "address", "Nope");
        await ProblemAsync(admin.PostAsJsonAsync("/api/v1/status-pages/acme/subscribers", new { kind = "webhook", address = receiver.Url("statuspage") }, _ct), HttpStatusCode.Conflict, "already");

        await CreatedAsync(admin, "/api/v1/status-pages/acme/incidents", new { title = "Checkout failing", status = "identified", body = "A provider is down.", components = new Dictionary<string, string> { ["Checkout"] = "major_outage" } });
        await StatusWait.UntilAsync(() => Task.FromResult(receiver.Requests.Count >= 2), "the incident and the component update");
        var bodies = receiver.Requests.Select(r => r.Json()).ToList();
        var incident = bodies.Single(b => b.TryGetProperty("incident", out _));
        Assert.Equal(["meta", "page", "incident"], incident.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.StartsWith("http", incident.GetProperty("meta").GetProperty("unsubscribe").GetString(), StringComparison.Ordinal);
        Assert.Equal("critical", incident.GetProperty("page").GetProperty("status_indicator").GetString());
        Assert.Equal("Major System Outage", incident.GetProperty("page").GetProperty("status_description").GetString());
        Assert.Equal("Checkout failing", incident.GetProperty("incident").GetProperty("name").GetString());
        Assert.Equal("identified", incident.GetProperty("incident").GetProperty("incident_updates")[0].GetProperty("status").GetString());
        var component = bodies.Single(b => b.TryGetProperty("component_update", out _));
        Assert.Equal(["meta", "page", "component_update", "component"], component.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("operational", component.GetProperty("component_update").GetProperty("old_status").GetString());
        Assert.Equal("major_outage", component.GetProperty("component_update").GetProperty("new_status").GetString());
        Assert.Equal("Checkout", component.GetProperty("component").GetProperty("name").GetString());
        Assert.All(receiver.Requests, r => Assert.NotNull(r.Header("Idempotency-Key")));

        // The receiver is gone for good (410): the subscriber is marked, and the next change is not sent to it.
        receiver.Status = 410;
        (await admin.PatchAsJsonAsync("/api/v1/status-pages/acme/components/Search", new { state = "degraded_performance" }, _ct)).EnsureSuccessStatusCode();
        var failed = await StatusWait.ForAsync<JsonElement>(async () =>
        {
            var s = await SubscriberAsync(admin, receiver.Url("statuspage"));
            return s.GetProperty("state").GetString() == "failed" ? s : null;
        }, "the webhook to be marked failed");
        Assert.Contains("HTTP 410", failed.GetProperty("failedReason").GetString(), StringComparison.Ordinal);
        var before = receiver.Requests.Count;
        (await admin.PatchAsJsonAsync("/api/v1/status-pages/acme/components/Search", new { state = "operational" }, _ct)).EnsureSuccessStatusCode();
        host.Clock.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(500, _ct);
        Assert.Equal(before, receiver.Requests.Count);
    }

    [Fact]
    public async Task SubscribingIsRateLimitedPerAddressAndBadInputIsRefused()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var host = await StartAsync(smtp);
        await MaintenanceTests.SeedAsync(host);
        var browser = new ConsoleClient(host);
        var bad = await browser.PostFormAsync("/status/subscribe", "/status/subscribe", ("Email", "not an address"), ("Components", "Nope"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var text = await bad.Content.ReadAsStringAsync(_ct);
        Assert.Contains("not a valid email address", text, StringComparison.Ordinal);
        Assert.Contains("Nope", text, StringComparison.Ordinal);
        for (var i = 0; i < 3; i++)
            (await browser.PostFormAsync("/status/subscribe", "/status/subscribe", ("Email", "dee@example.com"))).EnsureSuccessStatusCode();
        var limited = await browser.PostFormAsync("/status/subscribe", "/status/subscribe", ("Email", "DEE@example.com"));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(int.Parse(limited.Headers.RetryAfter!.ToString(), CultureInfo.InvariantCulture) >= 1);
        // Each confirmation replaced the one before: only the newest link works.
        await StatusWait.UntilAsync(() => Task.FromResult(smtp.Received().Count(m => m.RcptTo.Contains("dee@example.com")) == 3), "three confirmations");
        var links = smtp.Received().Where(m => m.RcptTo.Contains("dee@example.com")).Select(m => Link(m, "confirm")).ToList();
        var old = await browser.Http.PostAsync(links[0], null, _ct);
        Assert.Equal(HttpStatusCode.Gone, old.StatusCode);
        Assert.Contains("newer one", await old.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.PostAsync(links[2], null, _ct)).StatusCode);
    }

    internal static Task<SteadyHost> StartAsync(SmtpSink smtp) => SteadyHost.StartAsync(b =>
    {
        b.UseSetting("Steady:Smtp:Host", "127.0.0.1");
        b.UseSetting("Steady:Smtp:Port", smtp.Port.ToString(CultureInfo.InvariantCulture));
        b.UseSetting("Steady:Smtp:Security", "none");
        b.UseSetting("Steady:Smtp:From", "Acme status <status@example.test>");
    });

    /// <summary>The one message to <paramref name="to"/> whose subject holds <paramref name="subject"/>, once it arrives.</summary>
    internal static Task<ReceivedMail> MailAsync(SmtpSink smtp, string to, string subject) =>
        StatusWait.ForAsync(() => smtp.Received().LastOrDefault(m => m.RcptTo.Contains(to) && (m.Message.Subject ?? "").Contains(subject, StringComparison.Ordinal)), $"'{subject}' to {to}");

    /// <summary>The path of a subscription link (confirm, manage, unsubscribe) in the message's text.</summary>
    internal static string Link(ReceivedMail mail, string kind)
    {
        var match = Regex.Match(mail.Message.TextBody ?? "", $@"https?://\S+?(/status/subscriptions/{kind}/[A-Za-z0-9_-]+)");
        Assert.True(match.Success, $"no {kind} link in: {mail.Message.TextBody}");
        return match.Groups[1].Value;
    }

    internal static async Task<JsonElement> SubscriberAsync(HttpClient admin, string address) =>
        (await admin.GetFromJsonAsync<JsonElement>("/api/v1/status-pages/acme/subscribers")).GetProperty("items").EnumerateArray().Single(s => s.GetProperty("address").GetString() == address);
}
