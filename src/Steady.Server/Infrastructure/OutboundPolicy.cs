using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Steady.Core.OnCall;
using Steady.Server.Data;

namespace Steady.Server.Infrastructure;

/// <summary>The "Steady:Outbound" section: where the server may send requests people point it at (webhooks, chat, push, SMS providers, checks).</summary>
public sealed class OutboundOptions
{
    public const string Section = "Steady:Outbound";

    /// <summary>
    /// When set, the only destinations allowed: URL prefixes (https://hooks.slack.com/), host names (ntfy.sh, *.example.com),
    /// addresses (10.0.0.7) and networks (10.0.0.0/8); <c>*</c> allows any other destination. Empty: any destination,
    /// but loopback and link-local ones only for admins.
    /// </summary>
    public List<string> Allow { get; set; } = [];
}

public static class OutboundPolicyServices
{
    /// <summary>Reads the section now, so an entry that cannot be one stops the server at start, naming the setting.</summary>
    public static IServiceCollection AddOutboundPolicy(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(OutboundPolicy)))
            return services;
        var section = configuration.GetSection(OutboundOptions.Section);
        _ = new OutboundPolicy(Options.Create(section.Get<OutboundOptions>() ?? new OutboundOptions()));
        services.Configure<OutboundOptions>(section);
        services.AddSingleton<OutboundPolicy>();
        return services;
    }
}

/// <summary>
/// Whether the server may send to a destination someone configured (a webhook, a chat or SMS provider's URL, a check's
/// target). With <c>Steady:Outbound:Allow</c> set (as GoAlert's allowed webhook URLs), only what it names — for everyone.
/// Loopback, link-local and unspecified addresses (127.0.0.1, localhost, ::1, 169.254.169.254, 0.0.0.0) are refused to
/// people who are not organization admins unless an entry of the list names them — so nobody can point the server at
/// its own API, a cloud metadata service or another service on the host and read the answer.
/// </summary>
public sealed class OutboundPolicy
{
    private readonly IReadOnlyList<Entry> _entries;

