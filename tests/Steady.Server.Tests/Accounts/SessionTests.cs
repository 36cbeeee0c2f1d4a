using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Steady.Server.Features.Accounts;

namespace Steady.Server.Tests.Accounts;

/// <summary>Console sessions live in the database: the cookie is only a reference, and a session that ended refuses its cookie at once.</summary>
public sealed class SessionTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Password = "a long first password";
    private readonly SteadyHost _host = fixture.Host;
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task ACookieReplayedAfterSignOutIsRefused()
    {
        var (email, _) = await PersonAsync();
        var browser = new ConsoleClient(_host);
        await browser.SignInAsync(email, Password);
        var cookie = SessionCookie(browser);
        Assert.Equal(HttpStatusCode.OK, (await Replay(cookie).GetAsync("/account", _ct)).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostFormAsync("/", "/logout")).StatusCode);

        var replayed = await Replay(cookie).GetAsync("/account", _ct);
        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.Contains("/login", replayed.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APasswordChangeEndsThePersonsOtherSessionsButNotTheOneItWasMadeIn()
    {
        var (email, _) = await PersonAsync();
        var laptop = new ConsoleClient(_host);
        var phone = new ConsoleClient(_host);
        await laptop.SignInAsync(email, Password);
        await phone.SignInAsync(email, Password);
        var phoneCookie = SessionCookie(phone);

        var changed = await laptop.PostFormAsync("/account", "/account?handler=Password", ("CurrentPassword", Password), ("NewPassword", "a brand new long password"));
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("/account")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await phone.GetAsync("/account")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await Replay(phoneCookie).GetAsync("/", _ct)).StatusCode);
    }

    [Fact]
    public async Task APasswordSetThroughTheApiEndsEverySessionAndRevokesTheTokensWhenAsked()
    {
        var (email, id) = await PersonAsync();
        var browser = new ConsoleClient(_host);
        await browser.SignInAsync(email, Password);
        var (_, token) = await TokenForAsync(id);

        (await _host.Admin().PutAsJsonAsync($"/api/v1/users/{id}/password", new { newPassword = "reset by the admin", revokeTokens = true }, _ct)).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/account")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _host.As(token).GetAsync("/api/v1/me", _ct)).StatusCode);
        var audit = await _host.Admin().GetStringAsync($"/api/v1/audit?entityType=session&limit=500", _ct);
        Assert.Contains("password changed", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAdministratorEndsAnotherPersonsSessionsThroughTheApiAndTheConsole()
    {
        var (email, id) = await PersonAsync();
        var browser = new ConsoleClient(_host);
        await browser.SignInAsync(email, Password);
        var listed = await _host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/users/{id}/sessions", _ct);
        Assert.Single(listed.EnumerateArray().ToList());
        var (_, other) = await PersonAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await _host.As((await TokenForAsync(other)).Token).DeleteAsync($"/api/v1/users/{id}/sessions", _ct)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await _host.Admin().DeleteAsync($"/api/v1/users/{id}/sessions", _ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/account")).StatusCode);
        Assert.Empty((await _host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/users/{id}/sessions", _ct)).EnumerateArray());

        await browser.SignInAsync(email, Password);
        var (adminEmail, _) = await PersonAsync(isAdmin: true);
        var admin = new ConsoleClient(_host);
        await admin.SignInAsync(adminEmail, Password);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostFormAsync($"/users/{id}", $"/users/{id}?handler=EndSessions")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/account")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/account")).StatusCode);
    }

    [Fact]
    public async Task APersonSeesTheirSessionsOnTheAccountPageAndEndsAnother()
    {
        var (email, _) = await PersonAsync();
        var laptop = new ConsoleClient(_host);
        var phone = new ConsoleClient(_host);
        await laptop.SignInAsync(email, Password);
        await phone.SignInAsync(email, Password);

        var page = await laptop.GetPageAsync("/account");
        Assert.Contains("this session", page, StringComparison.Ordinal);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(page, "<td class=\"mono\">127.0.0.1</td>").Count);

        Assert.Equal(HttpStatusCode.Redirect, (await laptop.PostFormAsync("/account", "/account?handler=EndOtherSessions")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await phone.GetAsync("/account")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("/account")).StatusCode);
    }

    [Fact]
    public async Task TheCookieCarriesOnlyAReferenceAndTheDatabaseOnlyItsHash()
    {
        var (email, id) = await PersonAsync();
        var browser = new ConsoleClient(_host);
        await browser.SignInAsync(email, Password);
        var cookie = browser.Cookies.GetCookies(_host.BaseAddress)["steady_session"]!;
        Assert.False(cookie.Secure); // plain HTTP here; Secure over HTTPS (ProxyTests)
        Assert.True(cookie.HttpOnly);
        var rows = await _host.WithDbAsync((db, _) => db.Set<ConsoleSession>().AsNoTracking().Where(s => s.UserId == id).ToListAsync());
        var row = Assert.Single(rows);
        Assert.Equal(64, row.KeyHash.Length);
        Assert.DoesNotContain(email, cookie.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASessionUnusedLongerThanTheIdleTimeoutHasEnded()
    {
        await using var host = await SteadyHost.StartAsync();
        var email = $"idle.{Guid.NewGuid():N}@example.com";
        (await host.Admin().PostAsJsonAsync("/api/v1/users", new { name = "Idle", email, password = Password }, _ct)).EnsureSuccessStatusCode();
        var browser = new ConsoleClient(host);
        await browser.SignInAsync(email, Password);
        host.Clock.Advance(TimeSpan.FromHours(11));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account")).StatusCode);
        host.Clock.Advance(TimeSpan.FromHours(12) + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/account")).StatusCode);
    }

    private string SessionCookie(ConsoleClient browser) => browser.Cookies.GetCookies(_host.BaseAddress)["steady_session"]!.Value;

    private HttpClient Replay(string cookie)
    {
        var client = _host.Anonymous();
        client.DefaultRequestHeaders.Add("Cookie", "steady_session=" + cookie);
        return client;
    }

    private async Task<(string Email, Guid Id)> PersonAsync(bool isAdmin = false)
    {
        var email = $"session.{Guid.NewGuid():N}@example.com";
        var response = await _host.Admin().PostAsJsonAsync("/api/v1/users", new { name = "Session Person", email, password = Password, isAdmin }, _ct);
        response.EnsureSuccessStatusCode();
        return (email, (await response.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("id").GetGuid());
    }

    private async Task<(Guid Id, string Token)> TokenForAsync(Guid userId)
    {
        var token = Steady.Core.Accounts.Secrets.NewToken();
        await _host.WithDbAsync(async (db, sp) =>
        {
            sp.GetRequiredService<Steady.Server.Features.Tokens.TokenCommands>().Issue(userId, "test", token);
            return await db.SaveChangesAsync();
        });
        return (userId, token);
    }
}
