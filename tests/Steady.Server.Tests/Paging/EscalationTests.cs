using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.TestHost;
using Steady.Server.Tests.Notify;
using Steady.Core.Paging;
using Steady.Server.Features.Setup;

namespace Steady.Server.Tests.Paging;

/// <summary>
/// The engine end to end under a controlled clock: an alert from Alertmanager pages the on-call
/// person by email (a real SMTP server) and webhook (a loopback receiver checking the signature),
/// escalates after the wait, and stops when the signed link in the email is used.
/// </summary>
public sealed partial class EscalationTests
{
    [Fact]
    public async Task AnAlertPagesTheOnCallPersonEscalatesWithoutAnAckAndStopsWhenTheEmailedLinkIsUsed()
    {
        await using var smtp = await SmtpSink.StartAsync();
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync(b => Smtp(b, smtp.Port));
        var world = await PagingWorld.CreateAsync(host, hooks, email: true);

        await world.FireAsync("HighErrorRate", "critical");

        // Step 1: the primary's email and webhook, at once.
        await PagingWorld.EventuallyAsync(() => smtp.Received().Count == 1 && hooks.Requests.Count == 1, "step 1's email and webhook");
        var mail = Assert.Single(smtp.Received());
        Assert.Equal(["ann@example.test"], mail.RcptTo);
        Assert.StartsWith("[CRITICAL] " + world.Service + ": ", mail.Message.Subject, StringComparison.Ordinal);
        var hook = Assert.Single(hooks.Requests);
        Assert.Equal("/ann", hook.PathAndQuery);
        var key = hook.Header("Idempotency-Key")!;
        Assert.StartsWith("dlv-", key, StringComparison.Ordinal);
        Assert.Equal(key, hook.Header("X-Steady-Delivery"));
        var timestamp = hook.Header("X-Steady-Timestamp")!;
        using (var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(PagingWorld.Secret)))
        {
            var expected = "sha256=" + Convert.ToHexStringLower(hmac.ComputeHash(Encoding.UTF8.GetBytes(timestamp + ".").Concat(hook.Body).ToArray()));
            Assert.Equal(expected, hook.Header("X-Steady-Signature"));
        }
        var body = hook.Json();
        Assert.Equal("page", body.GetProperty("kind").GetString());
        Assert.Equal(world.Service, body.GetProperty("service").GetString());
        Assert.Equal(key, body.GetProperty("idempotencyKey").GetString());
        Assert.Contains("/ack/", body.GetProperty("ackUrl").GetString(), StringComparison.Ordinal);

        var alert = await world.AlertAsync();
        var alertId = alert.GetProperty("id").GetGuid();
        var view = await world.NotificationsAsync(alertId);
        var escalation = view.GetProperty("escalation");
        Assert.Equal("active", escalation.GetProperty("state").GetString());
        Assert.Equal(2, escalation.GetProperty("nextStep").GetInt32());
        Assert.Equal(host.Clock.GetUtcNow().AddMinutes(5), escalation.GetProperty("nextEscalationAt").GetDateTimeOffset());
        Assert.All(view.GetProperty("deliveries").EnumerateArray(), d => Assert.Equal("sent", d.GetProperty("state").GetString()));

