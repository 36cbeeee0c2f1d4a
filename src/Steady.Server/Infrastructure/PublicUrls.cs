using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Steady.Server.Infrastructure;

/// <summary>
/// The address people reach this server at, the one base of every link Steady prints or sends:
/// <c>Steady:PublicUrl</c> without its trailing slash. What stands in when it is not set depends on
/// where the link goes: <see cref="Base"/> for messages sent from the engine (no request at hand),
/// <see cref="For"/> for an answer to a request, and <see cref="Configured"/> where a link is left
/// out rather than guessed (handoff notices).
/// </summary>
public sealed class PublicUrls(IServer server, IOptions<SteadyOptions> options)
{
    /// <summary><c>Steady:PublicUrl</c> without a trailing slash; null when it is not set (or blank).</summary>
    public string? Configured => string.IsNullOrWhiteSpace(options.Value.PublicUrl) ? null : options.Value.PublicUrl.TrimEnd('/');

    /// <summary>
    /// For links in pages, ack links and incident notices: the configured URL, else the first address
    /// the server listens on, a wildcard host (+, *, 0.0.0.0, [::]) written as 127.0.0.1.
    /// </summary>
    public string Base()
    {
        if (Configured is { } configured)
            return configured;
        var first = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? SteadyApp.DefaultUrl;
        return first.Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
    }

    /// <summary>For links answered to a request (calendar feed addresses): the configured URL, else the scheme and host the request came to.</summary>
    public string For(HttpContext http) => Configured ?? $"{http.Request.Scheme}://{http.Request.Host}";
}

public static class PublicUrlsHttpExtensions
{
    /// <summary>The base of links answered to this request: <see cref="PublicUrls.For"/>.</summary>
    public static string PublicUrl(this HttpContext http) => http.RequestServices.GetRequiredService<PublicUrls>().For(http);
}
