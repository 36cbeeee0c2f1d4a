using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Steady.Server.Notify;

/// <summary>
/// Sends one HTTP request for a channel and classifies the answer: 2xx sent; 408, 425, 429 and 5xx,
/// timeouts and connection errors retried (honouring Retry-After); anything else failed, redirects
/// included (they are not followed). Details never include the URL: webhook URLs carry their secret
/// in the path or query.
/// </summary>
public sealed class HttpDelivery(IHttpClientFactory http, IOptionsMonitor<NotifyOptions> options, Infrastructure.OutboundPolicy outbound, TimeProvider time)
{
    public const string ClientName = "notify";
    private const int DetailBodyChars = 200;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static readonly DeliveryResult NotAUrl = DeliveryResult.Failed("the address is not an http(s) URL");

    /// <summary>The target's address as an absolute http(s) URL, or null.</summary>
    public static Uri? Url(string address) =>
        Uri.TryCreate(address.Trim(), UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp) ? url : null;

    /// <summary>A JSON body, UTF-8, exactly the bytes given.</summary>
    public static ByteArrayContent JsonContent(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Json);

    /// <summary>POSTs a chat payload as JSON to a webhook URL.</summary>
    public async Task<DeliveryResult> PostJsonAsync(string address, JsonNode payload, CancellationToken cancellationToken)
    {
        if (Url(address) is not { } url)
            return NotAUrl;
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent(Encoding.UTF8.GetBytes(payload.ToJsonString())) };
        return await SendAsync(request, cancellationToken);
    }

    public async Task<DeliveryResult> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Steady:Outbound:Allow holds for what was written before it was set, too (who wrote it was checked then).
        if (request.RequestUri is { } destination && outbound.RefusalForUrl(destination.AbsoluteUri, isAdmin: true) is { } refused)
            return DeliveryResult.Failed($"not sent: {refused}");
        var timeout = options.CurrentValue.HttpTimeout;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        request.Headers.UserAgent.ParseAdd("Steady/1.0");
        try
        {
            using var response = await http.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token);
            return await ClassifyAsync(response, limit.Token) with { StatusCode = (int)response.StatusCode, OverHttp = true };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DeliveryResult.Retry($"no answer within {timeout.TotalSeconds:0.###} s") with { OverHttp = true };
        }
        catch (HttpRequestException e) when (e.InnerException is Infrastructure.OutboundRefusedException policy)
        {
            return DeliveryResult.Failed($"not sent: {policy.Message}"); // the server's own reason, not the receiver's: shown whole
        }
        catch (HttpRequestException e)
        {
            return DeliveryResult.Retry(e.InnerException is SocketException socket ? $"connection failed: {socket.SocketErrorCode}" : $"request failed: {e.HttpRequestError}") with { OverHttp = true };
        }
        catch (IOException e)
        {
            return DeliveryResult.Retry($"connection failed: {e.GetType().Name}") with { OverHttp = true };
        }
    }

    private async Task<DeliveryResult> ClassifyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300)
            return DeliveryResult.Sent($"HTTP {status}");
        var detail = $"HTTP {status}" + await BodyHintAsync(response, cancellationToken);
        if (status is 408 or 425 or 429 || status >= 500)
            return DeliveryResult.Retry(detail, RetryAfter(response.Headers.RetryAfter));
        if (status is >= 300 and < 400)
            return DeliveryResult.Failed($"HTTP {status}: redirects are not followed; use the final URL");
        return DeliveryResult.Failed(detail);
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is { } delta)
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }

    /// <summary>": " and the start of the answer's text, which usually says what was wrong (Slack: "invalid_payload").</summary>
    private static async Task<string> BodyHintAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[DetailBodyChars * 4];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
                if (n == 0)
                    break;
                read += n;
            }
            var text = NotificationText.OneLine(Encoding.UTF8.GetString(buffer, 0, read));
            text = new string(text.Where(c => !char.IsControl(c)).ToArray());
            return text.Length == 0 ? "" : ": " + NotificationText.Truncate(text, DetailBodyChars);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return "";
        }
    }
}
