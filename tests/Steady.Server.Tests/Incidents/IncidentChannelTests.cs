using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Steady.Server.Tests.Incidents;

/// <summary>An incident's own channels: set on declare, edited later; its updates go there and to the server-wide channel.</summary>
public sealed class IncidentChannelTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UpdatesGoToTheIncidentsOwnChannelsAsWellAsTheServersAndFollowItsEdits()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var incident = await world.DeclareAsync(new
        {
            title = "Checkout fails for card payments",
            severity = "SEV2",
            services = new[] { world.Alerts.Service },
            channels = new[] { new { kind = "webhook", address = world.Url("war-room") } },
        });
        var number = incident.GetProperty("number").GetInt32();
        var own = Assert.Single(incident.GetProperty("channels").EnumerateArray());
        Assert.Equal("webhook", own.GetProperty("kind").GetString());
        Assert.DoesNotContain("war-room", own.GetProperty("target").GetString(), StringComparison.Ordinal); // a webhook's URL is a secret: its host only

        // The declaration reaches both: the server's channel and the incident's own.
        await IncidentWorld.EventuallyAsync(() => world.Received("war-room").FirstOrDefault(r => r.Text.Contains("declared SEV2", StringComparison.Ordinal)), "the declaration in the incident's channel");
        await IncidentWorld.EventuallyAsync(() => world.Channel.FirstOrDefault(r => r.Text.Contains("declared SEV2", StringComparison.Ordinal)), "the declaration in the server's channel");

        // A channel added later (a Slack webhook) gets what comes after.
        var added = await world.As("Ben").PostAsJsonAsync($"/api/v1/incidents/{number}/channels", new { kind = "slack", address = world.Url("slack") }, Cancel);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        (await world.As("Ben").PostAsJsonAsync($"/api/v1/incidents/{number}/updates", new { known = "Card payments fail with a timeout", doing = "Rolling back deploy 2.4.1" }, Cancel)).EnsureSuccessStatusCode();
        var slack = await IncidentWorld.EventuallyAsync(() => world.Received("slack").FirstOrDefault(), "the update in the Slack channel");
        Assert.Contains("Rolling back deploy 2.4.1", slack.Text, StringComparison.Ordinal);
        Assert.True(slack.Json().TryGetProperty("blocks", out _) || slack.Json().TryGetProperty("text", out _), "Slack's own message format");
        await IncidentWorld.EventuallyAsync(() => world.Received("war-room").FirstOrDefault(r => r.Text.Contains("Rolling back deploy 2.4.1", StringComparison.Ordinal)), "the update in the first channel");
        await IncidentWorld.EventuallyAsync(() => world.Channel.FirstOrDefault(r => r.Text.Contains("Rolling back deploy 2.4.1", StringComparison.Ordinal)), "the update in the server's channel");

        // Removing the first: the next update reaches only the others.
        var channels = await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{number}/channels", Cancel);
        Assert.Equal(["webhook", "slack"], channels.EnumerateArray().Select(c => c.GetProperty("kind").GetString()));
        var first = channels[0].GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await world.As("Ben").DeleteAsync($"/api/v1/incidents/{number}/channels/{first}", Cancel)).StatusCode);
        (await world.As("Ben").PostAsJsonAsync($"/api/v1/incidents/{number}/updates", new { known = "Rollback done", doing = "Watching the error rate" }, Cancel)).EnsureSuccessStatusCode();
        await IncidentWorld.EventuallyAsync(() => world.Received("slack").FirstOrDefault(r => r.Text.Contains("Watching the error rate", StringComparison.Ordinal)), "the second update in the Slack channel");
        await IncidentWorld.EventuallyAsync(() => world.Channel.FirstOrDefault(r => r.Text.Contains("Watching the error rate", StringComparison.Ordinal)), "the second update in the server's channel");
        Assert.DoesNotContain(world.Received("war-room"), r => r.Text.Contains("Watching the error rate", StringComparison.Ordinal));
        var notices = await world.Host.WithDbAsync((db, _) => db.IncidentNotices.AsNoTracking().Where(n => n.Key.Contains("incident-channel:" + first.ToString("N"))).CountAsync(Cancel));
        Assert.Equal(2, notices); // the declaration and the first update, nothing after it was removed

        var timeline = await world.TimelineAsync(number);
        Assert.Contains(timeline, e => e.GetProperty("kind").GetString() == "channel" && e.GetProperty("text").GetString()!.Contains("Ben added the channel slack", StringComparison.Ordinal));
        Assert.Contains(timeline, e => e.GetProperty("kind").GetString() == "channel" && e.GetProperty("text").GetString()!.Contains("Ben removed the channel webhook", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnEmailListBecomesOneChannelPerAddressAndBadChannelsAreRefusedWithNothingWritten()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var incident = await world.DeclareAsync(new
        {
            title = "Reports are slow",
            severity = "SEV3",
            services = new[] { world.Alerts.Service },
            channels = new[] { new { kind = "email", address = "ops@example.com, support-leads@example.com" } },
        });
        var number = incident.GetProperty("number").GetInt32();
        Assert.Equal(["ops@example.com", "support-leads@example.com"], incident.GetProperty("channels").EnumerateArray().Select(c => c.GetProperty("target").GetString()));

        var before = await world.Host.WithDbAsync((db, _) => db.Incidents.CountAsync(Cancel));
        var refused = await world.As("Ana").PostAsJsonAsync("/api/v1/incidents", new
        {
            title = "Another",
            severity = "SEV3",
            services = new[] { world.Alerts.Service },
            channels = new object[] { new { kind = "sms", address = "+4915112345678" }, new { kind = "slack", address = "not a url" } },
        }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var detail = await refused.Content.ReadAsStringAsync(Cancel);
        Assert.Contains("channels[0].kind", detail, StringComparison.Ordinal);
        Assert.Contains("a chat webhook or an email list", detail, StringComparison.Ordinal);
        Assert.Contains("channels[1]", detail, StringComparison.Ordinal);
        Assert.Equal(before, await world.Host.WithDbAsync((db, _) => db.Incidents.CountAsync(Cancel)));

        var bad = await world.As("Ana").PostAsJsonAsync($"/api/v1/incidents/{number}/channels", new { kind = "email", address = "not-an-address" }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var twice = await world.As("Ana").PostAsJsonAsync($"/api/v1/incidents/{number}/channels", new { kind = "email", address = "OPS@example.com" }, Cancel);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Contains("already sends its updates there", await IncidentWorld.DetailAsync(twice), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await world.As("Ana").DeleteAsync($"/api/v1/incidents/{number}/channels/{Guid.NewGuid()}", Cancel)).StatusCode);
        Assert.Equal(2, await world.Host.WithDbAsync((db, _) => db.IncidentChannels.CountAsync(Cancel)));
    }
}
