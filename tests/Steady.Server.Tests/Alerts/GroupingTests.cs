using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Steady.Server.Tests.Alerts;

/// <summary>
/// Grouping follows the sender unless the service says otherwise: Alertmanager's own groups (its groupKey,
/// also from Grafana), each dedup key on its own for PagerDuty events and generic alerts; <c>groupBy: []</c>
/// puts every alert of the service in one group, and <c>groupBy: null</c> goes back to the sender's grouping.
/// </summary>
public sealed class GroupingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly SteadyHost _host = fixture.Host;

    [Fact]
    public async Task AlertmanagerAlertsInDifferentGroupKeysLandInDifferentGroupsAndOneGroupKeyIsOneGroupAcrossRequests()
    {
        var world = await AlertWorld.CreateAsync(_host);
        var settings = await SettingsAsync(world);
        Assert.Equal(JsonValueKind.Null, settings.GetProperty("groupBy").ValueKind);
        Assert.StartsWith("as the sender groups them", settings.GetProperty("grouping").GetString(), StringComparison.Ordinal);

        await PostAsync(world, "alertmanager", Alertmanager("{}/{}:{alertname=\"DiskFull\"}", ("DiskFull", "f-disk-1", "db1"), ("DiskFull", "f-disk-2", "db2")));
        await PostAsync(world, "alertmanager", Alertmanager("{}/{}:{alertname=\"HighLoad\"}", ("HighLoad", "f-load-1", "db1")));
        await PostAsync(world, "alertmanager", Alertmanager("{}/{}:{alertname=\"DiskFull\"}", ("DiskFull", "f-disk-3", "db3")));
        // Grafana's unified alerting sends the same shape, with its own group key.
        await PostAsync(world, "grafana", Alertmanager("{}/{__grafana_receiver__=\"steady\"}:{alertname=\"CpuHot\"}", ("CpuHot", "f-cpu-1", "web1"), ("CpuHot", "f-cpu-2", "web2")));

        var groups = await GroupsAsync(world);
        Assert.Equal(groups["f-disk-1"], groups["f-disk-2"]);
        Assert.Equal(groups["f-disk-1"], groups["f-disk-3"]);
        Assert.Equal(groups["f-cpu-1"], groups["f-cpu-2"]);
        Assert.Equal(3, new[] { groups["f-disk-1"], groups["f-load-1"], groups["f-cpu-1"] }.Distinct().Count());
        var disk = await world.DetailAsync((await world.AlertAsync("f-disk-3")).GetProperty("id").GetString()!);
        Assert.Equal(3, disk.GetProperty("group").GetProperty("alertCount").GetInt32());
        Assert.Equal("DiskFull on db1", disk.GetProperty("group").GetProperty("title").GetString());
    }

    [Fact]
    public async Task PagerDutyEventsAndGenericAlertsWithDifferentDedupKeysLandInDifferentGroups()
    {
        var world = await AlertWorld.CreateAsync(_host);
        await PostAsync(world, "events", Event(world, "pd-1", "Disk full on web-1"));
        await PostAsync(world, "events", Event(world, "pd-2", "Load high on web-1"));
        var enqueue = await _host.Anonymous().PostAsJsonAsync("/v2/enqueue", Event(world, "pd-3", "Payments 5xx rate 12%"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, enqueue.StatusCode);
        await PostAsync(world, "events", Event(world, "pd-1", "Disk full on web-1"));
        await PostAsync(world, "generic", new[] { new { summary = "queue backed up", dedup_key = "g-1" }, new { summary = "worker down", dedup_key = "g-2" } });

        var groups = await GroupsAsync(world);
        Assert.Equal(5, groups.Values.Distinct().Count());
        var first = await world.AlertAsync("pd-1");
        Assert.Equal(2, first.GetProperty("eventCount").GetInt32()); // the repeat is the same alert, in its own group
    }

    [Fact]
    public async Task GroupByEmptyPutsEveryAlertOfTheServiceInOneGroupAndNullGoesBackToTheSendersGrouping()
    {
        var world = await AlertWorld.CreateAsync(_host, new { groupBy = Array.Empty<string>() });
        Assert.Equal(0, (await SettingsAsync(world)).GetProperty("groupBy").GetArrayLength());
        await PostAsync(world, "events", Event(world, "one-1", "Disk full on web-1"));
        await PostAsync(world, "generic", new { summary = "queue backed up", dedup_key = "one-2" });
        await PostAsync(world, "alertmanager", Alertmanager("{}:{alertname=\"X\"}", ("X", "one-3", "db1")));
        var groups = await GroupsAsync(world);
        Assert.Single(groups.Values.Distinct());

        // Only a service's grouping labels, or nothing at all (back to the default): absent leaves it alone.
        var unchanged = await _host.Admin().PatchAsJsonAsync($"/api/v1/services/{world.ServiceId}", new { flapThreshold = 7 }, TestContext.Current.CancellationToken);
        unchanged.EnsureSuccessStatusCode();
        Assert.Equal(0, (await SettingsAsync(world)).GetProperty("groupBy").GetArrayLength());
        using var reset = new StringContent("{\"groupBy\":null}", System.Text.Encoding.UTF8, "application/json");
        (await _host.Admin().PatchAsync($"/api/v1/services/{world.ServiceId}", reset, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        Assert.Equal(JsonValueKind.Null, (await SettingsAsync(world)).GetProperty("groupBy").ValueKind);
        await PostAsync(world, "events", Event(world, "two-1", "Disk full on web-2"));
        await PostAsync(world, "events", Event(world, "two-2", "Load high on web-2"));
        groups = await GroupsAsync(world);
        Assert.NotEqual(groups["two-1"], groups["two-2"]);
        Assert.NotEqual(groups["one-1"], groups["two-1"]);
    }

    private async Task<JsonElement> SettingsAsync(AlertWorld world) =>
        (await _host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/services/{world.ServiceId}", TestContext.Current.CancellationToken)).GetProperty("alerts");

    private static async Task<Dictionary<string, string>> GroupsAsync(AlertWorld world) =>
        (await world.AlertsAsync()).ToDictionary(a => a.GetProperty("dedupKey").GetString()!, a => a.GetProperty("groupId").GetString()!);

    private static async Task PostAsync(AlertWorld world, string format, object body)
    {
        var response = await world.PostAsync(format, body);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
    }

    private static object Event(AlertWorld world, string dedupKey, string summary) => new
    {
        routing_key = world.Key,
        event_action = "trigger",
        dedup_key = dedupKey,
        payload = new { summary, source = "web-1", severity = "error" },
    };

    private static object Alertmanager(string groupKey, params (string Name, string Fingerprint, string Instance)[] alerts) => new
    {
        version = "4",
        groupKey,
        status = "firing",
        receiver = "steady",
        externalURL = "http://alertmanager.example.com:9093",
        alerts = alerts.Select(a => new
        {
            status = "firing",
            labels = new Dictionary<string, string> { ["alertname"] = a.Name, ["severity"] = "warning", ["instance"] = a.Instance },
            annotations = new Dictionary<string, string> { ["summary"] = $"{a.Name} on {a.Instance}" },
            startsAt = "2026-11-24T09:00:00Z",
            endsAt = "0001-01-01T00:00:00Z",
            fingerprint = a.Fingerprint,
        }).ToArray(),
    };
}