        // No acknowledgement: after the wait, step 2 pages the secondary.
        await host.AdvanceAsync(TimeSpan.FromMinutes(4));
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Single(hooks.Requests);
        await host.AdvanceAsync(TimeSpan.FromMinutes(1));
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 2 && smtp.Received().Count == 2, "step 2's webhook and email");
        Assert.Equal("/ben", hooks.Requests[1].PathAndQuery);
        Assert.NotEqual(key, hooks.Requests[1].Header("Idempotency-Key"));

        // The primary acknowledges through the link in the email: GET shows, POST acts.
        var ackUrl = new Uri(AckLine().Match(mail.Message.TextBody!).Groups[1].Value);
        var resolveUrl = new Uri(ResolveLine().Match(mail.Message.TextBody!).Groups[1].Value);
        var browser = new ConsoleClient(host);
        var page = await browser.GetPageAsync(ackUrl.PathAndQuery);
        Assert.Contains("HighErrorRate", page, StringComparison.Ordinal);
        Assert.Contains(">Acknowledge</button>", page, StringComparison.Ordinal);
        Assert.Equal("triggered", (await world.AlertAsync()).GetProperty("status").GetString()); // GET did nothing
        var acked = await browser.PostFormAsync(ackUrl.PathAndQuery, ackUrl.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, acked.StatusCode);
        Assert.Contains("Acknowledged 1 alert", await acked.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        alert = await world.AlertAsync();
        Assert.Equal("acknowledged", alert.GetProperty("status").GetString());
        Assert.StartsWith("ann-", alert.GetProperty("acknowledgedBy").GetString(), StringComparison.Ordinal);
        Assert.Equal("acknowledged", (await world.NotificationsAsync(alertId)).GetProperty("escalation").GetProperty("state").GetString());

        // The audit log names the person the link was sent to.
        var audit = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/audit?entityType=alert&entityId={alertId}", TestContext.Current.CancellationToken);
        var entry = Assert.Single(audit.GetProperty("items").EnumerateArray());
        Assert.Equal("acknowledged", entry.GetProperty("action").GetString());
        Assert.Matches("^ann-.* \\(link\\)$", entry.GetProperty("actorName").GetString());
        Assert.Equal(JsonValueKind.String, entry.GetProperty("actorId").ValueKind);

        // Escalation stopped: the policy's repeat and later steps never come.
        await host.AdvanceAsync(TimeSpan.FromMinutes(30));
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Equal(2, hooks.Requests.Count);
        Assert.Equal(2, smtp.Received().Count);

        // A used link is refused; so is an expired one.
        var reopened = await browser.GetAsync(ackUrl.PathAndQuery);
        Assert.Equal(HttpStatusCode.Gone, reopened.StatusCode);
        var again = await browser.PostFormFromAsync(page, ackUrl.PathAndQuery);
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        Assert.Contains("already used", await again.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        await host.AdvanceAsync(TimeSpan.FromHours(24));
        var expired = await browser.GetAsync(resolveUrl.PathAndQuery);
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Contains("expired", await expired.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal("acknowledged", (await world.AlertAsync()).GetProperty("status").GetString());

        // A forged link is not a link.
        var forged = await browser.GetAsync(ackUrl.PathAndQuery[..^3] + (ackUrl.PathAndQuery.EndsWith("AAA", StringComparison.Ordinal) ? "BBB" : "AAA"));
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);

        // The console's alert page shows every notification and the escalation.
        var admin = new ConsoleClient(host);
        await admin.SignInAsync("admin@steady.local", await SetAdminPasswordAsync(host));
        var detail = await admin.GetPageAsync($"/alerts/{alertId}");
        Assert.Contains("<h2>Paging</h2>", detail, StringComparison.Ordinal);
        Assert.Contains("work email", detail, StringComparison.Ordinal);
        Assert.Contains("delivery-sent", detail, StringComparison.Ordinal);

        var metrics = await host.Anonymous().GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Contains("steady_pages_sent_total{channel=\"webhook\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("steady_escalation_lateness_seconds_bucket", metrics, StringComparison.Ordinal);
        Assert.Contains("steady_outbox_depth", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InTheDemoAnAlertmanagerAlertPagesTheOnCallEngineerByEmailAndWebhookThenTheSecondary()
    {
        await using var smtp = await SmtpSink.StartAsync();
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync(b =>
        {
            b.UseSetting("Steady:Demo", "true");
            Smtp(b, smtp.Port);
        });
        var admin = host.Admin();
        var oncall = await admin.GetFromJsonAsync<JsonElement>("/api/v1/oncall", TestContext.Current.CancellationToken);
        string EmailOf(string schedule) => oncall.EnumerateArray().Single(o => o.GetProperty("schedule").GetString() == schedule).GetProperty("email").GetString()!;
        var (primary, secondary) = (EmailOf("primary_engineer"), EmailOf("secondary_engineer"));

        // The demo's own payments-api alert paged the primary by email when it loaded; clear it to start afresh.
        await PagingWorld.EventuallyAsync(() => smtp.Received().Count == 1, "the demo alert's page");
        Assert.Equal([primary], smtp.Received()[0].RcptTo);
        var demoAlert = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/alerts?service=payments-api&status=open", TestContext.Current.CancellationToken)).GetProperty("items")[0];
        (await admin.PostAsJsonAsync($"/api/v1/alerts/{demoAlert.GetProperty("id").GetGuid()}/resolve", new { })).EnsureSuccessStatusCode();
        await host.AdvanceAsync(TimeSpan.FromMinutes(10)); // past the group window and the bundle window

        var primaryId = oncall.EnumerateArray().Single(o => o.GetProperty("schedule").GetString() == "primary_engineer").GetProperty("userId").GetGuid();
        var hook = await PagingWorld.IdAsync(await admin.PostAsJsonAsync($"/api/v1/users/{primaryId}/contact-methods", new { kind = "webhook", label = "pager", address = hooks.Url("primary") }));
        (await admin.PostAsJsonAsync($"/api/v1/users/{primaryId}/notification-rules", new { contactMethodId = hook, delayMinutes = 0 })).EnsureSuccessStatusCode();
        var keys = await admin.GetFromJsonAsync<JsonElement>("/api/v1/services/payments-api/integration-keys", TestContext.Current.CancellationToken);
        var key = keys[0].GetProperty("key").GetString();
        (await host.Anonymous().PostAsJsonAsync($"/intake/{key}/alertmanager", Steady.Server.Tests.Alerts.AlertWorld.Alertmanager("firing", ("PaymentsDown", "dd00000000000001")), TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

        await PagingWorld.EventuallyAsync(() => smtp.Received().Count == 2 && hooks.Requests.Count == 1, "the primary's email and webhook");
        Assert.Equal([primary], smtp.Received()[1].RcptTo);
        await host.AdvanceAsync(TimeSpan.FromMinutes(5));
        await PagingWorld.EventuallyAsync(() => smtp.Received().Count == 3, "the secondary's email");
        Assert.Equal([secondary], smtp.Received()[2].RcptTo);
        var alert = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/alerts?service=payments-api&status=open", TestContext.Current.CancellationToken)).GetProperty("items")[0];
        (await admin.PostAsJsonAsync($"/api/v1/alerts/{alert.GetProperty("id").GetGuid()}/ack", new { })).EnsureSuccessStatusCode();
        await host.AdvanceAsync(TimeSpan.FromMinutes(10)); // the manager's step would have come
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Equal(3, smtp.Received().Count);
    }

    [Fact]
    public async Task ResolvingStopsEscalationAndCancelsDeliveriesNotYetSent()
    {
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var world = await PagingWorld.CreateAsync(host, hooks);
        // Ann also wants a second page two minutes later.
        var ann = world.People["ann"];
        var later = await PagingWorld.IdAsync(await host.Admin().PostAsJsonAsync($"/api/v1/users/{ann}/contact-methods", new { kind = "webhook", label = "backup", address = hooks.Url("ann-later") }));
        (await host.Admin().PostAsJsonAsync($"/api/v1/users/{ann}/notification-rules", new { contactMethodId = later, delayMinutes = 2 })).EnsureSuccessStatusCode();

        await world.FireAsync();
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 1, "the first page");
        var alertId = (await world.AlertAsync()).GetProperty("id").GetGuid();
        (await host.Admin().PostAsJsonAsync($"/api/v1/alerts/{alertId}/resolve", new { note = "rolled back" })).EnsureSuccessStatusCode();

        var view = await world.NotificationsAsync(alertId);
        Assert.Equal("resolved", view.GetProperty("escalation").GetProperty("state").GetString());
        var pending = Assert.Single(view.GetProperty("deliveries").EnumerateArray(), d => d.GetProperty("target").GetString() == "backup");
        Assert.Equal("cancelled", pending.GetProperty("state").GetString());
        Assert.Contains("resolved by", pending.GetProperty("error").GetString(), StringComparison.Ordinal);
        await host.AdvanceAsync(TimeSpan.FromMinutes(15));
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Single(hooks.Requests);
    }

    [Fact]
    public async Task LowUrgencyWaitsForBusinessHoursWhileHighUrgencyPagesAtOnce()
    {
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var world = await PagingWorld.CreateAsync(host, hooks, service: new
        {
            urgency = "severity",
            businessHours = new { timeZone = "Europe/Berlin", days = new[] { "monday", "tuesday", "wednesday", "thursday", "friday" }, start = "09:00", end = "17:00" },
        });
        // Tuesday 2026-11-24, 18:30 in Berlin: after hours.
        await host.SetClockAsync(new DateTimeOffset(2026, 11, 24, 17, 30, 0, TimeSpan.Zero));

        await world.FireAsync("DiskFillingSlowly", "warning");
        var alertId = (await world.AlertAsync()).GetProperty("id").GetGuid();
        var escalation = await PagingWorld.EventuallyAsync(async () =>
        {
            var e = (await world.NotificationsAsync(alertId)).GetProperty("escalation");
            return e.GetProperty("note").ValueKind == JsonValueKind.String ? e : (JsonElement?)null;
        }, "the run to wait for business hours");
        Assert.Equal("low", escalation.GetProperty("urgency").GetString());
        Assert.Contains("business hours (Mon–Fri 09:00–17:00 Europe/Berlin)", escalation.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero), escalation.GetProperty("nextEscalationAt").GetDateTimeOffset());
        Assert.Empty(hooks.Requests);

        // A critical alert on another group of the same service pages now.
        (await host.Admin().PatchAsJsonAsync($"/api/v1/services/{world.ServiceId}", new { groupBy = new[] { "alertname" } })).EnsureSuccessStatusCode();
        await world.FireAsync("CheckoutDown", "critical");
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 1, "the high-urgency page");
        Assert.Contains("CheckoutDown", hooks.Requests[0].Json().GetProperty("title").GetString(), StringComparison.Ordinal);

        // Wednesday 09:00 Berlin: the low-urgency page goes out.
        await host.SetClockAsync(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero));
        // (The critical group's step 2 falls due too, and pages the secondary.)
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Any(r => r.PathAndQuery == "/ann" && r.Text.Contains("DiskFillingSlowly", StringComparison.Ordinal)), "the low-urgency page in business hours");
    }

    [Fact]
    public async Task AnAcknowledgedAlertNobodyResolvesReTriggersAfterTheAcknowledgementTimeout()
    {
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var world = await PagingWorld.CreateAsync(host, hooks, service: new { ackTimeoutSeconds = 1800 });
        await world.FireAsync();
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 1, "the first page");
        var alertId = (await world.AlertAsync()).GetProperty("id").GetGuid();
        (await host.Admin().PostAsJsonAsync($"/api/v1/alerts/{alertId}/ack", new { })).EnsureSuccessStatusCode();
        var escalation = (await world.NotificationsAsync(alertId)).GetProperty("escalation");
        Assert.Equal("acknowledged", escalation.GetProperty("state").GetString());

        await host.AdvanceAsync(TimeSpan.FromMinutes(29));
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Single(hooks.Requests);
        await host.AdvanceAsync(TimeSpan.FromMinutes(1));
        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 2, "the page after the acknowledgement timed out");
        Assert.Equal("/ann", hooks.Requests[1].PathAndQuery);
        var alert = await world.AlertAsync();
        Assert.Equal("triggered", alert.GetProperty("status").GetString());
        var detail = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/alerts/{alertId}", TestContext.Current.CancellationToken);
        Assert.Contains(detail.GetProperty("history").EnumerateArray(), e => e.GetProperty("kind").GetString() == "retriggered");
        Assert.Equal("active", (await world.NotificationsAsync(alertId)).GetProperty("escalation").GetProperty("state").GetString());
    }

    [Fact]
    public async Task ATeamRoundRobinPagesTheNextMemberEachTime()
    {
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var world = await PagingWorld.CreateAsync(host, hooks, service: new { groupBy = new[] { "alertname" } }, people: ["ann", "ben", "cat"],
            policy: null);
        var policy = await PagingWorld.IdAsync(await host.Admin().PostAsJsonAsync("/api/v1/escalation-policies", new
        {
            name = "round-" + suffix,
            team = world.TeamName,
            escalation_chain = new[] { new { notify = "team:" + world.TeamName, wait = "5m" } },
        }));
        (await host.Admin().PatchAsJsonAsync($"/api/v1/services/{world.ServiceId}", new { escalationPolicy = policy.ToString() })).EnsureSuccessStatusCode();

        for (var i = 1; i <= 4; i++)
        {
            await world.FireAsync("Alert" + i, "critical");
            await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == i, $"page {i}");
            await host.AdvanceAsync(TimeSpan.FromMinutes(2)); // past the bundle window, so each page is its own message
        }
        Assert.Equal(["/ann", "/ben", "/cat", "/ann"], hooks.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task GroupsThatFallDueTogetherStepInOneClaimEachPagingTheNextMemberInTurn()
    {
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var world = await PagingWorld.CreateAsync(host, hooks, service: new { groupBy = new[] { "alertname" } }, people: ["ann", "ben", "cat"],
            policy: null);
        var policy = await PagingWorld.IdAsync(await host.Admin().PostAsJsonAsync("/api/v1/escalation-policies", new
        {
            name = "round-" + suffix,
            team = world.TeamName,
            escalation_chain = new object[]
            {
                new { notify = "team:" + world.TeamName, wait = "5m" },
                new { notify = $"secondary-{world.Suffix}" },
            },
        }));
        (await host.Admin().PatchAsJsonAsync($"/api/v1/services/{world.ServiceId}", new { escalationPolicy = policy.ToString() })).EnsureSuccessStatusCode();

        // Nine groups opened by one request: their runs fall due at the same instant and are claimed together.
        await world.FireAsync(Enumerable.Range(1, 9).Select(i => ($"Alert{i}", $"f-{suffix}-{i}", "critical", "api-1:9100")).ToArray());
        var alerts = (await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/alerts?service={world.Service}&limit=50", TestContext.Current.CancellationToken))
            .GetProperty("items").EnumerateArray().Select(a => a.GetProperty("id").GetGuid()).ToList();
        Assert.Equal(9, alerts.Count);
        async Task<List<DeliveryView>> DeliveriesAsync()
        {
            var all = new List<DeliveryView>();
            foreach (var id in alerts)
                all.AddRange((await world.NotificationsAsync(id)).GetProperty("deliveries").EnumerateArray()
                    .Select(d => new DeliveryView(id, d.GetProperty("userId").GetGuid(), d.GetProperty("step").GetInt32(), d.GetProperty("state").GetString()!)));
            return all;
        }
        await PagingWorld.EventuallyAsync(async () => (await DeliveriesAsync()).Count(d => d.State == "sent") == 9, "one sent page per group");
        var first = await DeliveriesAsync();
        Assert.All(first, d => Assert.Equal(1, d.Step)); // steps are numbered from 1
        Assert.Equal(9, first.Select(d => d.Alert).Distinct().Count());
        // The team's turn moved on once per group, inside the one transaction: three pages each.
        Assert.All(world.People.Values, person => Assert.Equal(3, first.Count(d => d.User == person)));

        // Nobody acknowledged: all nine escalate together to the secondary (ben), once each.
        await host.AdvanceAsync(TimeSpan.FromMinutes(5));
        await PagingWorld.EventuallyAsync(async () => (await DeliveriesAsync()).Count(d => d.Step == 2 && d.State == "sent") == 9, "the second step of every group");
        var second = (await DeliveriesAsync()).Where(d => d.Step == 2).ToList();
        Assert.All(second, d => Assert.Equal(world.People["ben"], d.User));
        Assert.Equal(9, second.Select(d => d.Alert).Distinct().Count());
    }

    private sealed record DeliveryView(Guid Alert, Guid User, int Step, string State);

    [Fact]
    public async Task AnAlertOnAServiceWithoutAPolicyPagesNobodyAndSaysSo()
    {
        await using var host = await SteadyHost.StartAsync();
        var world = await Steady.Server.Tests.Alerts.AlertWorld.CreateAsync(host);
        (await world.PostAsync("generic", new { summary = "nobody listens", dedup_key = "n1" })).EnsureSuccessStatusCode();
        var alert = await world.AlertAsync("n1");
        var view = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/alerts/{alert.GetProperty("id").GetGuid()}/notifications", TestContext.Current.CancellationToken);
        Assert.Equal(JsonValueKind.Null, view.GetProperty("escalation").ValueKind);
        Assert.Equal("Nobody is paged: the service has no escalation policy.", view.GetProperty("paging").GetString());
        Assert.Empty(view.GetProperty("deliveries").EnumerateArray());
    }

    internal static void Smtp(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder, int port)
    {
        builder.UseSetting("Steady:Smtp:Host", "127.0.0.1");
        builder.UseSetting("Steady:Smtp:Port", port.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Steady:Smtp:Security", "none");
        builder.UseSetting("Steady:Smtp:From", "Steady <steady@example.test>");
    }

    internal static async Task<string> SetAdminPasswordAsync(SteadyHost host)
    {
        const string password = "paging test password 1234";
        (await host.Admin().PutAsJsonAsync("/api/v1/users/admin@steady.local/password", new { newPassword = password })).EnsureSuccessStatusCode();
        return password;
    }

    [GeneratedRegex(@"Acknowledge: (\S+)")]
    private static partial Regex AckLine();

    [GeneratedRegex(@"Resolve: (\S+)")]
    private static partial Regex ResolveLine();
}
