using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Steady.Server.Tests.Alerts;

public sealed class HeartbeatTests
{
    [Fact]
    public async Task AMissedHeartbeatRaisesAnAlertAndTheNextPingResolvesIt()
    {
        await using var host = await SteadyHost.StartAsync();
        var world = await AlertWorld.CreateAsync(host);
        var ping = await host.Anonymous().GetAsync($"/intake/{world.Key}/heartbeat?name=nightly-backup&interval=1h&grace=10m");
        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
        var due = (await ping.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dueAt").GetDateTimeOffset();
        Assert.Equal(host.Clock.GetUtcNow().AddMinutes(70), due);

        host.Clock.Advance(TimeSpan.FromMinutes(69));
        await Task.Delay(300, TestContext.Current.CancellationToken); // give the monitor its chance to (wrongly) fire
        Assert.Empty(await world.AlertsAsync("&status=open"));

        host.Clock.Advance(TimeSpan.FromMinutes(2));
        var alert = await EventuallyAsync(async () => (await world.AlertsAsync("&status=open")) is [var only] ? only : null);
        Assert.Equal("heartbeat:nightly-backup", alert.GetProperty("dedupKey").GetString());
        Assert.Equal("critical", alert.GetProperty("severity").GetString());
        Assert.Contains("nightly-backup", alert.GetProperty("summary").GetString());
        var heartbeats = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/services/{world.Service}/heartbeats");
        Assert.True(heartbeats[0].GetProperty("down").GetBoolean());

        (await host.Anonymous().PostAsync($"/intake/{world.Key}/heartbeat?name=nightly-backup", null)).EnsureSuccessStatusCode();
        Assert.Equal("resolved", (await world.AlertAsync("heartbeat:nightly-backup", "resolved")).GetProperty("status").GetString());
        heartbeats = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/services/{world.Service}/heartbeats");
        Assert.False(heartbeats[0].GetProperty("down").GetBoolean());
    }

    [Fact]
    public async Task ABadIntervalIsRefusedNamingIt()
    {
        await using var host = await SteadyHost.StartAsync();
        var world = await AlertWorld.CreateAsync(host);
        var response = await host.Anonymous().GetAsync($"/intake/{world.Key}/heartbeat?interval=often");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("interval", await response.Content.ReadAsStringAsync());
    }

    /// <summary>Waits (in real time, bounded) for a background worker to act; not a stand-in for the clock.</summary>
    private static async Task<JsonElement> EventuallyAsync(Func<Task<JsonElement?>> probe)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            if (await probe() is { } found)
                return found;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("The heartbeat monitor did not raise the alert within 10 s.");
            await Task.Delay(50);
        }
    }
}
