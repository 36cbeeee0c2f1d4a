using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Steady.Server.Tests;

public sealed class AccountsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly SteadyHost _host = fixture.Host;
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task ATokenSecretIsShownOnceAndOnlyItsHashIsStored()
    {
        var (_, token) = await _host.CreateUserAsync("Tina");
        var created = await (await _host.As(token).PostAsJsonAsync("/api/v1/tokens", new { name = "ci" }, _ct)).Content.ReadFromJsonAsync<JsonElement>(_ct);
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("stdy_", secret);

        var listed = await _host.As(token).GetStringAsync("/api/v1/tokens", _ct);
        Assert.DoesNotContain(secret, listed);
        var stored = await _host.WithDbAsync((db, _) => db.ApiTokens.AsNoTracking().Select(t => t.Hash).ToListAsync());
        Assert.DoesNotContain(secret, stored);

        Assert.Equal(HttpStatusCode.OK, (await _host.As(secret).GetAsync("/api/v1/me", _ct)).StatusCode);
    }

    [Fact]
    public async Task ARevokedTokenIsRefusedAtOnce()
    {
        var (_, token) = await _host.CreateUserAsync("Rory");
        var created = await (await _host.As(token).PostAsJsonAsync("/api/v1/tokens", new { name = "short-lived" }, _ct)).Content.ReadFromJsonAsync<JsonElement>(_ct);
        var secret = created.GetProperty("secret").GetString()!;
        var id = created.GetProperty("token").GetProperty("id").GetGuid();

        Assert.Equal(HttpStatusCode.NoContent, (await _host.As(secret).DeleteAsync($"/api/v1/tokens/{id}", _ct)).StatusCode);

        var refused = await _host.As(secret).GetAsync("/api/v1/me", _ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("revoked", await refused.Content.ReadAsStringAsync(_ct));
    }

    [Fact]
    public async Task AnExpiredTokenIsRefused()
    {
        var (_, token) = await _host.CreateUserAsync("Eve");
        var created = await (await _host.As(token).PostAsJsonAsync("/api/v1/tokens", new { name = "day", expiresAt = _host.Clock.GetUtcNow().AddDays(1) }, _ct)).Content.ReadFromJsonAsync<JsonElement>(_ct);
        var secret = created.GetProperty("secret").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await _host.As(secret).GetAsync("/api/v1/me", _ct)).StatusCode);

        _host.Clock.Advance(TimeSpan.FromDays(2));

        Assert.Equal(HttpStatusCode.Unauthorized, (await _host.As(secret).GetAsync("/api/v1/me", _ct)).StatusCode);
    }

    [Fact]
    public async Task TheLastUseOfATokenIsRecorded()
    {
        var (userId, token) = await _host.CreateUserAsync("Lou");
        await _host.As(token).GetAsync("/api/v1/me", _ct);
        var tokens = await _host.As(token).GetFromJsonAsync<JsonElement>("/api/v1/tokens", _ct);
        var used = tokens.EnumerateArray().Single(t => t.GetProperty("userId").GetGuid() == userId);
        Assert.Equal(JsonValueKind.String, used.GetProperty("lastUsedAt").ValueKind);
    }

    [Fact]
    public async Task ADisabledUsersTokensStopWorking()
    {
        var (userId, token) = await _host.CreateUserAsync("Dee");
        Assert.Equal(HttpStatusCode.OK, (await _host.As(token).GetAsync("/api/v1/me", _ct)).StatusCode);
        (await _host.Admin().PatchAsJsonAsync($"/api/v1/users/{userId}", new { disabled = true }, _ct)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Unauthorized, (await _host.As(token).GetAsync("/api/v1/me", _ct)).StatusCode);
    }

    [Fact]
    public async Task ARoleGrantedTakesEffectOnTheNextRequest()
    {
        var (userId, token) = await _host.CreateUserAsync("Gil");
        var team = (await (await _host.Admin().PostAsJsonAsync("/api/v1/teams", new { name = "Grant " + Guid.NewGuid().ToString("N")[..6] }, _ct)).Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("id").GetGuid();
        var body = new { name = "svc-" + Guid.NewGuid().ToString("N")[..8], teamId = team };
        Assert.Equal(HttpStatusCode.Forbidden, (await _host.As(token).PostAsJsonAsync("/api/v1/services", body, _ct)).StatusCode);

        (await _host.Admin().PutAsJsonAsync($"/api/v1/teams/{team}/members/{userId}", new { role = "admin" }, _ct)).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Created, (await _host.As(token).PostAsJsonAsync("/api/v1/services", body, _ct)).StatusCode);
    }

    [Fact]
    public async Task PeopleCanEditTheirOwnProfileButNotGrantThemselvesAdministration()
    {
        var (userId, token) = await _host.CreateUserAsync("Sam");
        var ok = await _host.As(token).PatchAsJsonAsync($"/api/v1/users/{userId}", new { timeZone = "Asia/Tokyo" }, _ct);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("Asia/Tokyo", (await ok.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("timeZone").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await _host.As(token).PatchAsJsonAsync($"/api/v1/users/{userId}", new { isAdmin = true }, _ct)).StatusCode);
    }

    [Fact]
    public async Task ChangingYourOwnPasswordNeedsTheCurrentOne()
    {
        var (userId, token) = await _host.CreateUserAsync("Pat");
        (await _host.As(token).PutAsJsonAsync($"/api/v1/users/{userId}/password", new { newPassword = "correct horse battery" }, _ct)).EnsureSuccessStatusCode();
        var wrong = await _host.As(token).PutAsJsonAsync($"/api/v1/users/{userId}/password", new { newPassword = "another long password", currentPassword = "nope" }, _ct);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("currentPassword", await wrong.Content.ReadAsStringAsync(_ct));
        var right = await _host.As(token).PutAsJsonAsync($"/api/v1/users/{userId}/password", new { newPassword = "another long password", currentPassword = "correct horse battery" }, _ct);
        Assert.Equal(HttpStatusCode.NoContent, right.StatusCode);
    }

    [Fact]
    public async Task EveryChangeIsInTheAuditLogWithWhoAndWhatButNoSecrets()
    {
        var (userId, token) = await _host.CreateUserAsync("Audrey");
        var team = (await (await _host.Admin().PostAsJsonAsync("/api/v1/teams", new { name = "Audited" }, _ct)).Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("id").GetGuid();
        (await _host.Admin().PutAsJsonAsync($"/api/v1/teams/{team}/members/{userId}", new { role = "admin" }, _ct)).EnsureSuccessStatusCode();
        var service = await (await _host.As(token).PostAsJsonAsync("/api/v1/services", new { name = "audited-svc", teamId = team }, _ct)).Content.ReadFromJsonAsync<JsonElement>(_ct);
        var key = await (await _host.As(token).PostAsJsonAsync($"/api/v1/services/audited-svc/integration-keys", new { name = "am" }, _ct)).Content.ReadFromJsonAsync<JsonElement>(_ct);
        (await _host.As(token).PutAsJsonAsync($"/api/v1/users/{userId}/password", new { newPassword = "a very secret passphrase" }, _ct)).EnsureSuccessStatusCode();

        var audit = await _host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/audit?actorId={userId}", _ct);
        var entries = audit.GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(entries, e => e.GetProperty("action").GetString() == "created" && e.GetProperty("entityType").GetString() == "service"
            && e.GetProperty("entityId").GetString() == service.GetProperty("id").GetString() && e.GetProperty("actorName").GetString() == "Audrey");
        Assert.Contains(entries, e => e.GetProperty("entityType").GetString() == "integration_key");
        Assert.Contains(entries, e => e.GetProperty("entityType").GetString() == "user" && e.GetProperty("changes").TryGetProperty("password", out _));

        var everything = await _host.Admin().GetStringAsync("/api/v1/audit?limit=500", _ct);
        Assert.DoesNotContain(key.GetProperty("key").GetString()!, everything);
        Assert.DoesNotContain("a very secret passphrase", everything);
        Assert.DoesNotContain("AQAAAA", everything); // the PasswordHasher's hash prefix
        Assert.DoesNotContain(token, everything);
    }

    [Fact]
    public async Task TheAuditLogPagesFromNewestToOldest()
    {
        for (var i = 0; i < 5; i++)
            (await _host.Admin().PostAsJsonAsync("/api/v1/teams", new { name = $"Paged {i} {Guid.NewGuid():N}" }, _ct)).EnsureSuccessStatusCode();
        var first = await _host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/audit?limit=2", _ct);
        var next = first.GetProperty("next").GetString();
        Assert.NotNull(next);
        var second = await _host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/audit?limit=2&cursor={next}", _ct);
        var firstIds = first.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToList();
        var secondIds = second.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToList();
        Assert.Equal(2, secondIds.Count);
        Assert.Empty(firstIds.Intersect(secondIds));
        Assert.True(string.CompareOrdinal(firstIds[^1], secondIds[0]) > 0, "pages go from newest to oldest");
    }
}
