using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Steady.Server.Tests.Accounts;

/// <summary>Sign-in is throttled per account and per address, locks out after repeated failures, and every attempt is audited.</summary>
public sealed class SignInThrottlingTests
{
    private const string Password = "the right long password";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwentyWrongPasswordsAreThrottledAndLockTheAccountUntilTheLockoutEnds()
    {
        await using var host = await SteadyHost.StartAsync();
        var email = await PersonAsync(host);
        var browser = new ConsoleClient(host);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            var response = await browser.PostFormAsync("/login", "/login", ("Email", email), ("Password", $"wrong guess {i}"));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
                Assert.Contains("Too many failed sign-ins", await response.Content.ReadAsStringAsync(_ct));
            }
        }
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 4).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 16)), statuses);

        var during = await browser.PostFormAsync("/login", "/login", ("Email", email), ("Password", Password));
        Assert.Equal(HttpStatusCode.TooManyRequests, during.StatusCode);
        Assert.Contains("from your address", await during.Content.ReadAsStringAsync(_ct)); // the 21st attempt from this address: over its limit of 20
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/")).StatusCode);

        host.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var after = await browser.PostFormAsync("/login", "/login", ("Email", email), ("Password", Password));
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);

        var audit = await AuditAsync(host);
        Assert.Equal(5, audit.Count(e => e.Action == "sign_in_failed" && e.EntityId == email));
        Assert.Single(audit, e => e.Action == "sign_in_locked" && e.EntityType == "sign_in" && e.EntityId == email);
        Assert.Single(audit, e => e.Action == "sign_in_locked" && e.EntityType == "sign_in_address");
        Assert.Single(audit, e => e.Action == "signed_in" && e.ActorName == "Throttled Person");
        Assert.DoesNotContain(audit, e => e.Changes.Contains("wrong guess", StringComparison.Ordinal) || e.Changes.Contains(Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnUnknownEmailIsLockedExactlyLikeAKnownOne()
    {
        await using var host = await SteadyHost.StartAsync();
        var known = await PersonAsync(host);
        var unknown = $"nobody.{Guid.NewGuid():N}@example.com";
        var browser = new ConsoleClient(host);

        foreach (var email in new[] { known, unknown })
        {
            var answers = new List<(HttpStatusCode, bool)>();
            for (var i = 0; i < 7; i++)
            {
                var response = await browser.PostFormAsync("/login", "/login", ("Email", email), ("Password", "not it at all"));
                var page = await response.Content.ReadAsStringAsync(_ct);
                answers.Add((response.StatusCode, page.Contains("The email or password is not correct.", StringComparison.Ordinal)));
            }
            Assert.Equal(
                [(HttpStatusCode.OK, true), (HttpStatusCode.OK, true), (HttpStatusCode.OK, true), (HttpStatusCode.OK, true),
                 (HttpStatusCode.TooManyRequests, false), (HttpStatusCode.TooManyRequests, false), (HttpStatusCode.TooManyRequests, false)],
                answers);
        }
    }

    [Fact]
    public async Task ManyFailuresFromOneAddressLockTheAddressWhateverTheAccounts()
    {
        await using var host = await SteadyHost.StartAsync();
        var email = await PersonAsync(host);
        var browser = new ConsoleClient(host);
        for (var i = 0; i < 19; i++)
        {
            var response = await browser.PostFormAsync("/login", "/login", ("Email", $"spray{i}@example.com"), ("Password", "Winter2026!"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await browser.PostFormAsync("/login", "/login", ("Email", "spray19@example.com"), ("Password", "Winter2026!"))).StatusCode);

        var refused = await browser.PostFormAsync("/login", "/login", ("Email", email), ("Password", Password));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Contains("from your address", await refused.Content.ReadAsStringAsync(_ct));
        var audit = await AuditAsync(host);
        Assert.Single(audit, e => e.Action == "sign_in_locked" && e.EntityType == "sign_in_address" && e.EntityId == "127.0.0.1");

        host.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostFormAsync("/login", "/login", ("Email", email), ("Password", Password))).StatusCode);
    }

    [Fact]
    public async Task ASuccessfulSignInStartsTheAccountsCountOver()
    {
        await using var host = await SteadyHost.StartAsync();
        var email = await PersonAsync(host);
        var browser = new ConsoleClient(host);
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 4; i++)
                Assert.Equal(HttpStatusCode.OK, (await browser.PostFormAsync("/login", "/login", ("Email", email), ("Password", "typo typo typo"))).StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, (await browser.PostFormAsync("/login", "/login", ("Email", email), ("Password", Password))).StatusCode);
        }
    }

    [Fact]
    public async Task SignInAndSignOutAreAuditedWithTheAddress()
    {
        await using var host = await SteadyHost.StartAsync();
        var email = await PersonAsync(host);
        var browser = new ConsoleClient(host);
        await browser.SignInAsync(email, Password);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostFormAsync("/", "/logout")).StatusCode);

        var audit = await AuditAsync(host);
        var signedIn = Assert.Single(audit, e => e.Action == "signed_in");
        var signedOut = Assert.Single(audit, e => e.Action == "signed_out");
        Assert.Equal("Throttled Person", signedIn.ActorName);
        Assert.Equal("Throttled Person", signedOut.ActorName);
        Assert.Contains("127.0.0.1", signedIn.Changes, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", signedOut.Changes, StringComparison.Ordinal);
    }

    private async Task<string> PersonAsync(SteadyHost host)
    {
        var email = $"person.{Guid.NewGuid():N}@example.com";
        (await host.Admin().PostAsJsonAsync("/api/v1/users", new { name = "Throttled Person", email, password = Password }, _ct)).EnsureSuccessStatusCode();
        return email;
    }

    private async Task<List<Entry>> AuditAsync(SteadyHost host)
    {
        var page = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/audit?limit=500", _ct);
        return page.GetProperty("items").EnumerateArray()
            .Select(e => new Entry(e.GetProperty("action").GetString()!, e.GetProperty("entityType").GetString()!, e.GetProperty("entityId").GetString()!,
                e.GetProperty("actorName").GetString()!, e.GetProperty("changes").GetRawText()))
            .ToList();
    }

    private sealed record Entry(string Action, string EntityType, string EntityId, string ActorName, string Changes);
}
