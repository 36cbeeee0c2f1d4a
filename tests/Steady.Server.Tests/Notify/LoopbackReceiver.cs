using System.Collections.Concurrent;
using System.Collections.Specialized;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Steady.Server.Tests.Notify;

/// <summary>
/// An HTTP receiver on 127.0.0.1 standing in for a webhook, chat, push or SMS provider: it keeps every
/// request and answers what the test says (status, headers, body, or silence for a while). It listens
/// on port 0, so the kernel gives each receiver a port of its own (no two receivers, nor a receiver and
/// a server started by another test, can end up on the same one).
/// </summary>
internal sealed class LoopbackReceiver : IDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();

    public LoopbackReceiver()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(1)); // a held answer does not hold up the test
        _app = builder.Build();
        _app.Run(AnswerAsync);
        _app.StartAsync().GetAwaiter().GetResult();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        Root = $"http://127.0.0.1:{new Uri(address).Port}/";
    }

    public string Root { get; }

    /// <summary>A URL on this receiver, e.g. Url("services/T0/B0/secret").</summary>
    public string Url(string path = "hook") => Root + path;

    public int Status { get; set; } = 200;

    public string Body { get; set; } = "ok";

    public Dictionary<string, string> Headers { get; } = [];

    /// <summary>How long to wait before answering.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>How long to wait before answering a request to one path (e.g. "/ann"), instead of <see cref="Delay"/>.</summary>
    public ConcurrentDictionary<string, TimeSpan> DelayFor { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, decides how long to hold each request before answering (over <see cref="DelayFor"/> and <see cref="Delay"/>).</summary>
    public Func<ReceivedRequest, TimeSpan>? DelayOf { get; set; }

    /// <summary>When set, decides the status of each request instead of <see cref="Status"/> (e.g. from what came before it).</summary>
    public Func<ReceivedRequest, int>? StatusOf { get; set; }

    public IReadOnlyList<ReceivedRequest> Requests => _requests.ToList();

    public ReceivedRequest Single() => Assert.Single(Requests);

    /// <summary>A port for a program that must be told one before it starts (an SMTP server, Alertmanager); free when asked, not reserved.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task AnswerAsync(HttpContext context)
    {
        try
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            var headers = new NameValueCollection();
            foreach (var (name, values) in context.Request.Headers)
                headers.Add(name, values.ToString());
            var target = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
            var request = new ReceivedRequest(context.Request.Method, target, headers, body.ToArray()) { At = DateTimeOffset.UtcNow };
            var status = StatusOf?.Invoke(request) ?? Status;
            _requests.Enqueue(request);
            var delay = DelayOf?.Invoke(request) ?? (DelayFor.TryGetValue(target, out var forPath) ? forPath : Delay);
            if (delay > TimeSpan.Zero)
                await Task.Delay(delay, context.RequestAborted);
            context.Response.StatusCode = status;
            foreach (var (name, value) in Headers)
                context.Response.Headers[name] = value;
            if (status != 204 && Body.Length > 0)
            {
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(Body, context.RequestAborted);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // the client gave up (a timeout test) or the receiver was closed
        }
    }

    public void Dispose() => _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
}

internal sealed record ReceivedRequest(string Method, string PathAndQuery, NameValueCollection Headers, byte[] Body)
{
    /// <summary>When it arrived (the machine's clock).</summary>
    public DateTimeOffset At { get; init; }

    public string Text => Encoding.UTF8.GetString(Body);

    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Body);
        return document.RootElement.Clone();
    }

    public string? Header(string name) => Headers[name];
}
