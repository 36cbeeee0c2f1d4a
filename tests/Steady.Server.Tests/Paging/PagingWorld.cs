using System.Net.Http.Json;
using System.Text.Json;
using Steady.Server.Tests.Notify;

namespace Steady.Server.Tests.Paging;

/// <summary>
/// The demo's shape, small: a team, people with contact methods (webhooks on a loopback receiver,
/// email to a real SMTP server when one is given), schedules "primary" and "secondary" with one
/// person each, the seed's policy over them (5 min waits), and a service paging through it.
/// </summary>
internal sealed class PagingWorld
{
    private readonly Func<HttpClient> _admin;
    private readonly Func<HttpClient> _anonymous;

    private PagingWorld(Func<HttpClient> admin, Func<HttpClient> anonymous)
    {
        _admin = admin;
        _anonymous = anonymous;
    }

    public string Suffix { get; } = Guid.NewGuid().ToString("N")[..8];

    public Guid TeamId { get; private set; }

    public string TeamName => "Payments " + Suffix;

    public Guid ServiceId { get; private set; }

    public string Service => "payments-" + Suffix;

    public string Key { get; private set; } = "";

    public Dictionary<string, Guid> People { get; } = [];

    public const string Secret = "whsec_paging-test";

    public static Task<PagingWorld> CreateAsync(SteadyHost host, LoopbackReceiver hooks, object? service = null, bool email = false, string[]? people = null, object? policy = null) =>
        CreateAsync(host.Admin, host.Anonymous, hooks, service, email, people, policy);

