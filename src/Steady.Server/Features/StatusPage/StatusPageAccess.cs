using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Steady.Core.Accounts;
using Steady.Core.StatusPage;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.StatusPage;

/// <summary>
/// Who may read a page, and how often. A public page is everyone's; a private one is for signed-in people
/// and for whoever holds its secret link (<c>?access=KEY</c>, kept in a cookie for the pages that follow).
/// Every client address may read the public pages, JSON and feeds <c>Steady:StatusPage:RequestsPerMinutePerClient</c>
/// times a minute (a burst first): past it, 429 with Retry-After. Per node, in memory, like the intake's limit.
/// </summary>
public sealed class StatusPageAccess(IOptions<StatusPageOptions> options, TimeProvider time)
{
    public const string AccessQuery = "access";

    private readonly TokenBuckets _reads = new(options.Value.RequestsPerMinutePerClient, options.Value.BurstPerClient, time);
    private readonly TokenBuckets _subscribeClients = new(options.Value.SubscribePerMinutePerClient, options.Value.SubscribeBurstPerClient, time);
    private readonly TokenBuckets _subscribeAddresses = new(options.Value.SubscribePerMinutePerAddress, options.Value.SubscribeBurstPerAddress, time);

    public static string CookieName(PublicStatusPage page) => $"steady_status_{page.Id:N}";

    /// <summary>Takes one read for the client; null when it may go on, else how long to wait.</summary>
    public TimeSpan? Read(HttpContext http) => _reads.TryTake(Client(http));

    /// <summary>Takes one subscription request for the client and, when given, the address; null when it may go on.</summary>
    public TimeSpan? Subscribe(HttpContext http, string? address)
    {
        if (_subscribeClients.TryTake(Client(http)) is { } wait)
            return wait;
        return address is null ? null : _subscribeAddresses.TryTake(Secrets.Hash(address.Trim().ToLowerInvariant()));
    }

    /// <summary>Whether this request may see the page; a key given in the query is kept in a cookie for the page's other addresses.</summary>
    public static bool Allows(HttpContext http, PublicStatusPage page)
    {
        if (!page.IsPrivate || http.User.Identity?.IsAuthenticated == true)
            return true;
        if (page.AccessKeyHash is null)
            return false;
        var fromQuery = http.Request.Query[AccessQuery].ToString();
        var key = fromQuery.Length > 0 ? fromQuery : http.Request.Cookies[CookieName(page)];
        if (string.IsNullOrEmpty(key) || key.Length > 200
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Secrets.Hash(key)), Encoding.ASCII.GetBytes(page.AccessKeyHash)))
            return false;
        if (fromQuery.Length > 0 && !http.Response.HasStarted)
            http.Response.Cookies.Append(CookieName(page), key, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps, Path = "/", MaxAge = TimeSpan.FromDays(30) });
        return true;
    }

    /// <summary>The cache lifetime the page's answers carry: shared caches keep public pages, never private ones.</summary>
    public static string CacheControl(PublicStatusPage page) => page.IsPrivate ? $"private, max-age={PublicPage.MaxAgeSeconds}" : $"public, max-age={PublicPage.MaxAgeSeconds}";

    /// <summary>429 with Retry-After, as a page for people or a problem for programs.</summary>
    public static Task TooManyAsync(HttpContext http, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return StatusPages.WriteAsync(http, StatusCodes.Status429TooManyRequests, $"Too many requests from your address; try again in {seconds} s.");
    }

    /// <summary>A private page refused: 403, saying how to get in.</summary>
    public static Task PrivateAsync(HttpContext http) =>
        StatusPages.WriteAsync(http, StatusCodes.Status403Forbidden, "This status page is private: sign in to Steady, or open the secret link you were given.");

    private static string Client(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
