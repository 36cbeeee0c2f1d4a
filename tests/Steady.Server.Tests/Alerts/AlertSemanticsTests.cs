using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Steady.Server.Tests.Alerts;

public sealed class AlertSemanticsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly SteadyHost _host = fixture.Host;

    [Fact]
    public async Task AStormOfFiveHundredAlertsBecomesOneGroup()
    {
        // Five requests of one Alertmanager group (one groupKey): by default, Alertmanager's own group is Steady's.
        var world = await AlertWorld.CreateAsync(_host);
        var sends = Enumerable.Range(0, 5).Select(batch => world.PostAsync("alertmanager",
            AlertWorld.Alertmanager("firing", Enumerable.Range(0, 100).Select(i => ($"Storm{batch}-{i}", $"{batch:x4}{i:x12}")).ToArray())));
        foreach (var response in await Task.WhenAll(sends))
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var alerts = await world.AlertsAsync();
        Assert.Equal(500, alerts.Count);
        var group = Assert.Single(alerts.Select(a => a.GetProperty("groupId").GetString()).Distinct());
        var detail = await world.DetailAsync(alerts[0].GetProperty("id").GetString()!);
        Assert.Equal(500, detail.GetProperty("group").GetProperty("alertCount").GetInt32());
        Assert.Equal(500, detail.GetProperty("group").GetProperty("openCount").GetInt32());
        Assert.Equal(group, detail.GetProperty("group").GetProperty("id").GetString());
    }

    [Fact]
    public async Task AlertsAreGroupedByTheServicesGroupingLabels()
    {
        var world = await AlertWorld.CreateAsync(_host, new { groupBy = new[] { "cluster" } });
        foreach (var (cluster, n) in new[] { ("eu-1", 1), ("eu-1", 2), ("us-1", 3) })
            (await world.PostAsync("generic", new { summary = $"Node {n} down", labels = new { cluster, node = n.ToString() } })).EnsureSuccessStatusCode();
        var alerts = await world.AlertsAsync();
        var groups = alerts.GroupBy(a => a.GetProperty("groupId").GetString()).Select(g => g.Count()).OrderBy(c => c).ToList();
        Assert.Equal([1, 2], groups);
        var eu = await world.DetailAsync(alerts.First(a => a.GetProperty("labels").GetProperty("cluster").GetString() == "eu-1").GetProperty("id").GetString()!);
        Assert.Equal("cluster=eu-1", eu.GetProperty("group").GetProperty("title").GetString());
    }

    [Fact]
    public async Task OneBatchFindsEachAlertsGroupAmongManyOpenOnes()
    {
        // Intake reads only the groups a batch can touch (by the new alerts' keys and the open alerts' groups), not every open one.
        var world = await AlertWorld.CreateAsync(_host, new { groupBy = new[] { "cluster" }, groupWindowSeconds = 300 });
        var clusters = Enumerable.Range(0, 40).Select(i => $"c{i}").ToList();
        (await world.PostAsync("generic", clusters.Select(c => new { summary = $"{c} down", dedup_key = $"{c}-1", labels = new { cluster = c } }).ToArray())).EnsureSuccessStatusCode();
        var before = (await world.AlertsAsync()).ToDictionary(a => a.GetProperty("dedupKey").GetString()!, a => a.GetProperty("groupId").GetString());
        Assert.Equal(40, before.Values.Distinct().Count());

        // In one request: c3's only alert resolves and a new c3 alert follows (its group closes and takes it back, within the window),
        // c7 gets a second alert, and a new cluster starts its own group.
        (await world.PostAsync("generic", new object[]
        {
            new { dedup_key = "c3-1", status = "resolved" },
            new { summary = "c3 again", dedup_key = "c3-2", labels = new { cluster = "c3" } },
            new { summary = "c7 more", dedup_key = "c7-2", labels = new { cluster = "c7" } },
            new { summary = "new", dedup_key = "n-1", labels = new { cluster = "new" } },
        })).EnsureSuccessStatusCode();
        Assert.Equal(before["c3-1"], (await world.AlertAsync("c3-2")).GetProperty("groupId").GetString());
        Assert.Equal(before["c7-1"], (await world.AlertAsync("c7-2")).GetProperty("groupId").GetString());
        var fresh = (await world.AlertAsync("n-1")).GetProperty("groupId").GetString();
        Assert.DoesNotContain(fresh, before.Values);
        var c3 = (await world.DetailAsync((await world.AlertAsync("c3-2")).GetProperty("id").GetString()!)).GetProperty("group");
        Assert.Equal(2, c3.GetProperty("alertCount").GetInt32());
        Assert.Equal(1, c3.GetProperty("openCount").GetInt32());
        var c7 = (await world.DetailAsync((await world.AlertAsync("c7-2")).GetProperty("id").GetString()!)).GetProperty("group");
        Assert.Equal(2, c7.GetProperty("openCount").GetInt32());
    }

    [Fact]
    public async Task AResolvedGroupTakesNewAlertsWithinItsWindowAndStartsAnewAfter()
    {
        // Every alert of the service in one group (set explicitly: by default each generic dedup key is its own group).
        var world = await AlertWorld.CreateAsync(_host, new { groupBy = Array.Empty<string>(), groupWindowSeconds = 300 });
        (await world.PostAsync("generic", new { summary = "A", dedup_key = "a" })).EnsureSuccessStatusCode();
        (await world.PostAsync("generic", new { dedup_key = "a", status = "resolved" })).EnsureSuccessStatusCode();
        (await world.PostAsync("generic", new { summary = "B", dedup_key = "b" })).EnsureSuccessStatusCode();
        var a = await world.AlertAsync("a", "resolved");
        var b = await world.AlertAsync("b");
        Assert.Equal(a.GetProperty("groupId").GetString(), b.GetProperty("groupId").GetString());
        Assert.Equal("B", (await world.DetailAsync(b.GetProperty("id").GetString()!)).GetProperty("group").GetProperty("title").GetString()); // reopened by B, titled by B

        (await world.PostAsync("generic", new { dedup_key = "b", status = "resolved" })).EnsureSuccessStatusCode();
        _host.Clock.Advance(TimeSpan.FromMinutes(6));
        (await world.PostAsync("generic", new { summary = "C", dedup_key = "c" })).EnsureSuccessStatusCode();
        var c = await world.AlertAsync("c");
        Assert.NotEqual(b.GetProperty("groupId").GetString(), c.GetProperty("groupId").GetString());
    }

    [Fact]
    public async Task ASilencedAlertIsStoredAndVisibleButMarked()
    {
        var world = await AlertWorld.CreateAsync(_host);
        var silence = await _host.Admin().PostAsJsonAsync("/api/v1/silences", new
        {
            service = world.Service,
            matchers = new object[] { new { name = "alertname", value = "Disk.*", isRegex = true }, new { name = "env", value = "prod" } },
            reason = "known disk migration",
            durationMinutes = 60,
        });
        Assert.Equal(HttpStatusCode.Created, silence.StatusCode);
        var silenceId = (await silence.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        (await world.PostAsync("generic", new { summary = "Disk full", dedup_key = "s1", labels = new { alertname = "DiskFull", env = "prod" } })).EnsureSuccessStatusCode();
        (await world.PostAsync("generic", new { summary = "Disk full staging", dedup_key = "s2", labels = new { alertname = "DiskFull", env = "staging" } })).EnsureSuccessStatusCode();

        var silenced = await world.AlertAsync("s1");
        Assert.Equal(silenceId, silenced.GetProperty("silencedBy").GetString());
        Assert.Equal(JsonValueKind.Null, (await world.AlertAsync("s2")).GetProperty("silencedBy").ValueKind);
        var history = (await world.DetailAsync(silenced.GetProperty("id").GetString()!)).GetProperty("history");
        Assert.Contains(history.EnumerateArray(), e => e.GetProperty("kind").GetString() == "silenced" && e.GetProperty("note").GetString() == "known disk migration");

        (await _host.Admin().DeleteAsync($"/api/v1/silences/{silenceId}")).EnsureSuccessStatusCode();
        (await world.PostAsync("generic", new { summary = "Disk full again", dedup_key = "s3", labels = new { alertname = "DiskFull", env = "prod" } })).EnsureSuccessStatusCode();
        Assert.Equal(JsonValueKind.Null, (await world.AlertAsync("s3")).GetProperty("silencedBy").ValueKind);
        var active = await _host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/silences?active=true");
        Assert.DoesNotContain(active.EnumerateArray(), s => s.GetProperty("id").GetString() == silenceId);
    }

    [Fact]
    public async Task ASilenceOrMaintenanceStartedLaterCoversAlertsAlreadyOpen()
    {
        var world = await AlertWorld.CreateAsync(_host);
        (await world.PostAsync("generic", new { summary = "Disk full", dedup_key = "late1", labels = new { alertname = "DiskFull" } })).EnsureSuccessStatusCode();
        (await world.PostAsync("generic", new { summary = "CPU hot", dedup_key = "late2", labels = new { alertname = "CpuHot" } })).EnsureSuccessStatusCode();

        var silence = await _host.Admin().PostAsJsonAsync("/api/v1/silences", new { service = world.Service, matchers = new[] { new { name = "alertname", value = "DiskFull" } }, reason = "replacing the disk", durationMinutes = 60 });
        var silenceId = (await silence.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        Assert.Equal(silenceId, (await world.AlertAsync("late1")).GetProperty("silencedBy").GetString());
        Assert.Equal(JsonValueKind.Null, (await world.AlertAsync("late2")).GetProperty("silencedBy").ValueKind);

        var window = await _host.Admin().PostAsJsonAsync($"/api/v1/services/{world.Service}/maintenance", new { reason = "reboots", durationMinutes = 30 });
        var windowId = (await window.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        Assert.Equal(windowId, (await world.AlertAsync("late2")).GetProperty("maintenanceId").GetString());
    }

    [Fact]
    public async Task GenericAlertsWithoutADedupKeyAreTheSameOnlyWithTheSameSummaryAndLabels()
    {
        var world = await AlertWorld.CreateAsync(_host);
        var first = await world.PostAsync("generic", new { summary = "Backup failed", labels = new { env = "prod" } });
        var keys = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dedupKeys");
        Assert.Equal(1, keys.GetArrayLength());
        (await world.PostAsync("generic", new { summary = "Disk full", labels = new { env = "prod" } })).EnsureSuccessStatusCode();
        (await world.PostAsync("generic", new { summary = "Backup failed", labels = new { env = "prod" } })).EnsureSuccessStatusCode();
        var alerts = await world.AlertsAsync();
        Assert.Equal(2, alerts.Count);
        Assert.Equal(2, alerts.Single(a => a.GetProperty("dedupKey").GetString() == keys[0].GetString()).GetProperty("eventCount").GetInt32());
    }

    [Fact]
    public async Task AlertsDuringMaintenanceAreMarkedWithTheWindow()
    {
        var world = await AlertWorld.CreateAsync(_host);
        var window = await _host.Admin().PostAsJsonAsync($"/api/v1/services/{world.Service}/maintenance", new { reason = "kernel upgrade", durationMinutes = 30 });
        var windowId = (await window.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        (await world.PostAsync("generic", new { summary = "Host rebooting", dedup_key = "m1" })).EnsureSuccessStatusCode();
        Assert.Equal(windowId, (await world.AlertAsync("m1")).GetProperty("maintenanceId").GetString());

        _host.Clock.Advance(TimeSpan.FromMinutes(31));
        (await world.PostAsync("generic", new { summary = "Host down", dedup_key = "m2" })).EnsureSuccessStatusCode();
        Assert.Equal(JsonValueKind.Null, (await world.AlertAsync("m2")).GetProperty("maintenanceId").ValueKind);
    }

    [Fact]
    public async Task AnAlertThatKeepsFiringAndResolvingIsMarkedFlappingAndItsGroupHeld()
    {
        var world = await AlertWorld.CreateAsync(_host, new { flapThreshold = 4, flapWindowSeconds = 600 });
        for (var i = 0; i < 3; i++)
        {
            (await world.PostAsync("generic", new { summary = "Link flaps", dedup_key = "flap" })).EnsureSuccessStatusCode();
            (await world.PostAsync("generic", new { dedup_key = "flap", status = "resolved" })).EnsureSuccessStatusCode();
        }
        (await world.PostAsync("generic", new { summary = "Link flaps", dedup_key = "flap" })).EnsureSuccessStatusCode();

        var alert = await world.AlertAsync("flap");
        Assert.True(alert.GetProperty("flapping").GetBoolean());
        Assert.Equal(4, alert.GetProperty("occurrence").GetInt32());
        var detail = await world.DetailAsync(alert.GetProperty("id").GetString()!);
        Assert.True(detail.GetProperty("group").GetProperty("flapping").GetBoolean());

        _host.Clock.Advance(TimeSpan.FromMinutes(11));
        detail = await world.DetailAsync(alert.GetProperty("id").GetString()!);
        Assert.False(detail.GetProperty("group").GetProperty("flapping").GetBoolean(), "the group settles after a quiet window");
    }

    [Fact]
    public async Task ATriggerAndAResolveInOneBatchEndResolvedAndReopenCleanly()
    {
        var world = await AlertWorld.CreateAsync(_host);
        var body = new object[]
        {
            new { summary = "Blip", dedup_key = "blip" },
            new { dedup_key = "blip", status = "resolved" },
            new { summary = "Blip", dedup_key = "blip" },
        };
        (await world.PostAsync("generic", body)).EnsureSuccessStatusCode();
        var all = (await world.AlertsAsync("&status=all")).Where(a => a.GetProperty("dedupKey").GetString() == "blip").ToList();
        Assert.Equal(2, all.Count);
        Assert.Single(all, a => a.GetProperty("status").GetString() == "triggered" && a.GetProperty("occurrence").GetInt32() == 2);
    }

    [Fact]
    public async Task RespondersAcknowledgeAndResolveWithTheirNameOnTheAlert()
    {
        var world = await AlertWorld.CreateAsync(_host);
        var (userId, token) = await _host.CreateUserAsync("Rita Responder");
        var teamId = (await _host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/services/{world.Service}")).GetProperty("teamId").GetGuid();
        (await _host.Admin().PutAsJsonAsync($"/api/v1/teams/{teamId}/members/{userId}", new { role = "responder" })).EnsureSuccessStatusCode();
        (await world.PostAsync("generic", new { summary = "API 5xx", dedup_key = "api" })).EnsureSuccessStatusCode();
        var id = (await world.AlertAsync("api")).GetProperty("id").GetString();

        var ack = await _host.As(token).PostAsJsonAsync($"/api/v1/alerts/{id}/ack", new { });
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        Assert.Equal("Rita Responder", (await ack.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("acknowledgedBy").GetString());

        (await world.PostAsync("generic", new { summary = "API 5xx", dedup_key = "api" })).EnsureSuccessStatusCode();
        Assert.Equal("acknowledged", (await world.AlertAsync("api")).GetProperty("status").GetString());

        var resolve = await _host.As(token).PostAsJsonAsync($"/api/v1/alerts/{id}/resolve", new { note = "rolled back" });
        var resolved = await resolve.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("resolved", resolved.GetProperty("status").GetString());
        Assert.Equal("Rita Responder", resolved.GetProperty("resolvedBy").GetString());
        var history = (await world.DetailAsync(id!)).GetProperty("history").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal(["triggered", "acknowledged", "resolved"], history);

        var again = await _host.As(token).PostAsJsonAsync($"/api/v1/alerts/{id}/ack", new { });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task AlertsFilterByStatusLabelAndTimeAndPage()
    {
        var world = await AlertWorld.CreateAsync(_host);
        for (var i = 0; i < 5; i++)
            (await world.PostAsync("generic", new { summary = $"F{i}", dedup_key = $"f{i}", labels = new { env = i % 2 == 0 ? "prod" : "dev", team = "x" } })).EnsureSuccessStatusCode();
        (await world.PostAsync("generic", new { dedup_key = "f0", status = "resolved" })).EnsureSuccessStatusCode();

        Assert.Equal(3, (await world.AlertsAsync("&label=env=prod")).Count);
        Assert.Equal(2, (await world.AlertsAsync("&label=env=prod&status=open")).Count);
        Assert.Equal(2, (await world.AlertsAsync("&label=env=prod&label=team=x&status=triggered")).Count);
        Assert.Single(await world.AlertsAsync("&status=resolved"));
        Assert.Empty(await world.AlertsAsync("&since=" + Uri.EscapeDataString(_host.Clock.GetUtcNow().AddHours(1).ToString("O"))));

        var page = await _host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/alerts?service={world.Service}&limit=2");
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.String, page.GetProperty("next").ValueKind);

        var bad = await _host.Admin().GetAsync($"/api/v1/alerts?status=sleeping");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task AKeySendingFasterThanItsRateGets429WithRetryAfter()
    {
        await using var host = await SteadyHost.StartAsync(b =>
        {
            b.UseSetting("Steady:Intake:RequestsPerSecondPerKey", "1");
            b.UseSetting("Steady:Intake:BurstPerKey", "2");
        });
        var world = await AlertWorld.CreateAsync(host);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
            statuses.Add((await world.PostAsync("generic", new { summary = "fast" })).StatusCode);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        var limited = await world.PostAsync("generic", new { summary = "fast" });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
    }
}
