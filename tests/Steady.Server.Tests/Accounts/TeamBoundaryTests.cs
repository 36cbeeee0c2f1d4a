using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Steady.Server.Tests.Accounts;

/// <summary>
/// Team boundaries (issue 15), beyond who may (AuthorizationMatrixTests.Crossings): a refusal says what crosses
/// into which team and leaves nothing written — no incident, no freeze, no policy, no audit entry; a crossing an
/// organization admin made does not stop the team from editing the rest; the console's forms refuse the same.
/// </summary>
public sealed class TeamBoundaryTests
{
    private const string Password = "a long enough password";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private sealed record World(SteadyHost Host, Guid TeamA, Guid TeamB, Guid Responder, string ResponderEmail, HttpClient ResponderOfA, HttpClient AdminOfA, Guid PersonOfB, string KeyA);

    private static async Task<World> CreateAsync(SteadyHost host)
    {
        var admin = host.Admin();
        var teamA = await IdAsync(await admin.PostAsJsonAsync("/api/v1/teams", new { name = "Payments" }, Cancel));
        var teamB = await IdAsync(await admin.PostAsJsonAsync("/api/v1/teams", new { name = "Search" }, Cancel));
        var email = $"rita.{Guid.NewGuid():N}@example.com";
        var responder = await IdAsync(await admin.PostAsJsonAsync("/api/v1/users", new { name = "Rita", email, password = Password }, Cancel));
        var (_, responderToken) = await TokenForAsync(host, responder);
        var (teamAdmin, adminToken) = await host.CreateUserAsync("Ada");
        var (personOfB, _) = await host.CreateUserAsync("Sam Search");
        foreach (var (team, user, role) in new[] { (teamA, responder, "responder"), (teamA, teamAdmin, "admin"), (teamB, personOfB, "admin") })
            (await admin.PutAsJsonAsync($"/api/v1/teams/{team}/members/{user}", new { role }, Cancel)).EnsureSuccessStatusCode();
        var serviceA = await IdAsync(await admin.PostAsJsonAsync("/api/v1/services", new { name = "checkout", teamId = teamA }, Cancel));
        await IdAsync(await admin.PostAsJsonAsync("/api/v1/services", new { name = "search-api", teamId = teamB }, Cancel));
        var key = await admin.PostAsJsonAsync($"/api/v1/services/{serviceA}/integration-keys", new { name = "prometheus" }, Cancel);
        var keyA = (await key.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("key").GetString()!;
        return new World(host, teamA, teamB, responder, email, host.As(responderToken), host.As(adminToken), personOfB, keyA);
    }

    [Fact]
    public async Task DeclaringOnAnotherTeamsServiceBesideOnesOwnIsRefusedAndWritesNothing()
    {
        await using var host = await SteadyHost.StartAsync();
        var world = await CreateAsync(host);
        var audited = await AuditCountAsync(host);

        var refused = await world.ResponderOfA.PostAsJsonAsync("/api/v1/incidents", new { title = "Everything is slow", severity = "SEV1", services = new[] { "checkout", "search-api" } }, Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var detail = (await refused.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("detail").GetString()!;
        Assert.Contains("you do not respond for search-api", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("checkout", detail, StringComparison.Ordinal);
        Assert.Empty((await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/incidents?status=all", Cancel)).GetProperty("items").EnumerateArray());
        var freeze = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/freeze?service=search-api", Cancel);
        Assert.False(freeze.GetProperty("frozen").GetBoolean()); // a SEV1 would have frozen team B's service
        Assert.Equal(audited, await AuditCountAsync(host));

        // On its own team's service alone, the same responder declares.
        var own = await world.ResponderOfA.PostAsJsonAsync("/api/v1/incidents", new { title = "Checkout slow", severity = "SEV3", services = new[] { "checkout" } }, Cancel);
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
    }

    [Fact]
    public async Task TheConsoleRefusesToDeclareFromOnesOwnAlertOnAnotherTeamsService()
    {
        await using var host = await SteadyHost.StartAsync();
        var world = await CreateAsync(host);
        var dedupKey = "boundary-" + Guid.NewGuid().ToString("N");
        (await host.Anonymous().PostAsJsonAsync($"/intake/{world.KeyA}/generic", new { summary = "Checkout errors", dedup_key = dedupKey }, Cancel)).EnsureSuccessStatusCode();
        var alerts = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/alerts?service=checkout", Cancel);
        var alertId = alerts.GetProperty("items").EnumerateArray().Single(a => a.GetProperty("dedupKey").GetString() == dedupKey).GetProperty("id").GetString()!;
        var browser = new ConsoleClient(host);
        await browser.SignInAsync(world.ResponderEmail, Password);

        // The alert's group puts checkout first; the form names team B's service beside it.
        var posted = await browser.PostFormAsync($"/incidents/declare?alert={alertId}", "/incidents/declare",
            ("Severity", "SEV2"), ("Alert", alertId), ("Service", "search-api"), ("Title", "Checkout and search down"));

        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var page = WebUtility.HtmlDecode(await posted.Content.ReadAsStringAsync(Cancel));
        Assert.Contains("you do not respond for search-api", page, StringComparison.Ordinal);
        Assert.Empty((await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/incidents?status=all", Cancel)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task ARefusedCrossingSaysWhatCrossesAndWritesNothing()
    {
        await using var host = await SteadyHost.StartAsync();
        var world = await CreateAsync(host);
        var audited = await AuditCountAsync(host);

        var policy = await world.AdminOfA.PostAsJsonAsync("/api/v1/escalation-policies", new
        {
            name = "payments-oncall",
            team = world.TeamA.ToString(),
            escalation_chain = new object[] { new { notify = world.Responder.ToString(), wait = "5m" }, new { notify = world.PersonOfB.ToString() } },
        }, Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, policy.StatusCode);
        var detail = (await policy.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("detail").GetString()!;
        Assert.Contains("Payments's escalation policy 'payments-oncall' cannot name Sam Search, who is not in the team", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Admin().GetAsync("/api/v1/escalation-policies/payments-oncall", Cancel)).StatusCode);

        // steady apply refuses the same, with the same words, and applies nothing of the file.
        var applied = await world.AdminOfA.PostAsJsonAsync("/api/v1/config/apply", new
        {
            kind = "escalation_policy",
            name = "payments-oncall",
            team = "Payments",
            escalation_chain = new object[] { new { notify = world.ResponderEmail, wait = "5m" }, new { notify = "team:Search" } },
        }, Cancel);
        Assert.Equal(HttpStatusCode.Forbidden, applied.StatusCode);
        Assert.Contains("Payments's escalation policy 'payments-oncall' cannot name the members of Search", (await applied.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Admin().GetAsync("/api/v1/escalation-policies/payments-oncall", Cancel)).StatusCode);
        Assert.Equal(audited, await AuditCountAsync(host));
    }

    [Fact]
    public async Task ACrossingAnOrganizationAdminMadeDoesNotStopTheTeamEditingTheRest()
    {
        await using var host = await SteadyHost.StartAsync();
        var world = await CreateAsync(host);
        var chain = new object[] { new { notify = world.Responder.ToString(), wait = "5m" }, new { notify = world.PersonOfB.ToString() } };
        var id = await IdAsync(await host.Admin().PostAsJsonAsync("/api/v1/escalation-policies", new { name = "payments-oncall", team = world.TeamA.ToString(), escalation_chain = chain }, Cancel));

        // Team A's admin changes the wait and the description: the person of team B stays, as the organization admin set it.
        var kept = await world.AdminOfA.PutAsJsonAsync($"/api/v1/escalation-policies/{id}", new
        {
            name = "payments-oncall",
            description = "Checkout first",
            escalation_chain = new object[] { new { notify = world.Responder.ToString(), wait = "10m" }, new { notify = world.PersonOfB.ToString() } },
        }, Cancel);
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);

        // Adding another of team B's is still theirs to refuse.
        var schedule = await IdAsync(await host.Admin().PostAsJsonAsync("/api/v1/schedules", new
        {
            name = "search-rota",
            team = world.TeamB.ToString(),
            timeZone = "Europe/Berlin",
            layers = new[] { new { name = "weekly", participants = new[] { world.PersonOfB }, firstHandoff = "2026-01-05T09:00", rotation = "weekly" } },
        }, Cancel));
        var added = await world.AdminOfA.PutAsJsonAsync($"/api/v1/escalation-policies/{id}", new
        {
            name = "payments-oncall",
            escalation_chain = new object[] { new { notify = world.Responder.ToString(), wait = "10m" }, new { notify = world.PersonOfB.ToString(), wait = "5m" }, new { notify = schedule.ToString() } },
        }, Cancel);
        Assert.Equal(HttpStatusCode.Forbidden, added.StatusCode);
        Assert.Contains("Search's schedule 'search-rota'", (await added.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var stored = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/escalation-policies/{id}", Cancel);
        Assert.DoesNotContain(schedule.ToString(), stored.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("search-rota", stored.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("Checkout first", stored.GetRawText(), StringComparison.Ordinal);
    }

    private static Task<int> AuditCountAsync(SteadyHost host) => host.WithDbAsync((db, _) => db.AuditEntries.CountAsync());

    private static async Task<(Guid, string)> TokenForAsync(SteadyHost host, Guid user)
    {
        var token = Steady.Core.Accounts.Secrets.NewToken();
        await host.WithDbAsync(async (db, sp) =>
        {
            sp.GetRequiredService<Steady.Server.Features.Tokens.TokenCommands>().Issue(user, "test", token);
            return await db.SaveChangesAsync();
        });
        return (user, token);
    }

    private static async Task<Guid> IdAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }
}
