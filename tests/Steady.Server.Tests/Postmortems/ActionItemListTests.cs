using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Steady.Server.Tests.Incidents;

namespace Steady.Server.Tests.Postmortems;

/// <summary>Action items listed by team, service, type and age (oldest first), or soonest due first by default.</summary>
public sealed class ActionItemListTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<List<string>> TitlesAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync("/api/v1/action-items?" + query, Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.EnumerateArray().Select(i => i.GetProperty("title").GetString()!).ToList();
    }

    [Fact]
    public async Task ItemsAreListedByTeamServiceTypeAndAge()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var admin = world.Admin;
        var clock = world.Host.Clock;
        var now = clock.GetUtcNow();
        var ben = world.People["Ben"].Id.ToString();
        // A second team with its own service and incident.
        var other = (await (await admin.PostAsJsonAsync("/api/v1/teams", new { name = "Storage" }, Cancel)).Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();
        (await admin.PostAsJsonAsync("/api/v1/services", new { name = "object-store", teamId = other }, Cancel)).EnsureSuccessStatusCode();
        await world.DeclareAsync(new { title = "Checkout errors", severity = "SEV2", services = new[] { world.Alerts.Service } }, who: "Ana");
        (await admin.PostAsJsonAsync("/api/v1/incidents", new { title = "Bucket writes fail", severity = "SEV2", services = new[] { "object-store" } }, Cancel)).EnsureSuccessStatusCode();

        async Task AddAsync(string incident, string title, string type, int dueInDays)
        {
            (await admin.PostAsJsonAsync("/api/v1/action-items", new { incident, title, type, owner = ben, dueAt = now.AddDays(dueInDays) }, Cancel)).EnsureSuccessStatusCode();
            clock.Advance(TimeSpan.FromMinutes(1)); // each made a minute after the one before
        }
        await AddAsync("1", "Oldest, due last", "prevent", 30);
        await AddAsync("2", "Storage item", "backup", 20);
        await AddAsync("1", "Newest, due first", "monitoring", 10);

        Assert.Equal(["Newest, due first", "Storage item", "Oldest, due last"], await TitlesAsync(admin, ""));
        Assert.Equal(["Oldest, due last", "Storage item", "Newest, due first"], await TitlesAsync(admin, "order=age"));
        Assert.Equal(["Storage item"], await TitlesAsync(admin, "team=Storage"));
        Assert.Equal(["Newest, due first", "Oldest, due last"], await TitlesAsync(admin, $"team={world.Alerts.TeamId}"));
        Assert.Equal(["Storage item"], await TitlesAsync(admin, "service=object-store"));
        Assert.Equal(["Oldest, due last"], await TitlesAsync(admin, $"service={world.Alerts.Service}&type=prevent&order=age"));
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/v1/action-items?order=newest", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/v1/action-items?team=nobody", Cancel)).StatusCode);
    }
}
