using System.Net;
using System.Net.Http.Json;

namespace Steady.Server.Tests.Alerts;

/// <summary>
/// The alert list for triage, without JavaScript: the most severe first however old, a group of
/// alerts as one row with its count, and several groups acknowledged at once through the same
/// command as the API's acknowledge (who and when in each alert's history).
/// </summary>
public sealed class AlertTriageConsoleTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Password = "a sufficiently long password";
    private readonly SteadyHost _host = fixture.Host;

    [Fact]
    public async Task TheCriticalAlertLeadsAGroupIsOneRowAndTickedGroupsAreAcknowledgedTogether()
    {
        var world = await AlertWorld.CreateAsync(_host);
        // Older: one critical alert; newer: a storm of five warnings grouped by the sender, and one lone warning.
        (await world.PostAsync("generic", new { summary = "Payments down", dedup_key = "down", severity = "critical" })).EnsureSuccessStatusCode();
        (await world.PostAsync("alertmanager", new
        {
            version = "4", groupKey = "{}:{alertname=\"DiskFilling\"}", status = "firing", receiver = "steady",
            alerts = Enumerable.Range(1, 5).Select(i => new
            {
                status = "firing",
                labels = new Dictionary<string, string> { ["alertname"] = "DiskFilling", ["severity"] = "warning", ["instance"] = $"db{i}:9100" },
                annotations = new Dictionary<string, string> { ["summary"] = $"disk filling on db{i}" },
                startsAt = "2026-11-24T09:00:00Z", endsAt = "0001-01-01T00:00:00Z", fingerprint = $"disk-{i}",
            }).ToArray(),
        })).EnsureSuccessStatusCode();
        (await world.PostAsync("generic", new { summary = "Certificate expires soon", dedup_key = "cert", severity = "warning" })).EnsureSuccessStatusCode();
        var email = $"triage.{Guid.NewGuid():N}@example.com";
        (await _host.Admin().PostAsJsonAsync("/api/v1/users", new { name = "Tess Triage", email, password = Password, isAdmin = true })).EnsureSuccessStatusCode();
        var browser = new ConsoleClient(_host);
        await browser.SignInAsync(email, Password);

        var list = await browser.GetPageAsync($"/alerts?service={world.Service}");
        var rows = System.Text.RegularExpressions.Regex.Matches(list, "<tr class=\"[^\"]*\" data-group=").Count;
        Assert.Equal(3, rows);
        Assert.True(list.IndexOf("Payments down", StringComparison.Ordinal) < list.IndexOf("disk filling", StringComparison.Ordinal), "the critical alert comes before the newer warnings");
        Assert.Contains(">5 alerts</span>", list, StringComparison.Ordinal);

        var disk = (await world.AlertsAsync()).Where(a => a.GetProperty("summary").GetString()!.StartsWith("disk filling", StringComparison.Ordinal)).Select(a => a.GetProperty("id").GetString()!).ToList();
        var cert = (await world.AlertAsync("cert")).GetProperty("id").GetString()!;
        Assert.Equal(5, disk.Count);
        var acked = await browser.PostFormAsync($"/alerts?service={world.Service}", "/alerts?handler=Acknowledge",
            ("service", world.Service), ("status", "open"), ("label", ""), ("groups", string.Join(",", disk)), ("groups", cert));
        Assert.Equal(HttpStatusCode.Redirect, acked.StatusCode);
        var after = (await world.AlertsAsync("&status=all")).ToDictionary(a => a.GetProperty("id").GetString()!);
        foreach (var id in disk.Append(cert))
        {
            Assert.Equal("acknowledged", after[id].GetProperty("status").GetString());
            Assert.Equal("Tess Triage", after[id].GetProperty("acknowledgedBy").GetString());
        }
        Assert.Equal("triggered", (await world.AlertAsync("down")).GetProperty("status").GetString());
        Assert.Contains("Acknowledged 6 alerts.", await browser.GetPageAsync($"/alerts?service={world.Service}"), StringComparison.Ordinal);

        // Nothing ticked: said so, nothing changes.
        var empty = await browser.PostFormAsync($"/alerts?service={world.Service}", "/alerts?handler=Acknowledge", ("service", world.Service), ("status", "open"));
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Contains("Tick the alerts to acknowledge first.", await empty.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("triggered", (await world.AlertAsync("down")).GetProperty("status").GetString());
    }
}
