using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Steady.Server.Tests.Incidents;

/// <summary>
/// An action's observed effect carries an optional verdict (as_expected, no_effect, made_worse) through the one
/// command the API, the console and the CLI use: a bad value is refused naming the field with nothing written, a
/// good one is kept, audited and said on the timeline, and the postmortem draft proposes what made it worse.
/// </summary>
public sealed class ActionVerdictTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private const string Password = "a sufficiently long password";

    private static async Task<Guid> ActionAsync(HttpClient client, string intent, string expected)
    {
        var response = await client.PostAsJsonAsync("/api/v1/incidents/1/actions", new { intent, expectedEffect = expected }, Cancel);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();
    }

    private static async Task RefusedAsync(HttpResponseMessage response, string says)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Contains(says, problem.GetProperty("errors").GetProperty("verdict")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadVerdictIsRefusedNamingTheFieldWithNothingWrittenAndAGoodOneIsKeptAuditedAndOnTheTimeline()
    {
        await using var world = await IncidentWorld.CreateAsync();
        await world.DeclareAsync(new { title = "Checkout refuses TLS", severity = "SEV2", services = new[] { world.Alerts.Service } }, who: "Ana");
        var ana = world.As("Ana");
        var restart = await ActionAsync(ana, "Restart the edge proxies", "Handshakes succeed");
        var now = world.Host.Clock.GetUtcNow();

        await RefusedAsync(await ana.PatchAsJsonAsync($"/api/v1/incidents/1/actions/{restart}", new { doneAt = now, observedEffect = "Full outage for 2 minutes", verdict = "worse" }, Cancel),
            "'verdict' must be one of as_expected, no_effect, made_worse");
        await RefusedAsync(await ana.PatchAsJsonAsync($"/api/v1/incidents/1/actions/{restart}", new { doneAt = now, verdict = "made_worse" }, Cancel), "'observedEffect'");
        await RefusedAsync(await ana.PostAsJsonAsync("/api/v1/incidents/1/actions", new { intent = "Flush the CDN", expectedEffect = "Fresh certificate served", doneAt = now, observedEffect = "Nothing changed", verdict = "meh" }, Cancel), "'verdict' must be one of");
        // Nothing half-written: neither done nor observed, no second action, nothing on the timeline.
        var unchanged = Assert.Single((await world.GetAsync(1)).GetProperty("actions").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, unchanged.GetProperty("doneAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, unchanged.GetProperty("verdict").ValueKind);
        Assert.DoesNotContain(await world.TimelineAsync(1), e => e.GetProperty("text").GetString()!.Contains("Full outage", StringComparison.Ordinal));

        var observed = await ana.PatchAsJsonAsync($"/api/v1/incidents/1/actions/{restart}", new { doneAt = now, observedEffect = "Full outage for 2 minutes", verdict = "made_worse" }, Cancel);
        Assert.Equal(HttpStatusCode.OK, observed.StatusCode);
        Assert.Equal("made_worse", (await observed.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("verdict").GetString());
        var flush = await ana.PostAsJsonAsync("/api/v1/incidents/1/actions", new { intent = "Flush the CDN", expectedEffect = "Fresh certificate served", doneAt = now, observedEffect = "Nothing changed", verdict = "no_effect" }, Cancel);
        Assert.Equal(HttpStatusCode.Created, flush.StatusCode);

        var actions = (await world.GetAsync(1)).GetProperty("actions").EnumerateArray().ToList();
        Assert.Equal(["made_worse", "no_effect"], actions.Select(a => a.GetProperty("verdict").GetString()));
        var timeline = await world.TimelineAsync(1);
        Assert.Contains(timeline, e => e.GetProperty("text").GetString() == "Observed effect of 'Restart the edge proxies' (expected: Handshakes succeed): Full outage for 2 minutes — made it worse");
        Assert.Contains(timeline, e => e.GetProperty("text").GetString()!.EndsWith("observed: Nothing changed — no effect", StringComparison.Ordinal));
        var audit = await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/audit?entityType=incident_action&entityId={restart}", Cancel);
        var change = Assert.Single(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "updated").GetProperty("changes");
        Assert.Equal("madeWorse", change.GetProperty("verdict")[1].GetString());
        Assert.Equal("Ana", Assert.Single(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "updated").GetProperty("actorName").GetString());
    }

    [Fact]
    public async Task TheConsolesActionFormRecordsTheVerdictAndShowsIt()
    {
        await using var world = await IncidentWorld.CreateAsync();
        await world.DeclareAsync(new { title = "Checkout refuses TLS", severity = "SEV2", services = new[] { world.Alerts.Service } }, who: "Ana");
        var restart = await ActionAsync(world.As("Ana"), "Restart the edge proxies", "Handshakes succeed");
        (await world.Admin.PutAsJsonAsync($"/api/v1/users/{world.People["Ana"].Id}/password", new { newPassword = Password }, Cancel)).EnsureSuccessStatusCode();
        var email = (await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{world.People["Ana"].Id}", Cancel)).GetProperty("email").GetString()!;
        var browser = new ConsoleClient(world.Host);
        await browser.SignInAsync(email, Password);
        Assert.Contains("<option value=\"made_worse\">made it worse</option>", await browser.GetPageAsync("/incidents/1"), StringComparison.Ordinal);

        var refused = await browser.PostFormAsync("/incidents/1", "/incidents/1?handler=Observe", ("action", restart.ToString()), ("observedEffect", "Full outage"), ("verdict", "bogus"), ("done", "true"));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("&#x27;verdict&#x27; must be one of", await refused.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, Assert.Single((await world.GetAsync(1)).GetProperty("actions").EnumerateArray()).GetProperty("observedEffect").ValueKind);

        var posted = await browser.PostFormAsync("/incidents/1", "/incidents/1?handler=Observe", ("action", restart.ToString()), ("observedEffect", "Full outage"), ("verdict", "made_worse"), ("done", "true"));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal("made_worse", Assert.Single((await world.GetAsync(1)).GetProperty("actions").EnumerateArray()).GetProperty("verdict").GetString());
        Assert.Contains("— made it worse</span>", await browser.GetPageAsync("/incidents/1"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDraftProposesWhatMadeItWorseAndWhatWasNotJudgedButNotWhatWorkedOrDidNothing()
    {
        await using var world = await IncidentWorld.CreateAsync();
        await world.DeclareAsync(new { title = "Checkout refuses TLS", severity = "SEV2", services = new[] { world.Alerts.Service } }, who: "Ana");
        var ana = world.As("Ana");
        var now = world.Host.Clock.GetUtcNow();
        foreach (var (intent, observed, verdict) in new[]
        {
            ("Restart the edge proxies", "Full outage for 2 minutes", "made_worse"),
            ("Flush the CDN", "Nothing changed", "no_effect"),
            ("Issue a certificate by hand", "Browsers accept checkout", "as_expected"),
            ("Drain the Frankfurt region", "Errors halved", (string?)null),
        })
        {
            (await ana.PostAsJsonAsync("/api/v1/incidents/1/actions", new { intent, expectedEffect = "Checkout works", doneAt = now, observedEffect = observed, verdict }, Cancel)).EnsureSuccessStatusCode();
        }
        (await ana.PostAsJsonAsync("/api/v1/incidents/1/status", new { status = "resolved", @override = "renewed" }, Cancel)).EnsureSuccessStatusCode();

        var drafted = await ana.GetFromJsonAsync<JsonElement>("/api/v1/incidents/1/postmortem", Cancel);
        var factors = drafted.GetProperty("contributingFactors").GetString()!;
        Assert.StartsWith("Actions that made it worse:\n\n- made it worse: Restart the edge proxies (09:00 UTC, decided by Ana) — expected Checkout works, observed Full outage for 2 minutes.", factors, StringComparison.Ordinal);
        Assert.Contains("Actions taken, expected against observed — did any make it worse?\n\n- 09:00 UTC, Drain the Frankfurt region (decided by Ana): expected Checkout works; observed Errors halved.", factors, StringComparison.Ordinal);
        Assert.DoesNotContain("Flush the CDN", factors, StringComparison.Ordinal);
        Assert.DoesNotContain("Issue a certificate by hand", factors, StringComparison.Ordinal);
    }
}
