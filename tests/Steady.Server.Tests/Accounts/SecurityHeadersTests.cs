using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Steady.Server.Tests.Accounts;

/// <summary>Every console page forbids framing, sniffing, foreign referrers and any script but the server's own; the API and feeds carry their equivalents.</summary>
public sealed partial class SecurityHeadersTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Password = "a header-checking password";
    private readonly SteadyHost _host = fixture.Host;
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryConsolePageCarriesThePolicyAndHasNoInlineScript()
    {
        var email = $"headers.{Guid.NewGuid():N}@example.com";
        (await _host.Admin().PostAsJsonAsync("/api/v1/users", new { name = "Header Admin", email, password = Password, isAdmin = true }, _ct)).EnsureSuccessStatusCode();
        var browser = new ConsoleClient(_host);
        await browser.SignInAsync(email, Password);

        // Every page the server maps without a parameter, signed in, and the pages with one on made-up ids (their 404s).
        var pages = _host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.RazorPages.PageActionDescriptor>() is not null)
            .Select(e => "/" + e.RoutePattern.RawText!.Replace("{id:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal))
            .Where(p => !p.Contains('{', StringComparison.Ordinal))
            .Distinct().ToList();
        Assert.Contains("/account", pages);
        Assert.Contains("/login", pages);
        foreach (var path in pages.Append("/no-such-page"))
        {
            var response = await browser.GetAsync(path);
            AssertPageHeaders(response, path);
            var html = await response.Content.ReadAsStringAsync(_ct);
            Assert.DoesNotMatch(InlineScript(), html);
            Assert.DoesNotMatch(EventHandlerAttribute(), html);
            Assert.DoesNotContain(" style=\"", html, StringComparison.Ordinal); // the policy allows no style attributes
        }
        AssertPageHeaders(await new ConsoleClient(_host).GetAsync("/account"), "/account signed out (the redirect)");
    }

    [Fact]
    public async Task TheApiAndFeedsForbidRenderingFramingAndSniffing()
    {
        foreach (var response in new[]
        {
            await _host.Admin().GetAsync("/api/v1/me", _ct),
            await _host.Anonymous().GetAsync("/api/v1/me", _ct),
            await _host.Anonymous().GetAsync("/healthz", _ct),
            await _host.Anonymous().GetAsync("/ical/users/not-a-feed.ics", _ct),
            await _host.Anonymous().GetAsync("/openapi/v1.json", _ct),
        })
        {
            var what = response.RequestMessage!.RequestUri!.AbsolutePath;
            Assert.Equal("default-src 'none'; frame-ancestors 'none'; sandbox", Single(response, "Content-Security-Policy", what));
            Assert.Equal("DENY", Single(response, "X-Frame-Options", what));
            Assert.Equal("nosniff", Single(response, "X-Content-Type-Options", what));
            Assert.Equal("same-origin", Single(response, "Referrer-Policy", what));
            Assert.False(response.Headers.Contains("Strict-Transport-Security"), $"{what}: no HSTS over plain HTTP");
        }
    }

    private static void AssertPageHeaders(HttpResponseMessage response, string what)
    {
        var policy = Single(response, "Content-Security-Policy", what);
        if (response.Content.Headers.ContentType?.MediaType == "text/html")
        {
            var directives = policy.Split(';').Select(d => d.Trim()).ToList();
            Assert.Contains("script-src 'self'", directives); // the server's own scripts, nothing inline
            Assert.Contains(directives, d => d == "style-src 'self'" || d.StartsWith("style-src 'self' 'nonce-", StringComparison.Ordinal));
            Assert.DoesNotContain(directives, d => d.StartsWith("style-src-attr", StringComparison.Ordinal));
            Assert.Contains("frame-ancestors 'none'", directives);
        }
        else
        {
            Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        }
        Assert.Equal("DENY", Single(response, "X-Frame-Options", what));
        Assert.Equal("nosniff", Single(response, "X-Content-Type-Options", what));
        Assert.Equal("same-origin", Single(response, "Referrer-Policy", what));
    }

    private static string Single(HttpResponseMessage response, string header, string what)
    {
        Assert.True(response.Headers.TryGetValues(header, out var values), $"{what} ({(int)response.StatusCode}) has no {header}");
        return Assert.Single(values);
    }

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"<[^>]+\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandlerAttribute();
}
