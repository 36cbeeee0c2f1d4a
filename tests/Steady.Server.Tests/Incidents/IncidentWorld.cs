using Microsoft.AspNetCore.Hosting;
using System.Net.Http.Json;
using System.Text.Json;
using Steady.Server.Tests.Alerts;
using Steady.Server.Tests.Notify;

namespace Steady.Server.Tests.Incidents;

/// <summary>
/// A server with an incident channel (a webhook on a loopback receiver), a service with an alert
/// source and an escalation policy, and people whose contact methods are webhooks on their own receivers.
/// </summary>
internal sealed class IncidentWorld : IAsyncDisposable
{
    private readonly LoopbackReceiver _receiver;
    private readonly string _prefix;

    private IncidentWorld(SteadyHost host, AlertWorld alerts, LoopbackReceiver receiver, string prefix)
    {
        Host = host;
        Alerts = alerts;
        _receiver = receiver;
        _prefix = prefix;
    }

    public SteadyHost Host { get; }

    public AlertWorld Alerts { get; }

    public Dictionary<string, (Guid Id, string Token)> People { get; } = [];

    /// <summary>What reached the incident channel (a chat webhook / email list stand-in).</summary>
    public IReadOnlyList<ReceivedRequest> Channel => Received("channel");

    /// <summary>What reached a person's phone (their webhook contact method).</summary>
    public IReadOnlyList<ReceivedRequest> Phone(string name) => Received(name);

    /// <summary>A loopback address of this world's own: what reaches it is <see cref="Received"/>(<paramref name="who"/>).</summary>
    public string Url(string who) => _receiver.Url($"{_prefix}/{who}");

    // One receiver; each world and each recipient has its own path, so parallel tests never see each other's messages.
    public List<ReceivedRequest> Received(string who) =>
        _receiver.Requests.Where(r => r.PathAndQuery == $"/{_prefix}/{who}").ToList();

    public HttpClient Admin => Host.Admin();

    public static async Task<IncidentWorld> CreateAsync(Action<IWebHostBuilder>? configure = null)
    {
        var receiver = new LoopbackReceiver();
        var prefix = Guid.NewGuid().ToString("N");
        var host = await SteadyHost.StartAsync(b =>
        {
            SteadyHost.AllowLoopbackReceivers(b); // the responders name the receiver as their incidents' channels
            b.UseSetting("Steady:Incidents:Channels:0:Kind", "webhook");
            b.UseSetting("Steady:Incidents:Channels:0:Address", receiver.Url($"{prefix}/channel"));
            configure?.Invoke(b);
        });
        var alerts = await AlertWorld.CreateAsync(host);
        var world = new IncidentWorld(host, alerts, receiver, prefix);
        foreach (var name in new[] { "Ana", "Ben", "Cleo", "Dev" })
            await world.AddPersonAsync(name);
        // Ana is paged by the service's policy; Ben, Cleo and Dev respond too.
        var policy = await world.Admin.PostAsJsonAsync("/api/v1/escalation-policies", new
        {
            name = "payments-oncall",
            team = alerts.TeamId.ToString(),
            escalation_chain = new object[] { new { notify = world.People["Ana"].Id.ToString(), wait = "5m" } },
        });
        Assert.True(policy.IsSuccessStatusCode, await policy.Content.ReadAsStringAsync());
        (await world.Admin.PatchAsJsonAsync($"/api/v1/services/{alerts.ServiceId}", new { escalationPolicy = "payments-oncall", stabilizationChecklist = new[] { "Pause the deploy pipeline", "Revert the recent change" } })).EnsureSuccessStatusCode();
        return world;
    }

    private async Task AddPersonAsync(string name)
    {
        var (id, token) = await Host.CreateUserAsync(name);
        (await Admin.PutAsJsonAsync($"/api/v1/teams/{Alerts.TeamId}/members/{id}", new { role = "responder" })).EnsureSuccessStatusCode();
        (await Admin.PostAsJsonAsync($"/api/v1/users/{id}/contact-methods", new { kind = "webhook", address = _receiver.Url($"{_prefix}/{name}") })).EnsureSuccessStatusCode();
        People[name] = (id, token);
    }

    public HttpClient As(string name) => Host.As(People[name].Token);

    public async Task<JsonElement> DeclareAsync(object body, string who = "Ana")
    {
        var response = await As(who).PostAsJsonAsync("/api/v1/incidents", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<JsonElement> GetAsync(int number) => await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{number}");

    public async Task<List<JsonElement>> TimelineAsync(int number) =>
        (await Admin.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{number}/timeline")).EnumerateArray().ToList();

    public static async Task<T> EventuallyAsync<T>(Func<T?> probe, string what) where T : class =>
        await EventuallyAsync(() => Task.FromResult(probe()), what);

    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (await probe() is { } found)
                return found;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Waited 30 s for {what}.");
            await Task.Delay(50);
        }
    }

    /// <summary>A problem's detail (unescaped), or the body as it came.</summary>
    public static async Task<string> DetailAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() ?? text : text;
        }
        catch (JsonException)
        {
            return text;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        _receiver.Dispose();
    }

    /// <summary>Stops the server and the receiver but keeps the database (to look at it, or start another server on it).</summary>
    public async ValueTask DisposeKeepingDatabaseAsync()
    {
        await Host.DisposeAsyncKeepingDatabase();
        _receiver.Dispose();
    }
}
