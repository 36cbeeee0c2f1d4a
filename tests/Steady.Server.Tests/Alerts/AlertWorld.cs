using System.Net.Http.Json;
using System.Text.Json;

namespace Steady.Server.Tests.Alerts;

/// <summary>A team, a service with an integration key, and helpers to send alerts and read them back.</summary>
public sealed class AlertWorld
{
    private readonly SteadyHost _host;

    private AlertWorld(SteadyHost host, string service, Guid serviceId, string key, Guid teamId)
    {
        _host = host;
        TeamId = teamId;
        Service = service;
        ServiceId = serviceId;
        Key = key;
    }

    public string Service { get; }

    public Guid TeamId { get; }

    public Guid ServiceId { get; }

    public string Key { get; }

    public static async Task<AlertWorld> CreateAsync(SteadyHost host, object? settings = null)
    {
        var admin = host.Admin();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var team = await IdAsync(await admin.PostAsJsonAsync("/api/v1/teams", new { name = "Alerts " + suffix }));
        var service = "svc-" + suffix;
        var serviceId = await IdAsync(await admin.PostAsJsonAsync("/api/v1/services", new { name = service, teamId = team }));
        if (settings is not null)
            (await admin.PatchAsJsonAsync($"/api/v1/services/{serviceId}", settings)).EnsureSuccessStatusCode();
        var key = await admin.PostAsJsonAsync($"/api/v1/services/{serviceId}/integration-keys", new { name = "test" });
        var keyText = (await key.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        return new AlertWorld(host, service, serviceId, keyText, team);
    }

    public Task<HttpResponseMessage> PostAsync(string format, object body) =>
        _host.Anonymous().PostAsJsonAsync($"/intake/{Key}/{format}", body);

    public Task<HttpResponseMessage> PostRawAsync(string path, string body) =>
        _host.Anonymous().PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

    public async Task<List<JsonElement>> AlertsAsync(string query = "")
    {
        var page = await _host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/alerts?service={Service}&limit=500{query}");
        return page.GetProperty("items").EnumerateArray().ToList();
    }

    public async Task<JsonElement> AlertAsync(string dedupKey, string status = "open")
    {
        var alerts = await AlertsAsync("&status=" + status);
        return Assert.Single(alerts, a => a.GetProperty("dedupKey").GetString() == dedupKey);
    }

    public Task<JsonElement> DetailAsync(string id) => _host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/alerts/{id}");

    public static object Alertmanager(string status, params (string Name, string Fingerprint)[] alerts) => new
    {
        version = "4",
        groupKey = "{}:{alertname=\"x\"}",
        status,
        receiver = "steady",
        externalURL = "http://alertmanager.example.com:9093",
        alerts = alerts.Select(a => new
        {
            status,
            labels = new Dictionary<string, string> { ["alertname"] = a.Name, ["severity"] = "critical", ["instance"] = "db1:9100" },
            annotations = new Dictionary<string, string> { ["summary"] = $"{a.Name} on db1" },
            startsAt = "2026-11-24T09:00:00Z",
            endsAt = status == "resolved" ? "2026-11-24T09:05:00Z" : "0001-01-01T00:00:00Z",
            generatorURL = "http://prometheus.example.com:9090/graph",
            fingerprint = a.Fingerprint,
        }).ToArray(),
    };

    private static async Task<Guid> IdAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }
}