    public OutboundPolicy(IOptions<OutboundOptions> options)
    {
        var entries = new List<Entry>();
        foreach (var text in options.Value.Allow.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a.Trim()))
            entries.Add(Entry.Parse(text) ?? throw new StartupException(Problem(text)));
        _entries = entries;
    }

    /// <summary>
    /// Null when the server may send to what a contact method or channel of this kind names (a URL, or an SMS or voice
    /// provider's URL in its settings; an email goes through the configured SMTP server); otherwise the field and why not.
    /// </summary>
    public (string Field, string Problem)? RefusalForContact(string? kind, string? address, IReadOnlyDictionary<string, string>? settings, bool isAdmin)
    {
        if (!ContactKinds.TryParse(kind, out var parsed) || parsed == ContactKind.Email)
            return null;
        if (parsed is ContactKind.Sms or ContactKind.Voice)
            return settings?.GetValueOrDefault("url") is { } provider && RefusalForUrl(provider, isAdmin) is { } refused ? ("settings", refused) : null;
        return address is not null && RefusalForUrl(address, isAdmin) is { } problem ? ("address", problem) : null;
    }

    /// <summary>Null when the server may send to this URL for this person; otherwise the sentence why not.</summary>
    public string? RefusalForUrl(string url, bool isAdmin) =>
        Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) ? Refusal(uri.IdnHost, uri, isAdmin) : null; // not a URL: validation says so

    /// <summary>Null when the server may connect to this host (a TCP check's host) for this person; otherwise why not.</summary>
    public string? RefusalForHost(string host, bool isAdmin) => Refusal(host.Trim('[', ']'), null, isAdmin);

    private string? Refusal(string host, Uri? url, bool isAdmin)
    {
        var named = _entries.Any(e => !e.Any && e.Matches(host, url));
        if (_entries.Count > 0 && !named && !_entries.Any(e => e.Any))
            return $"'{Shown(host, url)}' is not among the destinations this server may send to (Steady:Outbound:Allow); ask an administrator.";
        if (!isAdmin && !named && IsInternal(host))
            return $"'{host}' is a loopback or link-local address: only administrators can point the server there (or an administrator can allow it in Steady:Outbound:Allow).";
        return null;
    }

    /// <summary>
    /// How the notification and check clients connect (and TCP checks): a host <em>name</em> that resolves to a loopback,
    /// link-local or unspecified address is refused unless an entry of the allow-list names it, whoever wrote it — what a name
    /// can hide (127.0.0.1.nip.io, a DNS record changed later) is not let through; addresses and localhost were judged by
    /// who wrote them, when they were written.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken) =>
        new NetworkStream(await ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken), ownsSocket: true);

    /// <summary>A connected TCP socket to the host and port, after the check <see cref="ConnectAsync(SocketsHttpConnectionContext, CancellationToken)"/> describes.</summary>
    public async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var name = host.Trim('[', ']');
        IPAddress[] addresses;
        if (IPAddress.TryParse(name, out var literal))
            addresses = [literal];
        else
        {
            addresses = await Dns.GetHostAddressesAsync(name, cancellationToken);
            if (!IsInternal(name) && addresses.Any(a => IsInternal(a.ToString())) && !_entries.Any(e => !e.Any && e.Matches(name, null)))
                throw new OutboundRefusedException($"'{name}' resolves to a loopback or link-local address; name it in Steady:Outbound:Allow if the server is meant to reach it");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, port, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Loopback (127.0.0.0/8, ::1, localhost), link-local (169.254.0.0/16, fe80::/10) and unspecified (0.0.0.0, ::) destinations.</summary>
    public static bool IsInternal(string host)
    {
        var name = host.TrimEnd('.');
        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            return true;
        if (!IPAddress.TryParse(name.Trim('[', ']'), out var address))
            return false;
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
            return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            return address.IsIPv6LinkLocal;
        var bytes = address.GetAddressBytes();
        return bytes[0] == 169 && bytes[1] == 254;
    }

    private static string Shown(string host, Uri? url) => url is null ? host : $"{url.Scheme}://{url.Authority}";

    private static string Problem(string text) =>
        $"{OutboundOptions.Section}:Allow: '{text}' is neither a URL prefix (https://hooks.example.com/), a host name (example.com, *.example.com), an address nor a network (10.0.0.0/8), nor *.";

    private sealed record Entry(bool Any, string? UrlPrefix, string? Host, IPNetwork? Network)
    {
        public static Entry? Parse(string text)
        {
            if (text == "*")
                return new Entry(true, null, null, null);
            if (text.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                return Uri.TryCreate(text, UriKind.Absolute, out var url) ? new Entry(false, url.AbsoluteUri, null, null) : null;
            if (IPAddress.TryParse(text.Trim('[', ']'), out var address))
                return new Entry(false, null, null, new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            if (text.Contains('/', StringComparison.Ordinal))
                return IPNetwork.TryParse(text, out var network) ? new Entry(false, null, null, network) : null;
            var host = text.StartsWith("*.", StringComparison.Ordinal) ? text[2..] : text;
            return Uri.CheckHostName(host) == UriHostNameType.Dns ? new Entry(false, null, text.ToLowerInvariant(), null) : null;
        }

        public bool Matches(string host, Uri? url)
        {
            if (UrlPrefix is not null)
                return url is not null && url.AbsoluteUri.StartsWith(UrlPrefix, StringComparison.OrdinalIgnoreCase);
            if (Network is { } network)
                return IPAddress.TryParse(host, out var address) && network.Contains(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
            var name = host.TrimEnd('.').ToLowerInvariant();
            return Host!.StartsWith("*.", StringComparison.Ordinal) ? name.EndsWith(Host[1..], StringComparison.Ordinal) : name == Host;
        }
    }
}

/// <summary>A destination the outbound policy refused at connect time: a failure to report, not to retry.</summary>
public sealed class OutboundRefusedException(string message) : IOException(message);
