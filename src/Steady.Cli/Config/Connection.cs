namespace Steady.Cli.Config;

/// <summary>The server to talk to and the token to send, each with where it came from (for error messages).</summary>
public sealed record Connection(string Server, string ServerSource, string? Token, string? TokenSource)
{
    public const string DefaultServer = "http://127.0.0.1:8080";

    /// <summary>
    /// Flag, then environment, then the file `steady login` wrote, then the default server. The
    /// stored token is used only with the stored server: a token is never sent to a server it
    /// was not saved for.
    /// </summary>
    public static Connection Resolve(string? serverFlag, string? tokenFlag, IReadOnlyDictionary<string, string?> env, StoredConfig stored, string configPath)
    {
        var (server, serverSource) =
            !string.IsNullOrWhiteSpace(serverFlag) ? (serverFlag, "--server")
            : env.GetValueOrDefault("STEADY_SERVER") is { } fromEnv && !string.IsNullOrWhiteSpace(fromEnv) ? (fromEnv, "STEADY_SERVER")
            : !string.IsNullOrWhiteSpace(stored.Server) ? (stored.Server, configPath)
            : (DefaultServer, "the default");
        server = NormalizeServer(server, serverSource);

        var (token, tokenSource) =
            !string.IsNullOrWhiteSpace(tokenFlag) ? (tokenFlag, "--token")
            : env.GetValueOrDefault("STEADY_TOKEN") is { } tokenEnv && !string.IsNullOrWhiteSpace(tokenEnv) ? (tokenEnv, "STEADY_TOKEN")
            : !string.IsNullOrWhiteSpace(stored.Token) && SameServer(stored.Server, server) ? (stored.Token, configPath)
            : ((string?)null, (string?)null);
        return new Connection(server, serverSource, token?.Trim(), tokenSource);
    }

    /// <summary>An absolute http(s) URL without a trailing slash.</summary>
    public static string NormalizeServer(string server, string source)
    {
        var trimmed = server.Trim();
        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new CliException($"the server '{trimmed}' (from {source}) is not an http:// or https:// URL, e.g. http://127.0.0.1:8080", ExitCodes.Usage);
        }
        return trimmed.TrimEnd('/');
    }

    private static bool SameServer(string? stored, string server)
    {
        if (string.IsNullOrWhiteSpace(stored) || !Uri.TryCreate(stored.Trim(), UriKind.Absolute, out var a) || !Uri.TryCreate(server, UriKind.Absolute, out var b))
            return false;
        return string.Equals(a.GetLeftPart(UriPartial.Path).TrimEnd('/'), b.GetLeftPart(UriPartial.Path).TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
    }
}
