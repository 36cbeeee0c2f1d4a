using System.Collections.Concurrent;
using System.Collections.Specialized;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Steady.Server.Tests.Notify;

/// <summary>
/// An HTTP receiver on 127.0.0.1 standing in for a webhook, chat, push or SMS provider: it keeps every
/// request and answers what the test says (status, headers, body, or silence for a while).
/// </summary>
internal sealed class LoopbackReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();

    public LoopbackReceiver()
    {
        Root = $"http://127.0.0.1:{FreePort()}/";
        _listener.Prefixes.Add(Root);
        _listener.Start();
        _ = ServeAsync();
    }

    public string Root { get; }

    /// <summary>A URL on this receiver, e.g. Url("services/T0/B0/secret").</summary>
    public string Url(string path = "hook") => Root + path;

    public int Status { get; set; } = 200;

    public string Body { get; set; } = "ok";

    public Dictionary<string, string> Headers { get; } = [];

    /// <summary>How long to wait before answering.</summary>
    public TimeSpan Delay { get; set; }

    public IReadOnlyList<ReceivedRequest> Requests => _requests.ToList();

    public ReceivedRequest Single() => Assert.Single(Requests);

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = AnswerAsync(context);
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        try
        {
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            _requests.Enqueue(new ReceivedRequest(context.Request.HttpMethod, context.Request.RawUrl ?? "", context.Request.Headers, body.ToArray()));
            if (Delay > TimeSpan.Zero)
                await Task.Delay(Delay);
            context.Response.StatusCode = Status;
            foreach (var (name, value) in Headers)
                context.Response.AddHeader(name, value);
            if (Status != 204 && Body.Length > 0)
            {
                var bytes = Encoding.UTF8.GetBytes(Body);
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.OutputStream.WriteAsync(bytes);
            }
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException or IOException)
        {
            // the client gave up (a timeout test) or the receiver was closed
        }
    }

    public void Dispose() => _listener.Close();
}

internal sealed record ReceivedRequest(string Method, string PathAndQuery, NameValueCollection Headers, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);

    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Body);
        return document.RootElement.Clone();
    }

    public string? Header(string name) => Headers[name];
}
