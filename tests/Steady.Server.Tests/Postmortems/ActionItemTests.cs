using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Steady.Server.Tests.Incidents;

namespace Steady.Server.Tests.Postmortems;

public sealed class ActionItemTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task RefusedAsync(HttpResponseMessage response, HttpStatusCode status, string words)
    {
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(words, text, StringComparison.Ordinal);
    }

    private static async Task<IncidentWorld> WorldWithAnIncidentAsync()
    {
        var world = await IncidentWorld.CreateAsync();
        (await world.Alerts.PostAsync("generic", new { summary = "Disk full", dedup_key = "disk-1", severity = "critical" })).EnsureSuccessStatusCode();
        var alertId = (await world.Alerts.AlertAsync("disk-1")).GetProperty("id").GetGuid();
        await world.DeclareAsync(new { severity = "SEV2", alertId }, who: "Ana");
        return world;
    }

    [Fact]
    public async Task ActionItemsComeFromAPostmortemOrStraightFromTheIncidentAndAreListedByOwnerAndStatus()
    {
        await using var world = await WorldWithAnIncidentAsync();
        var ana = world.As("Ana");
        var due = world.Host.Clock.GetUtcNow().AddDays(14);

        var fromIncident = await OkAsync(await ana.PostAsJsonAsync("/api/v1/action-items", new { incident = "1", title = "Alert at 80% disk", type = "monitoring", owner = world.People["Ben"].Id.ToString(), dueAt = due }, Cancel));
        Assert.Equal(1, fromIncident.GetProperty("incident").GetInt32());
        Assert.Equal(JsonValueKind.Null, fromIncident.GetProperty("postmortemId").ValueKind);
        Assert.Equal("open", fromIncident.GetProperty("status").GetString());
        Assert.Equal("medium", fromIncident.GetProperty("priority").GetString());
        Assert.Equal("Ben", fromIncident.GetProperty("owner").GetProperty("name").GetString());
        Assert.Equal(due, fromIncident.GetProperty("dueAt").GetDateTimeOffset());

        var postmortemId = (await OkAsync(await ana.PostAsync("/api/v1/incidents/1/postmortem", null, Cancel))).GetProperty("id").GetGuid();
        var fromPostmortem = await OkAsync(await ana.PostAsJsonAsync("/api/v1/action-items", new { postmortemId, title = "Rotate logs hourly", type = "prevent", owner = world.People["Cleo"].Id.ToString(), priority = "high", dueAt = due, ticketUrl = "https://tracker.example.test/OPS-12" }, Cancel));
        Assert.Equal(postmortemId, fromPostmortem.GetProperty("postmortemId").GetGuid());
        Assert.Equal(1, fromPostmortem.GetProperty("incident").GetInt32());
        Assert.Equal("https://tracker.example.test/OPS-12", fromPostmortem.GetProperty("ticketUrl").GetString());

        var id = fromIncident.GetProperty("id").GetGuid();
        var done = await OkAsync(await world.As("Ben").PatchAsJsonAsync($"/api/v1/action-items/{id}", new { status = "done" }, Cancel));
        Assert.Equal("done", done.GetProperty("status").GetString());
        Assert.Equal(world.Host.Clock.GetUtcNow(), done.GetProperty("doneAt").GetDateTimeOffset());

        var bens = (await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/action-items?owner={world.People["Ben"].Id}", Cancel)).EnumerateArray().ToList();
        Assert.Equal(id, Assert.Single(bens).GetProperty("id").GetGuid());
        var open = (await world.Admin.GetFromJsonAsync<JsonElement>("/api/v1/action-items?incident=1&status=open", Cancel)).EnumerateArray().ToList();
        Assert.Equal("Rotate logs hourly", Assert.Single(open).GetProperty("title").GetString());
        Assert.Equal(2, (await world.Admin.GetFromJsonAsync<JsonElement>("/api/v1/action-items?incident=1", Cancel)).GetArrayLength());
        await RefusedAsync(await world.Admin.GetAsync("/api/v1/action-items?type=blame", Cancel), HttpStatusCode.BadRequest, "'type' must be one of");
    }

    [Fact]
    public async Task NotDoingWithoutAReasonAPastDueDateAndAnOwnerWhoIsNotAPersonAreRefusedAndNothingIsWritten()
    {
        await using var world = await WorldWithAnIncidentAsync();
        var ana = world.As("Ana");
        var now = world.Host.Clock.GetUtcNow();
        var ben = world.People["Ben"].Id.ToString();

        await RefusedAsync(await ana.PostAsJsonAsync("/api/v1/action-items", new { incident = "1", title = "Drop it", type = "process", owner = ben, dueAt = now.AddDays(3), status = "not doing" }, Cancel), HttpStatusCode.BadRequest, "needs a 'reason'");
        await RefusedAsync(await ana.PostAsJsonAsync("/api/v1/action-items", new { incident = "1", title = "Too late", type = "process", owner = ben, dueAt = now.AddMinutes(-1) }, Cancel), HttpStatusCode.BadRequest, "is in the past");
        await RefusedAsync(await ana.PostAsJsonAsync("/api/v1/action-items", new { incident = "1", title = "A team", type = "process", owner = world.Alerts.TeamId.ToString(), dueAt = now.AddDays(3) }, Cancel), HttpStatusCode.BadRequest, "'owner' must be a person");
        await RefusedAsync(await ana.PostAsJsonAsync("/api/v1/action-items", new { incident = "1", title = "Odd", type = "blame", owner = ben, dueAt = now.AddDays(3) }, Cancel), HttpStatusCode.BadRequest, "'type' must be one of mitigate, prevent, process, monitoring, backup, design");
        await RefusedAsync(await ana.PostAsJsonAsync("/api/v1/action-items", new { title = "Nowhere", type = "process", owner = ben, dueAt = now.AddDays(3) }, Cancel), HttpStatusCode.BadRequest, "Name the 'incident'");
        Assert.Equal(0, (await world.Admin.GetFromJsonAsync<JsonElement>("/api/v1/action-items?incident=1", Cancel)).GetArrayLength());

        var item = await OkAsync(await ana.PostAsJsonAsync("/api/v1/action-items", new { incident = "1", title = "Second disk", type = "design", owner = ben, dueAt = now.AddDays(3) }, Cancel));
        var id = item.GetProperty("id").GetGuid();
        await RefusedAsync(await ana.PatchAsJsonAsync($"/api/v1/action-items/{id}", new { status = "not-doing" }, Cancel), HttpStatusCode.BadRequest, "needs a 'reason'");
        Assert.Equal("open", (await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/action-items/{id}", Cancel)).GetProperty("status").GetString());
        var dropped = await OkAsync(await ana.PatchAsJsonAsync($"/api/v1/action-items/{id}", new { status = "not-doing", reason = "the host is being retired in December" }, Cancel));
        Assert.Equal("not-doing", dropped.GetProperty("status").GetString());
        Assert.Equal("the host is being retired in December", dropped.GetProperty("reason").GetString());

        var (_, outsider) = await world.Host.CreateUserAsync("Outsider");
        Assert.Equal(HttpStatusCode.Forbidden, (await world.Host.As(outsider).PostAsJsonAsync("/api/v1/action-items", new { incident = "1", title = "x", type = "process", owner = ben, dueAt = now.AddDays(3) }, Cancel)).StatusCode);
    }
}
