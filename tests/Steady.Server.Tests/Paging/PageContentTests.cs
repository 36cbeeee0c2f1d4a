using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Steady.Server.Tests.Notify;

namespace Steady.Server.Tests.Paging;

/// <summary>
/// What a monitoring tool says about an alert beyond its summary — Alertmanager's description and other
/// annotations, PagerDuty's custom_details, Grafana's message, a generic alert's details — arrives
/// through the real intake formats and reaches the page (email and webhook), the page its acknowledge
/// link opens, and the alert's page in the console.
/// </summary>
public sealed class PageContentTests
{
    private const string Description = "/var on web-1 is 99% full; writes fail in about 10 minutes. Free space with 'journalctl --vacuum-size=1G'.";

    [Fact]
    public async Task AnAlertmanagerDescriptionAndItsOtherAnnotationsReachTheEmailTheWebhookTheLinkPageAndTheAlertsPage()
    {
        await using var smtp = await SmtpSink.StartAsync();
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync(b => EscalationTests.Smtp(b, smtp.Port));
        var world = await PagingWorld.CreateAsync(host, hooks, email: true);

        var fired = await host.Anonymous().PostAsJsonAsync($"/intake/{world.Key}/alertmanager", new
        {
            version = "4",
            groupKey = "{}:{alertname=\"DiskFull\"}",
            status = "firing",
            receiver = "steady",
            alerts = new[]
            {
                new
                {
                    status = "firing",
                    labels = new Dictionary<string, string> { ["alertname"] = "DiskFull", ["severity"] = "critical", ["instance"] = "web-1" },
                    annotations = new Dictionary<string, string>
                    {
                        ["summary"] = "Disk full on web-1",
                        ["description"] = Description,
                        ["runbook_url"] = "https://wiki.example.com/runbooks/disk",
                        ["value"] = "99.2",
                    },
                    startsAt = "2026-11-24T09:00:00Z",
                    fingerprint = "d15c000000000001",
                },
            },
        }, TestContext.Current.CancellationToken);
        fired.EnsureSuccessStatusCode();
        await PagingWorld.EventuallyAsync(() => smtp.Received().Count == 1 && hooks.Requests.Count == 1, "the email and the webhook");

        var mail = smtp.Received()[0].Message;
        Assert.Contains(Description, mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("value: 99.2", mail.TextBody, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(mail.TextBody!, "Disk full on web-1")); // said once, not twice
        Assert.Contains(Description, System.Net.WebUtility.HtmlDecode(mail.HtmlBody), StringComparison.Ordinal);
        Assert.Contains("https://wiki.example.com/runbooks/disk", mail.TextBody, StringComparison.Ordinal); // the runbook is a link, not a field
        Assert.DoesNotContain("runbook_url", mail.TextBody, StringComparison.Ordinal);
        var hook = hooks.Requests[0].Json();
        Assert.Equal(Description, hook.GetProperty("description").GetString());
        Assert.Equal("99.2", hook.GetProperty("details").GetProperty("value").GetString());

        // The acknowledge link's page and the alert's page say it too.
        var ackUrl = new Uri(hook.GetProperty("ackUrl").GetString()!);
        var browser = new ConsoleClient(host);
        var linkPage = await browser.GetPageAsync(ackUrl.PathAndQuery);
        Assert.Contains(Description, System.Net.WebUtility.HtmlDecode(linkPage), StringComparison.Ordinal);
        Assert.Contains("<dt>value</dt><dd>99.2</dd>", linkPage, StringComparison.Ordinal);
        (await host.Admin().PutAsJsonAsync("/api/v1/users/admin@steady.local/password", new { newPassword = "page content password 1234" }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        var admin = new ConsoleClient(host);
        await admin.SignInAsync("admin@steady.local", "page content password 1234");
        var alertId = (await world.AlertAsync()).GetProperty("id").GetGuid();
        var alertPage = await admin.GetPageAsync($"/alerts/{alertId}");
        Assert.Contains($"<p class=\"description\">{Description}</p>", System.Net.WebUtility.HtmlDecode(alertPage), StringComparison.Ordinal);
        Assert.Contains("<dt>value</dt><dd>99.2</dd>", alertPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PagerDutyCustomDetailsGrafanasMessageAndGenericDetailsReachTheirPages()
    {
        using var hooks = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var pagerDuty = await PagingWorld.CreateAsync(host, hooks, people: ["pd", "pd2"]);
        var grafana = await PagingWorld.CreateAsync(host, hooks, people: ["gf", "gf2"]);
        var generic = await PagingWorld.CreateAsync(host, hooks, people: ["gn", "gn2"]);

        (await host.Anonymous().PostAsJsonAsync("/v2/enqueue", new
        {
            routing_key = pagerDuty.Key,
            event_action = "trigger",
            dedup_key = "pay-5xx",
            payload = new { summary = "Payments 5xx rate 12%", source = "lb-1", severity = "critical", custom_details = new { rate = 0.12, region = "eu-west" } },
        }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        (await host.Anonymous().PostAsJsonAsync($"/intake/{grafana.Key}/grafana", new
        {
            ruleId = 7, ruleName = "CPU hot", state = "alerting", title = "[Alerting] CPU hot",
            message = "CPU above 95% for 10 minutes on the checkout hosts.", evalMatches = new[] { new { metric = "cpu", value = 97 } },
        }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        (await host.Anonymous().PostAsJsonAsync($"/intake/{generic.Key}/generic", new
        {
            summary = "Backup failed", severity = "critical", dedup_key = "backup", details = new { description = "pg_dump exited 1: disk quota exceeded", exit = 1 },
        }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

        await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 3, "the three pages");
        JsonElement PageTo(string person) => hooks.Requests.Single(r => r.PathAndQuery == "/" + person).Json();
        var pd = PageTo("pd");
        Assert.Equal(JsonValueKind.Null, pd.GetProperty("description").ValueKind);
        Assert.Equal("0.12", pd.GetProperty("details").GetProperty("rate").GetString());
        Assert.Equal("eu-west", pd.GetProperty("details").GetProperty("region").GetString());
        var gf = PageTo("gf");
        Assert.Equal("CPU above 95% for 10 minutes on the checkout hosts.", gf.GetProperty("description").GetString());
        Assert.Equal("[{\"metric\":\"cpu\",\"value\":97}]", gf.GetProperty("details").GetProperty("evalMatches").GetString());
        var gn = PageTo("gn");
        Assert.Equal("pg_dump exited 1: disk quota exceeded", gn.GetProperty("description").GetString());
        Assert.Equal("1", gn.GetProperty("details").GetProperty("exit").GetString());
    }
}
