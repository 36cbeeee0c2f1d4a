using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Steady.Server.Tests.Alerts;

public sealed class IntakeFormatsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly SteadyHost _host = fixture.Host;

    [Fact]
    public async Task AnAlertmanagerWebhookCreatesOneAlertPerAlertAndRepeatsOnlyCount()
    {
        var world = await AlertWorld.CreateAsync(_host);
        var first = await world.PostAsync("alertmanager", AlertWorld.Alertmanager("firing", ("DiskFull", "aaaa000000000001"), ("HighLoad", "aaaa000000000002")));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        (await world.PostAsync("alertmanager", AlertWorld.Alertmanager("firing", ("DiskFull", "aaaa000000000001")))).EnsureSuccessStatusCode();

        var alerts = await world.AlertsAsync();
        Assert.Equal(2, alerts.Count);
        var disk = alerts.Single(a => a.GetProperty("dedupKey").GetString() == "aaaa000000000001");
        Assert.Equal(2, disk.GetProperty("eventCount").GetInt32());
        Assert.Equal("DiskFull on db1", disk.GetProperty("summary").GetString());
        Assert.Equal("critical", disk.GetProperty("severity").GetString());
        Assert.Equal("db1:9100", disk.GetProperty("source").GetString());
        Assert.Equal("DiskFull", disk.GetProperty("labels").GetProperty("alertname").GetString());
        Assert.Contains(disk.GetProperty("links").EnumerateArray(), l => l.GetProperty("href").GetString() == "http://prometheus.example.com:9090/graph");
        Assert.Single(alerts.Select(a => a.GetProperty("groupId").GetString()).Distinct());
    }

    [Fact]
    public async Task AResolvedAlertThatFiresAgainOpensANewOccurrenceLinkedToThePrevious()
    {
        var world = await AlertWorld.CreateAsync(_host);
        (await world.PostAsync("alertmanager", AlertWorld.Alertmanager("firing", ("Down", "bbbb000000000001")))).EnsureSuccessStatusCode();
        (await world.PostAsync("alertmanager", AlertWorld.Alertmanager("resolved", ("Down", "bbbb000000000001")))).EnsureSuccessStatusCode();
        var resolved = await world.AlertAsync("bbbb000000000001", "resolved");
        Assert.Equal("Alertmanager", resolved.GetProperty("resolvedBy").GetString());

        (await world.PostAsync("alertmanager", AlertWorld.Alertmanager("firing", ("Down", "bbbb000000000001")))).EnsureSuccessStatusCode();

        var reopened = await world.AlertAsync("bbbb000000000001");
        Assert.Equal(2, reopened.GetProperty("occurrence").GetInt32());
        Assert.Equal(resolved.GetProperty("id").GetString(), reopened.GetProperty("previousId").GetString());
        var detail = await world.DetailAsync(reopened.GetProperty("id").GetString()!);
        Assert.Equal(2, detail.GetProperty("occurrences").GetArrayLength());
        Assert.Contains(detail.GetProperty("history").EnumerateArray(), e => e.GetProperty("kind").GetString() == "reopened");
    }

    [Fact]
    public async Task APagerDutyClientTriggersAcknowledgesAndResolvesByDedupKey()
    {
        var world = await AlertWorld.CreateAsync(_host);
        var trigger = await world.PostAsync("events", new
        {
            routing_key = world.Key,
            event_action = "trigger",
            payload = new { summary = "Checkout latency above 2 s", source = "checkout-1", severity = "error", component = "checkout", group = "web", @class = "latency", custom_details = new { p99 = 2.4 } },
            links = new[] { new { href = "https://grafana.example.com/d/checkout", text = "Dashboard" } },
            images = new[] { new { src = "https://grafana.example.com/render/checkout.png", alt = "p99" } },
        });
        Assert.Equal(HttpStatusCode.Accepted, trigger.StatusCode);
        var answer = await trigger.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("success", answer.GetProperty("status").GetString());
        Assert.Equal("Event processed", answer.GetProperty("message").GetString());
        var dedupKey = answer.GetProperty("dedup_key").GetString()!;
        Assert.False(string.IsNullOrEmpty(dedupKey));

        var alert = await world.AlertAsync(dedupKey);
        Assert.Equal("error", alert.GetProperty("severity").GetString());
        Assert.Equal("checkout", alert.GetProperty("labels").GetProperty("component").GetString());
        Assert.Equal(2.4, alert.GetProperty("details").GetProperty("p99").GetDouble());
        Assert.Equal(2, alert.GetProperty("links").GetArrayLength());

        (await world.PostAsync("events", new { routing_key = world.Key, event_action = "acknowledge", dedup_key = dedupKey })).EnsureSuccessStatusCode();
        Assert.Equal("acknowledged", (await world.AlertAsync(dedupKey)).GetProperty("status").GetString());

        var resolve = await _host.Anonymous().PostAsJsonAsync("/v2/enqueue", new { routing_key = world.Key, event_action = "resolve", dedup_key = dedupKey });
        Assert.Equal(HttpStatusCode.Accepted, resolve.StatusCode);
        Assert.Equal(dedupKey, (await resolve.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dedup_key").GetString());
        Assert.Equal("resolved", (await world.AlertAsync(dedupKey, "resolved")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task TheDropInEnqueueEndpointFindsTheServiceByRoutingKey()
    {
        var world = await AlertWorld.CreateAsync(_host);
        var response = await _host.Anonymous().PostAsJsonAsync("/v2/enqueue", new
        {
            routing_key = world.Key,
            event_action = "trigger",
            dedup_key = "disk-db2",
            payload = new { summary = "Disk 95% on db2", source = "db2", severity = "warning" },
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("warning", (await world.AlertAsync("disk-db2")).GetProperty("severity").GetString());
    }

    [Fact]
    public async Task TheGenericFormatTakesOneAlertOrManyAndResolvesByDedupKey()
    {
        var world = await AlertWorld.CreateAsync(_host);
        (await world.PostAsync("generic", new { summary = "Backup failed", severity = "critical", dedup_key = "backup", labels = new { host = "db1" }, details = new { exit = 2 }, links = new[] { new { href = "https://ci.example.com/1" } } })).EnsureSuccessStatusCode();
        (await world.PostAsync("generic", new object[] { new { summary = "Queue deep", labels = new { queue = "mail" } }, new { summary = "Queue deep", labels = new { queue = "sms" } } })).EnsureSuccessStatusCode();
        Assert.Equal(3, (await world.AlertsAsync("&status=open")).Count);

        (await world.PostAsync("generic", new { dedup_key = "backup", status = "resolved" })).EnsureSuccessStatusCode();
        Assert.Equal("resolved", (await world.AlertAsync("backup", "resolved")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task GrafanaUnifiedAndLegacyAlertsAreBothUnderstood()
    {
        var world = await AlertWorld.CreateAsync(_host);
        var unified = new
        {
            receiver = "steady",
            status = "firing",
            orgId = 1,
            alerts = new[]
            {
                new
                {
                    status = "firing",
                    labels = new { alertname = "HighErrorRate", grafana_folder = "Checkout", severity = "warning" },
                    annotations = new { summary = "Error rate 7%" },
                    startsAt = "2026-11-24T09:00:00Z",
                    endsAt = "0001-01-01T00:00:00Z",
                    generatorURL = "https://grafana.example.com/alerting/grafana/x/view",
                    fingerprint = "cccc000000000001",
                    dashboardURL = "https://grafana.example.com/d/x",
                    panelURL = "https://grafana.example.com/d/x?viewPanel=2",
                    silenceURL = "https://grafana.example.com/alerting/silence/new",
                    valueString = "[ var='A' value=7 ]",
                },
            },
            externalURL = "https://grafana.example.com/",
            version = "1",
            title = "[FIRING:1] HighErrorRate",
            state = "alerting",
            message = "Error rate 7%",
        };
        (await world.PostAsync("grafana", unified)).EnsureSuccessStatusCode();
        var legacy = new { ruleId = 7, ruleName = "CPU hot", state = "alerting", title = "[Alerting] CPU hot", ruleUrl = "https://grafana.example.com/d/cpu", evalMatches = new[] { new { metric = "cpu", value = 97 } } };
        (await world.PostAsync("grafana", legacy)).EnsureSuccessStatusCode();

        var alerts = await world.AlertsAsync("&status=open");
        Assert.Contains(alerts, a => a.GetProperty("summary").GetString() == "Error rate 7%" && a.GetProperty("format").GetString() == "grafana");
        Assert.Contains(alerts, a => a.GetProperty("dedupKey").GetString() == "grafana-rule-7");

        (await world.PostAsync("grafana", new { ruleId = 7, ruleName = "CPU hot", state = "ok" })).EnsureSuccessStatusCode();
        Assert.Equal("resolved", (await world.AlertAsync("grafana-rule-7", "resolved")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task ARevokedOrUnknownKeyIsRefusedWith404()
    {
        var world = await AlertWorld.CreateAsync(_host);
        var keys = await _host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/services/{world.Service}/integration-keys");
        var id = keys[0].GetProperty("id").GetString();
        (await _host.Admin().DeleteAsync($"/api/v1/services/{world.Service}/integration-keys/{id}")).EnsureSuccessStatusCode();

        var revoked = await world.PostAsync("generic", new { summary = "x" });
        Assert.Equal(HttpStatusCode.NotFound, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Anonymous().PostAsJsonAsync("/intake/0123456789abcdef0123456789abcdef/generic", new { summary = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Anonymous().PostAsJsonAsync("/v2/enqueue", new { routing_key = "nope", event_action = "trigger" })).StatusCode);
    }
}
