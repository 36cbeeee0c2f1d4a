using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace Steady.Agent.Checks;

/// <summary>An HTTP health check: the status (the one expected, or any 2xx/3xx), optionally a text in the body, within a timeout.</summary>
public sealed class HttpCheck(string name, string severity, Uri url, int? expectStatus, string? contains, TimeSpan timeout) : ICheck
{
    public string Name => name;

    public string Type => "http";

    public async Task<CheckRun> RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var problem = await ProbeAsync(context.Http, cancellationToken);
        return problem is null
            ? CheckRun.Passing
            : new CheckRun([new Failing("", $"{name} on {context.Host}: {url} {problem}", severity, new Dictionary<string, string> { ["url"] = url.GetLeftPart(UriPartial.Path) })]);
    }

    /// <summary>Why the check fails, or null when it passes.</summary>
    private async Task<string?> ProbeAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, limit.Token);
            var status = (int)response.StatusCode;
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture);
            if (expectStatus is { } expected ? status != expected : status is < 200 or >= 400)
                return $"answered {status} (expected {(expectStatus is { } e ? e.ToString(CultureInfo.InvariantCulture) : "2xx or 3xx")}) in {ms} ms";
            if (contains is not null)
            {
                var body = await response.Content.ReadAsStringAsync(limit.Token);
                if (!body.Contains(contains, StringComparison.Ordinal))
                    return $"answered {status} without '{contains}' in its body";
            }
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"did not answer within {timeout.TotalSeconds:0.#} s";
        }
        catch (HttpRequestException e)
        {
            return e.InnerException is SocketException socket ? $"cannot be reached: {socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.HostNotFound => "host not found",
                _ => socket.Message,
            }}" : $"failed: {e.Message}";
        }
    }
}
