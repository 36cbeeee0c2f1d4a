using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Steady.Agent;

/// <summary>How a send went: delivered, refused for good (drop it), or not now (keep it, back off).</summary>
public enum SendOutcome
{
    Delivered,
    Refused,
    Retry,
}

/// <summary>
/// The agent's only way to the server: the service's intake with its integration key — heartbeats
/// to /intake/{key}/heartbeat, alert changes as one array to /intake/{key}/generic. No API token.
/// </summary>
public sealed class IntakeClient(AgentConfig config, HttpMessageHandler? handler = null) : IDisposable
{
    /// <summary>The most alerts the generic intake takes in one request.</summary>
    public const int MaxPerRequest = 100;

    private readonly HttpClient _http = new(handler ?? new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10), PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2) })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    private string Base => $"{config.Server.AbsoluteUri.TrimEnd('/')}/intake/{Uri.EscapeDataString(config.IntegrationKey)}";

    /// <summary>Why the last send did not go through, in one line.</summary>
    public string? LastError { get; private set; }

    public Task<SendOutcome> HeartbeatAsync(CancellationToken cancellationToken)
    {
        var query = string.Create(CultureInfo.InvariantCulture,
            $"?name={Uri.EscapeDataString(config.HeartbeatName)}&interval={(int)config.HeartbeatInterval.TotalSeconds}s&grace={(int)config.HeartbeatGrace.TotalSeconds}s");
        return SendAsync(new HttpRequestMessage(HttpMethod.Post, Base + "/heartbeat" + query), cancellationToken);
    }

    public Task<SendOutcome> AlertsAsync(IReadOnlyList<AlertChange> changes, CancellationToken cancellationToken)
    {
        var body = new JsonArray([.. changes.Select(c => (JsonNode)Alert(c))]);
        var request = new HttpRequestMessage(HttpMethod.Post, Base + "/generic")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        return SendAsync(request, cancellationToken);
    }

    internal JsonObject Alert(AlertChange change)
    {
        var labels = new JsonObject { ["host"] = config.Host, ["check"] = change.Check };
        foreach (var (name, value) in change.Labels ?? new Dictionary<string, string>())
            labels[name] = value;
        return new JsonObject
        {
            ["summary"] = change.Summary,
            ["severity"] = change.Severity,
            ["status"] = change.Status,
            ["dedup_key"] = change.DedupKey,
            ["source"] = config.Host,
            ["labels"] = labels,
            ["details"] = new JsonObject { ["agent"] = "steady agent", ["observedAt"] = change.At.ToString("O", CultureInfo.InvariantCulture) },
        };
    }

    private async Task<SendOutcome> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            try
            {
                using var response = await _http.SendAsync(request, cancellationToken);
                var status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    LastError = null;
                    return SendOutcome.Delivered;
                }
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                LastError = $"{config.Server} answered {status}: {OneLine(text)}";
                // 400: this body will never be taken. 404 (key unknown or revoked) may be fixed on the server: keep trying.
                return response.StatusCode == HttpStatusCode.BadRequest || status == 413 ? SendOutcome.Refused : SendOutcome.Retry;
            }
            catch (HttpRequestException e)
            {
                LastError = $"cannot reach {config.Server}: {(e.InnerException is SocketException s ? s.SocketErrorCode.ToString() : e.Message)}";
                return SendOutcome.Retry;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                LastError = $"{config.Server} did not answer within {_http.Timeout.TotalSeconds:0} s";
                return SendOutcome.Retry;
            }
        }
    }

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length > 300 ? line[..300] + "…" : line;
    }

    public void Dispose() => _http.Dispose();
}