    /// <summary>The same world on any server: clients for its admin and for anyone.</summary>
    public static async Task<PagingWorld> CreateAsync(Func<HttpClient> adminClient, Func<HttpClient> anonymous, LoopbackReceiver hooks, object? service = null, bool email = false, string[]? people = null, object? policy = null)
    {
        var world = new PagingWorld(adminClient, anonymous);
        var admin = adminClient();
        world.TeamId = await IdAsync(await admin.PostAsJsonAsync("/api/v1/teams", new { name = world.TeamName }));
        foreach (var name in people ?? ["ann", "ben"])
        {
            var id = await IdAsync(await admin.PostAsJsonAsync("/api/v1/users", new { name = $"{name}-{world.Suffix}", email = $"{name}.{world.Suffix}@example.test", timeZone = "Europe/Berlin" }));
            world.People[name] = id;
            (await admin.PutAsJsonAsync($"/api/v1/teams/{world.TeamId}/members/{id}", new { role = "responder" })).EnsureSuccessStatusCode();
            var hook = await IdAsync(await admin.PostAsJsonAsync($"/api/v1/users/{id}/contact-methods",
                new { kind = "webhook", label = "pager", address = hooks.Url(name), settings = new { secret = Secret } }));
            (await admin.PostAsJsonAsync($"/api/v1/users/{id}/notification-rules", new { contactMethodId = hook, delayMinutes = 0 })).EnsureSuccessStatusCode();
            if (email)
            {
                var mail = await IdAsync(await admin.PostAsJsonAsync($"/api/v1/users/{id}/contact-methods", new { kind = "email", label = "work email", address = $"{name}@example.test" }));
                (await admin.PostAsJsonAsync($"/api/v1/users/{id}/notification-rules", new { contactMethodId = mail, delayMinutes = 0 })).EnsureSuccessStatusCode();
            }
        }
        foreach (var (schedule, person) in new[] { ("primary", people?[0] ?? "ann"), ("secondary", (people ?? ["ann", "ben"]).Skip(1).FirstOrDefault() ?? "ann") })
        {
            (await admin.PostAsJsonAsync("/api/v1/schedules", new
            {
                name = $"{schedule}-{world.Suffix}",
                team = world.TeamId.ToString(),
                timeZone = "Europe/Berlin",
                layers = new[] { new { name = "weekly", participants = new[] { world.People[person] }, firstHandoff = "2026-01-05T09:00", rotation = "weekly" } },
            })).EnsureSuccessStatusCode();
        }
        var policyName = "payments-oncall-" + world.Suffix;
        var created = await admin.PostAsJsonAsync("/api/v1/escalation-policies", policy ?? new
        {
            name = policyName,
            team = world.TeamName,
            escalation_chain = new object[]
            {
                new { notify = $"primary-{world.Suffix}", wait = "5m" },
                new { notify = $"secondary-{world.Suffix}", wait = "5m" },
            },
        });
        var policyId = await IdAsync(created);
        world.ServiceId = await IdAsync(await admin.PostAsJsonAsync("/api/v1/services", new { name = world.Service, teamId = world.TeamId }));
        (await admin.PatchAsJsonAsync($"/api/v1/services/{world.ServiceId}", new { escalationPolicy = policyId.ToString() })).EnsureSuccessStatusCode();
        if (service is not null)
        {
            var patched = await admin.PatchAsJsonAsync($"/api/v1/services/{world.ServiceId}", service);
            Assert.True(patched.IsSuccessStatusCode, await patched.Content.ReadAsStringAsync());
        }
        var key = await admin.PostAsJsonAsync($"/api/v1/services/{world.ServiceId}/integration-keys", new { name = "alertmanager" });
        world.Key = (await key.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        return world;
    }

    /// <summary>The Alertmanager group <see cref="FireAsync(ValueTuple{string, string, string, string}[])"/> sends its alerts in (one for all, unless a test changes it).</summary>
    public string GroupKey { get; set; } = "{}:{alertname=\"x\"}";

    public string Policy => "payments-oncall-" + Suffix;

    /// <summary>Replaces the policy's steps (PUT, as people edit it): each step notifies a name (schedule, user's email, team:NAME) and waits.</summary>
    public async Task ReplacePolicyAsync(params (string Notify, string Wait)[] steps)
    {
        var put = await _admin().PutAsJsonAsync($"/api/v1/escalation-policies/{Policy}", new
        {
            escalation_chain = steps.Select(s => new { notify = s.Notify, wait = s.Wait }).ToArray(),
        });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
    }

    /// <summary>Three steps a minute apart: primary, secondary, primary again.</summary>
    public Task ThreeStepsAsync() => ReplacePolicyAsync(($"primary-{Suffix}", "1m"), ($"secondary-{Suffix}", "1m"), ($"primary-{Suffix}", "1m"));

    /// <summary>Alertmanager (version 4) fires alerts: (name, fingerprint, severity, instance), in the group <see cref="GroupKey"/>.</summary>
    public Task FireAsync(params (string Name, string Fingerprint, string Severity, string Instance)[] alerts) => FireThroughAsync(_anonymous(), GroupKey, alerts);

    /// <summary>As <see cref="FireAsync(ValueTuple{string, string, string, string}[])"/>, through <paramref name="client"/> (a node of several), in the group <paramref name="groupKey"/>.</summary>
    public async Task FireThroughAsync(HttpClient client, string groupKey, params (string Name, string Fingerprint, string Severity, string Instance)[] alerts)
    {
        var response = await PostFiringAsync(client, groupKey, alerts);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Posts the alerts as Alertmanager would and returns the answer, whatever it is.</summary>
    public Task<HttpResponseMessage> PostFiringAsync(HttpClient client, string groupKey, params (string Name, string Fingerprint, string Severity, string Instance)[] alerts)
    {
        var body = new
        {
            version = "4",
            groupKey,
            status = "firing",
            receiver = "steady",
            externalURL = "http://alertmanager.example.com:9093",
            alerts = alerts.Select(a => new
            {
                status = "firing",
                labels = new Dictionary<string, string> { ["alertname"] = a.Name, ["severity"] = a.Severity, ["instance"] = a.Instance },
                annotations = new Dictionary<string, string> { ["summary"] = $"{a.Name} on {a.Instance}" },
                startsAt = "2026-11-24T09:00:00Z",
                endsAt = "0001-01-01T00:00:00Z",
                generatorURL = "http://prometheus.example.com:9090/graph",
                fingerprint = a.Fingerprint,
            }).ToArray(),
        };
        return client.PostAsJsonAsync($"/intake/{Key}/alertmanager", body);
    }

    public Task FireAsync(string name = "HighErrorRate", string severity = "critical") => FireAsync((name, "f-" + Guid.NewGuid().ToString("N")[..12], severity, "api-1:9100"));

    public async Task<JsonElement> AlertAsync()
    {
        var page = await _admin().GetFromJsonAsync<JsonElement>($"/api/v1/alerts?service={Service}&limit=500");
        return page.GetProperty("items").EnumerateArray().First();
    }

    public Task<JsonElement> NotificationsAsync(Guid alertId) => _admin().GetFromJsonAsync<JsonElement>($"/api/v1/alerts/{alertId}/notifications");

    /// <summary>Waits shorter than the API allows (1 min), for tests in real time: every step's wait becomes this many seconds.</summary>
    public const string ShortWaitsSql = "UPDATE escalation_policies SET steps = replace(steps, '\"waitSeconds\":300', '\"waitSeconds\":2'), repeat = 1";

    public static async Task<Guid> IdAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>Waits (real time, bounded) until the probe holds: the engine works on its own threads.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what, int seconds = 20)
        where T : struct
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (await probe() is { } value)
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Waited {seconds} s for {what}.");
            await Task.Delay(20);
        }
    }

    public static Task EventuallyAsync(Func<Task<bool>> condition, string what, int seconds = 20) =>
        EventuallyAsync<bool>(async () => await condition() ? true : null, what, seconds);

    public static Task EventuallyAsync(Func<bool> condition, string what, int seconds = 20) =>
        EventuallyAsync<bool>(() => Task.FromResult(condition() ? true : (bool?)null), what, seconds);
}
