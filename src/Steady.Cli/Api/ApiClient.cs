using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Steady.Cli.Config;

namespace Steady.Cli.Api;

/// <summary>
/// The Steady REST API at /api/v1: JSON in, JSON out. Answers come back as <see cref="JsonElement"/>
/// so --json can print exactly what the server said; refusals become <see cref="ApiProblem"/>, and
/// a server that cannot be reached a one-line <see cref="CliException"/>.
/// </summary>
public sealed class ApiClient : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static readonly string UserAgent = $"steady-cli/{typeof(ApiClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0"}";

    private readonly HttpClient _http;
    private readonly Connection _connection;

    public ApiClient(Connection connection, HttpMessageHandler? handler = null)
    {
        _connection = connection;
        _http = new HttpClient(handler ?? new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10), AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(connection.Server + "/api/v1/"),
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
    }

    public Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, cancellationToken);

    public Task<JsonElement> PostAsync(string path, JsonObject body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, body.ToJsonString(), cancellationToken);

    /// <summary>POSTs a JSON document as it is (the snapshot, serialized by its own source-generated context).</summary>
    public Task<JsonElement> PostJsonAsync(string path, string json, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, json, cancellationToken);

    public Task<JsonElement> PutAsync(string path, JsonObject body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, path, body.ToJsonString(), cancellationToken);

    public Task<JsonElement> PatchAsync(string path, JsonObject body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Patch, path, body.ToJsonString(), cancellationToken);

    public Task<JsonElement> DeleteAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, path, null, cancellationToken);

    /// <summary>Every item of a paged list (<c>{"items": [...], "next": cursor}</c>), following the cursors.</summary>
    public Task<List<JsonElement>> GetAllAsync(string path, CancellationToken cancellationToken) =>
        GetAllAsync(path, int.MaxValue, cancellationToken);

    /// <summary>The first <paramref name="max"/> items of a paged list, following the cursors no further than that.</summary>
    public async Task<List<JsonElement>> GetAllAsync(string path, int max, CancellationToken cancellationToken)
    {
        var items = new List<JsonElement>();
        string? cursor = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        do
        {
            var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            var page = await GetAsync(cursor is null ? path : $"{path}{separator}cursor={Uri.EscapeDataString(cursor)}", cancellationToken);
            if (page.ValueKind != JsonValueKind.Object || !page.TryGetProperty("items", out var pageItems) || pageItems.ValueKind != JsonValueKind.Array)
                throw new CliException($"{_connection.Server} answered {path} with something that is not a page of items; is it a Steady server?");
            items.AddRange(pageItems.EnumerateArray());
            cursor = page.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
            // A server that hands out the same cursor twice would keep us here forever.
            if (cursor is not null && !seen.Add(cursor))
                throw new CliException($"{_connection.Server} returned the same page cursor twice for {path}");
        }
        while (cursor is not null && items.Count < max);
        return items.Count > max ? items[..max] : items;
    }

    /// <summary>A path segment from a user's words (a name may hold spaces or slashes).</summary>
    public static string Segment(string value) => Uri.EscapeDataString(value.Trim());

    /// <summary>Sends text (a YAML file) and reads the JSON answer.</summary>
    public Task<JsonElement> PostTextAsync(string path, string text, string mediaType, CancellationToken cancellationToken) =>
        SendContentAsync(HttpMethod.Post, path, new StringContent(text, new UTF8Encoding(false), mediaType), cancellationToken);

    /// <summary>Sends JSON and reads an answer that is text, not JSON (an import as YAML).</summary>
    public Task<string> PostJsonForTextAsync(string path, string json, CancellationToken cancellationToken) =>
        SendRawAsync(HttpMethod.Post, path, new StringContent(json, new UTF8Encoding(false), "application/json"), "*/*", cancellationToken);

    /// <summary>An answer that is text, not JSON (the exported configuration).</summary>
    public Task<string> GetTextAsync(string path, CancellationToken cancellationToken) =>
        SendRawAsync(HttpMethod.Get, path, null, "*/*", cancellationToken);

    private Task<JsonElement> SendAsync(HttpMethod method, string path, string? body, CancellationToken cancellationToken) =>
        SendContentAsync(method, path, body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"), cancellationToken);

    private async Task<JsonElement> SendContentAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        var text = await SendRawAsync(method, path, content, "application/json", cancellationToken);
        if (string.IsNullOrWhiteSpace(text))
            return default;
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new CliException($"{_connection.Server} answered {method} /api/v1/{path} with something that is not JSON; is it a Steady server?");
        }
    }

    private async Task<string> SendRawAsync(HttpMethod method, string path, HttpContent? content, string accept, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        request.Headers.UserAgent.ParseAdd(UserAgent);
        if (_connection.Token is { } token)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Content = content;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        HttpResponseMessage response;
        string text;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            text = await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"cannot reach {_connection.Server}: {Describe(e)}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"{_connection.Server} did not answer within {Timeout.TotalSeconds:0} seconds");
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                if (status is >= 300 and < 400)
                    throw new CliException($"{_connection.Server} redirected {method} {path} to {response.Headers.Location}; use that address with --server");
                throw ApiProblem.FromResponse(status, response.ReasonPhrase, text, _connection.Token is null ? null : _connection.TokenSource);
            }
            return text;
        }
    }

    /// <summary>"connection refused", "host not found", ... rather than .NET's longer sentences.</summary>
    internal static string Describe(HttpRequestException exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host not found",
                    SocketError.TimedOut => "timed out",
                    SocketError.NetworkUnreachable or SocketError.HostUnreachable => "no route to host",
                    SocketError.ConnectionReset => "connection reset",
                    _ => ProblemMessage.OneLine(socket.Message) ?? socket.SocketErrorCode.ToString(),
                };
            }
        }
        return exception.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "host not found",
            HttpRequestError.SecureConnectionError => $"TLS failed ({ProblemMessage.OneLine(exception.InnerException?.Message ?? exception.Message)})",
            HttpRequestError.ResponseEnded => "the connection closed before an answer came",
            _ => ProblemMessage.OneLine(exception.Message) ?? "unknown error",
        };
    }

    public void Dispose() => _http.Dispose();
}
