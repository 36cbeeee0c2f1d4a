using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;

namespace Steady.Server.Tests.Accounts;

/// <summary>
/// Behind a reverse proxy: X-Forwarded-* are honoured only from Steady:ForwardedHeaders' proxies — then the cookie is
/// Secure over HTTPS and each client has its own rate-limit bucket and audit address; from anyone else they are ignored.
/// </summary>
public sealed partial class ProxyTests
{
    private const string Password = "a proxy-era password";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThroughATrustedProxyTheCookieIsSecureAndEachClientHasItsOwnBucket()
    {
        await using var host = await StartAsync(knownProxy: "127.0.0.1");
        var email = await PersonAsync(host);

        var signedIn = await SignInAsync(host, email, Password, client: "203.0.113.7", https: true);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var cookie = SessionSetCookie(signedIn);
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("max-age=31536000", signedIn.Headers.GetValues("Strict-Transport-Security").Single());

        for (var i = 0; i < 3; i++)
            await SignInAsync(host, $"nobody{i}@example.com", "wrong", client: "198.51.100.1", https: true);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SignInAsync(host, email, Password, client: "198.51.100.1", https: true)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(host, email, Password, client: "198.51.100.2", https: true)).StatusCode);

        var audit = await host.Admin().GetStringAsync("/api/v1/audit?limit=500", _ct);
        Assert.Contains("203.0.113.7", audit, StringComparison.Ordinal);
        Assert.Contains("\"entityType\":\"sign_in_address\",\"entityId\":\"198.51.100.1\"", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FromAnUntrustedAddressTheForwardedHeadersAreIgnored()
    {
        await using var host = await StartAsync(knownProxy: "10.9.9.9");
        var email = await PersonAsync(host);

        var signedIn = await SignInAsync(host, email, Password, client: "203.0.113.7", https: true);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.DoesNotContain("secure", SessionSetCookie(signedIn), StringComparison.OrdinalIgnoreCase);
        Assert.False(signedIn.Headers.Contains("Strict-Transport-Security"));

        for (var i = 0; i < 3; i++)
            await SignInAsync(host, $"nobody{i}@example.com", "wrong", client: "198.51.100.1", https: true);
        // Every "client" is the untrusted sender itself: one bucket, locked for all of them.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SignInAsync(host, email, Password, client: "198.51.100.2", https: true)).StatusCode);

        var audit = await host.Admin().GetStringAsync("/api/v1/audit?limit=500", _ct);
        Assert.DoesNotContain("203.0.113.7", audit, StringComparison.Ordinal);
        Assert.Contains("\"entityType\":\"sign_in_address\",\"entityId\":\"127.0.0.1\"", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithNoProxyConfiguredNobodysForwardedHeadersAreBelievedNotEvenLoopbacks()
    {
        await using var host = await SteadyHost.StartAsync(b => b.UseSetting("Steady:SignIn:MaxFailuresPerAddress", "3"));
        var email = await PersonAsync(host);

        var signedIn = await SignInAsync(host, email, Password, client: "203.0.113.7", https: true);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.DoesNotContain("secure", SessionSetCookie(signedIn), StringComparison.OrdinalIgnoreCase);
        Assert.False(signedIn.Headers.Contains("Strict-Transport-Security"));
        var audit = await host.Admin().GetStringAsync("/api/v1/audit?limit=500", _ct);
        Assert.DoesNotContain("203.0.113.7", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMisconfiguredProxyAddressStopsTheServerWithTheSettingNamed()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(knownProxy: "not-an-address"));
        Assert.Contains("Steady:ForwardedHeaders:KnownProxies", failure.ToString(), StringComparison.Ordinal);
    }

    private static Task<SteadyHost> StartAsync(string knownProxy) => SteadyHost.StartAsync(b =>
    {
        b.UseSetting("Steady:ForwardedHeaders:KnownProxies:0", knownProxy);
        b.UseSetting("Steady:SignIn:MaxFailuresPerAddress", "3");
    });

    /// <summary>A browser's sign-in as a proxy passes it on: the form's antiforgery token and cookie, and X-Forwarded-For/-Proto.</summary>
    private async Task<HttpResponseMessage> SignInAsync(SteadyHost host, string email, string password, string client, bool https)
    {
        using var http = host.Anonymous();
        void Forward(HttpRequestMessage r)
        {
            r.Headers.Add("X-Forwarded-For", client);
            r.Headers.Add("X-Forwarded-Proto", https ? "https" : "http");
        }
        var get = new HttpRequestMessage(HttpMethod.Get, "/login");
        Forward(get);
        var form = await http.SendAsync(get, _ct);
        var page = await form.Content.ReadAsStringAsync(_ct);
        var token = AntiforgeryField().Match(page).Groups[1].Value;
        var antiforgery = form.Headers.GetValues("Set-Cookie").First(c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal)).Split(';')[0];
        var post = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent([new("Email", email), new("Password", password), new("__RequestVerificationToken", token)]),
        };
        post.Headers.Add("Cookie", antiforgery);
        Forward(post);
        return await http.SendAsync(post, _ct);
    }

    private static string SessionSetCookie(HttpResponseMessage response) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("steady_session=", StringComparison.Ordinal));

    private async Task<string> PersonAsync(SteadyHost host)
    {
        var email = $"proxied.{Guid.NewGuid():N}@example.com";
        (await host.Admin().PostAsJsonAsync("/api/v1/users", new { name = "Proxied Person", email, password = Password }, _ct)).EnsureSuccessStatusCode();
        return email;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
