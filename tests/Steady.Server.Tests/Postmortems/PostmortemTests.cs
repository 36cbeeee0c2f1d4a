using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Steady.Server.Tests.Incidents;

namespace Steady.Server.Tests.Postmortems;

public sealed class PostmortemTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<Guid> FireAsync(IncidentWorld world, string dedupKey)
    {
        (await world.Alerts.PostAsync("generic", new { summary = "Certificate expired on the API gateway", dedup_key = dedupKey, severity = "critical" })).EnsureSuccessStatusCode();
        return (await world.Alerts.AlertAsync(dedupKey)).GetProperty("id").GetGuid();
    }

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task RefusedAsync(HttpResponseMessage response, HttpStatusCode status, string words)
    {
        var text = await IncidentWorld.DetailAsync(response);
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(words, text, StringComparison.Ordinal);
    }

    /// <summary>A SEV1 from an alert, run through ack, a pinned note, mitigation and resolution on the test's clock; returns when each happened.</summary>
    private static async Task<(DateTimeOffset Fired, DateTimeOffset Resolved)> RunASev1Async(IncidentWorld world)
    {
        var clock = world.Host.Clock;
        var fired = clock.GetUtcNow();
        var alertId = await FireAsync(world, "cert-1");
        clock.Advance(TimeSpan.FromSeconds(95));
        await world.DeclareAsync(new { severity = "SEV1", alertId, summary = "API gateway refused TLS handshakes" }, who: "Ben");
        clock.Advance(TimeSpan.FromSeconds(105));
        // Ana acknowledges the pages; the incident was acknowledged already when Ben declared it (a person has it).
        await OkAsync(await world.As("Ana").PostAsync("/api/v1/incidents/1/acknowledge", null, Cancel));
        clock.Advance(TimeSpan.FromMinutes(10));
        await OkAsync(await world.As("Ben").PostAsJsonAsync("/api/v1/incidents/1/notes", new { text = "Expiry date on the gateway cert is yesterday", pinned = true }, Cancel));
        await OkAsync(await world.As("Ben").PostAsJsonAsync("/api/v1/incidents/1/notes", new { text = "coffee" }, Cancel));
        clock.Advance(TimeSpan.FromMinutes(20).Add(TimeSpan.FromSeconds(7)));
        await OkAsync(await world.As("Ben").PostAsJsonAsync("/api/v1/incidents/1/status", new { status = "mitigated" }, Cancel));
        clock.Advance(TimeSpan.FromMinutes(89).Add(TimeSpan.FromSeconds(54)));
        await OkAsync(await world.As("Ben").PostAsJsonAsync($"/api/v1/alerts/{alertId}/resolve", new { }, Cancel));
        var resolved = clock.GetUtcNow();
        await OkAsync(await world.As("Ben").PostAsJsonAsync("/api/v1/incidents/1/status", new { status = "resolved", @override = "customers confirm TLS works" }, Cancel));
        return (fired, resolved);
    }

    [Fact]
    public async Task ResolvingASev1DraftsItsPostmortemWithTheIncidentsDurationsToTheSecond()
    {
        await using var world = await IncidentWorld.CreateAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await world.Admin.GetAsync("/api/v1/incidents/1/postmortem", Cancel)).StatusCode);
        var (fired, resolved) = await RunASev1Async(world);

        var postmortem = await OkAsync(await world.Admin.GetAsync("/api/v1/incidents/1/postmortem", Cancel));
        Assert.Equal("draft", postmortem.GetProperty("status").GetString());
        Assert.Equal("Ben", postmortem.GetProperty("owner").GetProperty("name").GetString());
        Assert.Equal(resolved.AddDays(3), postmortem.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal("API gateway refused TLS handshakes", postmortem.GetProperty("summary").GetString());

        var impact = postmortem.GetProperty("impactTimes").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
        Assert.Equal(fired, impact["first-alert"].GetProperty("at").GetDateTimeOffset());
        Assert.Equal(resolved, impact["resolved"].GetProperty("at").GetDateTimeOffset());
        Assert.Equal(0, impact["first-alert"].GetProperty("secondsSinceStart").GetInt64());
        Assert.Equal(95, impact["declared"].GetProperty("secondsSinceStart").GetInt64());
        Assert.Equal(95, impact["acknowledged"].GetProperty("secondsSinceStart").GetInt64());
        Assert.Equal(95 + 105 + 600 + 1207, impact["mitigated"].GetProperty("secondsSinceStart").GetInt64());
        Assert.Equal(95 + 105 + 600 + 1207 + 5394, impact["resolved"].GetProperty("secondsSinceStart").GetInt64());

        // The timeline copy: the pinned note and the key events, not the unpinned note; in time order.
        var timeline = postmortem.GetProperty("timeline").EnumerateArray().ToList();
        var texts = timeline.Select(e => e.GetProperty("text").GetString()!).ToList();
        Assert.Contains("Expiry date on the gateway cert is yesterday", texts);
        Assert.DoesNotContain("coffee", texts);
        Assert.Contains(timeline, e => e.GetProperty("kind").GetString() == "declared");
        Assert.Contains(texts, t => t.StartsWith("Status mitigated → resolved", StringComparison.Ordinal));
        var times = timeline.Select(e => e.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.Order(), times);
        Assert.Equal(resolved, timeline.Single(e => e.GetProperty("text").GetString()!.StartsWith("Status mitigated → resolved", StringComparison.Ordinal)).GetProperty("at").GetDateTimeOffset());

        var responders = postmortem.GetProperty("responders").EnumerateArray().ToList();
        var commander = Assert.Single(responders, r => r.GetProperty("role").GetString() == "commander");
        Assert.Equal("Ben", commander.GetProperty("name").GetString());
        Assert.Equal(fired.AddSeconds(95), commander.GetProperty("from").GetDateTimeOffset());

        // Drafting again on demand answers the same postmortem.
        var again = await OkAsync(await world.As("Ana").PostAsync("/api/v1/incidents/1/postmortem", null, Cancel));
        Assert.Equal(postmortem.GetProperty("id").GetGuid(), again.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task TheBlamelessCheckAdvisesAndTheStatusMovesToPublishedWithAnOwnerAndASummary()
    {
        await using var world = await IncidentWorld.CreateAsync();
        await RunASev1Async(world);
        var ben = world.As("Ben");

        var edited = await OkAsync(await ben.PutAsJsonAsync("/api/v1/incidents/1/postmortem", new { rootCause = "the DBA forgot to renew the certificate", trigger = "Ben deployed the gateway config" }, Cancel));
        Assert.Equal("the DBA forgot to renew the certificate", edited.GetProperty("rootCause").GetString());
        var findings = edited.GetProperty("blamelessCheck").EnumerateArray().ToList();
        Assert.Contains(findings, f => f.GetProperty("section").GetString() == "rootCause" && f.GetProperty("words").GetString() == "forgot");
        Assert.Contains(findings, f => f.GetProperty("section").GetString() == "trigger" && f.GetProperty("words").GetString() == "Ben deployed");

        await RefusedAsync(await ben.PutAsJsonAsync("/api/v1/incidents/1/postmortem", new { owner = world.Alerts.TeamId.ToString() }, Cancel), HttpStatusCode.BadRequest, "'owner' must be a person");
        await RefusedAsync(await ben.PutAsJsonAsync("/api/v1/incidents/1/postmortem", new { status = "published" }, Cancel), HttpStatusCode.Conflict, "one step at a time");
        await RefusedAsync(await ben.PutAsJsonAsync("/api/v1/incidents/1/postmortem", new { status = "finished" }, Cancel), HttpStatusCode.BadRequest, "'status' must be one of draft, in-review, reviewed, published");
        await OkAsync(await ben.PutAsJsonAsync("/api/v1/incidents/1/postmortem", new { status = "in-review", owner = world.People["Cleo"].Id.ToString() }, Cancel));
        await OkAsync(await ben.PutAsJsonAsync("/api/v1/incidents/1/postmortem", new { status = "reviewed", summary = "" }, Cancel));
        await RefusedAsync(await ben.PutAsJsonAsync("/api/v1/incidents/1/postmortem", new { status = "published" }, Cancel), HttpStatusCode.BadRequest, "needs an owner and a summary");
        var stillReviewed = await OkAsync(await world.Admin.GetAsync("/api/v1/incidents/1/postmortem", Cancel));
        Assert.Equal("reviewed", stillReviewed.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, stillReviewed.GetProperty("publishedAt").ValueKind);

        var published = await OkAsync(await ben.PutAsJsonAsync("/api/v1/incidents/1/postmortem", new { status = "published", summary = "Expired certificate on the API gateway" }, Cancel));
        Assert.Equal("published", published.GetProperty("status").GetString());
        Assert.Equal("Cleo", published.GetProperty("owner").GetProperty("name").GetString());
        Assert.Equal(world.Host.Clock.GetUtcNow(), published.GetProperty("publishedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task APostmortemCanBeDraftedOnDemandBeforeResolutionOnlyByTheTeamsResponders()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var alertId = await FireAsync(world, "cert-2");
        await world.DeclareAsync(new { severity = "SEV2", alertId }, who: "Ana");
        var (_, outsider) = await world.Host.CreateUserAsync("Outsider");
        Assert.Equal(HttpStatusCode.Forbidden, (await world.Host.As(outsider).PostAsync("/api/v1/incidents/1/postmortem", null, Cancel)).StatusCode);
        var drafted = await OkAsync(await world.As("Ana").PostAsync("/api/v1/incidents/1/postmortem", null, Cancel));
        Assert.Equal("draft", drafted.GetProperty("status").GetString());
        Assert.Equal("Ana", drafted.GetProperty("owner").GetProperty("name").GetString());
        // SEV2, not resolved yet: five business days from now (Tuesday 24 Nov 2026 → Tuesday 1 Dec).
        Assert.Equal(world.Host.Clock.GetUtcNow().AddDays(7), drafted.GetProperty("dueAt").GetDateTimeOffset());
        await RefusedAsync(await world.Admin.GetAsync("/api/v1/incidents/99/postmortem", Cancel), HttpStatusCode.NotFound, "#99");
    }
}
