using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Steady.Server.Infrastructure;

/// <summary>The "Steady:ForwardedHeaders" section: the reverse proxies whose X-Forwarded-* headers are believed.</summary>
public sealed class ForwardedHeadersSettings
{
    public const string Section = "Steady:ForwardedHeaders";

    /// <summary>Addresses of the proxies in front of Steady, e.g. 10.0.0.5 or ::1.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks the proxies are in, in CIDR notation, e.g. 10.0.0.0/24.</summary>
    public string[] KnownNetworks { get; set; } = [];
}

/// <summary>
/// Behind a reverse proxy, X-Forwarded-For, -Proto and -Host say who the client is, whether it came over HTTPS and
/// which host it asked for — but anyone can send those headers, so they are honoured only from the configured
/// proxies and networks (none by default: not even loopback). From a trusted proxy the request's scheme (the Secure
/// cookie, HSTS), client address (sign-in throttling, rate limits, the audit log) and host are the client's; links
/// still come from <c>Steady:PublicUrl</c> (<see cref="PublicUrls"/>) when it is set.
/// </summary>
public static class TrustedProxies
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(ForwardedHeadersSettings.Section).Get<ForwardedHeadersSettings>() ?? new ForwardedHeadersSettings();
        var proxies = settings.KnownProxies.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => IPAddress.TryParse(p.Trim(), out var address)
            ? address
            : throw new InvalidOperationException($"{ForwardedHeadersSettings.Section}:KnownProxies: '{p}' is not an IP address.")).ToList();
        var networks = settings.KnownNetworks.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => System.Net.IPNetwork.TryParse(n.Trim(), out var network)
            ? network
            : throw new InvalidOperationException($"{ForwardedHeadersSettings.Section}:KnownNetworks: '{n}' is not a network in CIDR notation (e.g. 10.0.0.0/24).")).ToList();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            // With no proxy named, ASP.NET would believe every sender (it checks addresses only when some are known): believe nobody.
            o.ForwardedHeaders = proxies.Count == 0 && networks.Count == 0
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
                o.KnownProxies.Add(proxy);
            foreach (var network in networks)
                o.KnownIPNetworks.Add(network);
            o.ForwardLimit = null; // walk back through every trusted hop, stopping at the first address that is none
        });
        return services;
    }
}
