using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Paging;
using Steady.Server.Tests.Notify;
using Steady.Server.Tests.Paging;

namespace Steady.Server.Tests.Reports;

/// <summary>The report tests share one <see cref="ReportWorld"/>: making its week takes the engine half a minute.</summary>
[CollectionDefinition(nameof(ReportWorld))]
public sealed class ReportWorldCollection : ICollectionFixture<ReportWorld>;

/// <summary>
/// A week of on-call with known answers, made through the real server: alerts sent to its Alertmanager intake at
/// chosen instants (the clock stands still at each, so every page is sent at that very instant), paged by the real
/// engine to webhooks, acknowledged and resolved through the API or by the source, one incident declared from an
/// alert. The week is Ben's: a weekly Berlin rotation of Ana and Ben handing over Mondays 09:00, 22 → 29 March 2027,
/// which spans the spring-forward night (Sunday 28 March), so it lasts 167 hours; Ana covers Wednesday 18:00 →
/// Thursday 08:00 by an override. Cem (New York) is the secondary, the policy's second step. Friday 26 March is the
/// team's holiday; rates EUR: 2 per hour, 10 per off-hour and 25 per sleep-hour interruption, weekend ×1.5, holiday ×2.
/// The figures each test expects are worked out by hand next to its assertions.
/// </summary>
public sealed class ReportWorld : IAsyncLifetime
{
    public const string From = "2027-03-22T08:00:00Z"; // Monday 09:00 CET
    public const string To = "2027-03-29T07:00:00Z";   // Monday 09:00 CEST

    private readonly LoopbackReceiver _hooks = new();

    public SteadyHost Host { get; private set; } = null!;

    public string Suffix { get; } = Guid.NewGuid().ToString("N")[..6];

    public string Team => "Ops " + Suffix;

    public string Service => "api-" + Suffix;

    public Dictionary<string, (Guid Id, string Token)> People { get; } = [];

    public int IncidentNumber { get; private set; }

    public string Key { get; private set; } = "";

    public string Query => $"from={From}&to={To}&team={Uri.EscapeDataString(Team)}";

    public async ValueTask InitializeAsync()
    {
        Host = await SteadyHost.StartAsync();
        var admin = Host.Admin();
        var team = await PagingWorld.IdAsync(await admin.PostAsJsonAsync("/api/v1/teams", new { name = Team }));
        var other = await PagingWorld.IdAsync(await admin.PostAsJsonAsync("/api/v1/teams", new { name = "Elsewhere " + Suffix }));
        foreach (var (name, zone, role, teamId) in new[] { ("Ana", "Europe/Berlin", "responder", team), ("Ben", "Europe/Berlin", "responder", team), ("Cem", "America/New_York", "responder", team), ("Vic", "Europe/Berlin", "viewer", team), ("Oscar", "Europe/Berlin", "admin", other) })
        {
            var person = await Host.CreateUserAsync($"{name} {Suffix}");
            People[name] = person;
            (await admin.PatchAsJsonAsync($"/api/v1/users/{person.Id}", new { timeZone = zone })).EnsureSuccessStatusCode();
            (await admin.PutAsJsonAsync($"/api/v1/teams/{teamId}/members/{person.Id}", new { role })).EnsureSuccessStatusCode();
            var hook = await PagingWorld.IdAsync(await admin.PostAsJsonAsync($"/api/v1/users/{person.Id}/contact-methods", new { kind = "webhook", label = "pager", address = _hooks.Url(name) }));
            (await admin.PostAsJsonAsync($"/api/v1/users/{person.Id}/notification-rules", new { contactMethodId = hook, delayMinutes = 0 })).EnsureSuccessStatusCode();
        }
        await ScheduleAsync("primary-" + Suffix, People["Ana"].Id, People["Ben"].Id);
        await ScheduleAsync("secondary-" + Suffix, People["Cem"].Id);
        (await admin.PostAsJsonAsync($"/api/v1/schedules/primary-{Suffix}/overrides", new { user = People["Ana"].Id.ToString(), startsAt = "2027-03-24T17:00:00Z", endsAt = "2027-03-25T07:00:00Z" })).EnsureSuccessStatusCode();
        var policy = await PagingWorld.IdAsync(await admin.PostAsJsonAsync("/api/v1/escalation-policies", new
        {
            name = "ops-" + Suffix,
            team = Team,
            escalation_chain = new object[] { new { notify = $"primary-{Suffix}", wait = "5m" }, new { notify = $"secondary-{Suffix}", wait = "5m" } },
        }));
        var service = await PagingWorld.IdAsync(await admin.PostAsJsonAsync("/api/v1/services", new { name = Service, teamId = team }));
        (await admin.PatchAsJsonAsync($"/api/v1/services/{service}", new { escalationPolicy = policy.ToString() })).EnsureSuccessStatusCode();
        var key = await admin.PostAsJsonAsync($"/api/v1/services/{service}/integration-keys", new { name = "alertmanager" });
        Key = (await key.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        var settings = await admin.PutAsJsonAsync($"/api/v1/teams/{team}/report-settings", new
        {
            currency = "EUR", onCallHour = 2, offHourInterruption = 10, sleepHourInterruption = 25, weekendMultiplier = 1.5, holidayMultiplier = 2,
            holidays = new[] { new { date = "2027-03-26", name = "Team day" } },
        });
        Assert.True(settings.IsSuccessStatusCode, await settings.Content.ReadAsStringAsync());

        // The week. Berlin is UTC+1 until Sunday 28 March 02:00, UTC+2 after; New York is UTC−4.
        await PageAsync("p1", "HighLatency", "2027-03-23T06:59:00Z", "Ben");                   // Tue 07:59 Berlin: sleep
        await AckAsync("p1", "Ben", "2027-03-23T07:01:00Z");
        await ResolveAsync("p1", "Ben", "2027-03-23T07:14:00Z");                                // open 15 min
        await PageAsync("p2", "DiskFull", "2027-03-24T01:00:00Z", "Ben");                      // Wed 02:00: sleep (Tuesday's night)
        await ResolvedBySourceAsync("p2", "DiskFull", "2027-03-24T01:03:00Z");                 // transient, 3 min
        await PageAsync("p3", "HighLatency", "2027-03-24T07:00:00Z", "Ben");                   // Wed 08:00: business
        await AtAsync("2027-03-24T07:05:00Z");                                                             // nobody acknowledged: step 2, Cem, 03:05 in New York
        await PagingWorld.EventuallyAsync(() => Received("Cem") == 1, "Cem's page");
        await AckAsync("p3", "Cem", "2027-03-24T07:06:00Z");
        await AtAsync("2027-03-24T07:10:00Z");
        var declared = await admin.PostAsJsonAsync("/api/v1/incidents", new { title = "API latency", severity = "SEV3", alertId = await AlertIdAsync("p3") });
        Assert.True(declared.IsSuccessStatusCode, await declared.Content.ReadAsStringAsync());
        IncidentNumber = (await declared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetInt32();
        await AtAsync("2027-03-24T07:20:00Z");
        (await admin.PostAsJsonAsync($"/api/v1/incidents/{IncidentNumber}/status", new { status = "mitigated" })).EnsureSuccessStatusCode();
        await ResolveAsync("p3", "Cem", "2027-03-24T07:30:00Z");                                // open 30 min
        await AtAsync("2027-03-24T07:40:00Z");
        var resolved = await admin.PostAsJsonAsync($"/api/v1/incidents/{IncidentNumber}/status", new { status = "resolved", @override = "latency back to normal" });
        Assert.True(resolved.IsSuccessStatusCode, await resolved.Content.ReadAsStringAsync());
        await PageAsync("p4", "DiskFull", "2027-03-24T20:59:00Z", "Ana");                      // Wed 21:59, Ana's override: off-hours
        await ResolvedBySourceAsync("p4", "DiskFull", "2027-03-24T21:01:00Z");                 // transient, 2 min
        await PageAsync("p5", "HighLatency", "2027-03-26T09:00:00Z", "Ben");                   // Fri 10:00, the holiday: off-hours
        await AckAsync("p5", "Ben", "2027-03-26T09:01:00Z");
        await ResolveAsync("p5", "Ben", "2027-03-26T09:20:00Z");                                // open 20 min
        await PageAsync("p6", "DiskFull", "2027-03-27T20:59:00Z", "Ben");                      // Sat 21:59: off-hours, weekend
        await ResolvedBySourceAsync("p6", "DiskFull", "2027-03-27T21:03:00Z");                 // transient, 4 min
        await PageAsync("p7", "HighLatency", "2027-03-28T20:00:00Z", "Ben");                   // Sun 22:00 CEST: sleep, weekend
        await AckAsync("p7", "Ben", "2027-03-28T20:03:00Z");
        await ResolveAsync("p7", "Ben", "2027-03-28T20:10:00Z");                                // open 10 min
        await PageAsync("p8", "HighLatency", "2027-03-29T08:00:00Z", "Ana");                   // Mon 10:00 CEST: Ana's week, after the period
        await Host.WithDbAsync(async (db, _) =>
        {
            await PagingWorld.EventuallyAsync(async () => !await db.Deliveries.AnyAsync(d => d.State != DeliveryState.Sent), "every delivery recorded as sent");
            return 0;
        });
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        _hooks.Dispose();
    }

    public HttpClient As(string person) => Host.As(People[person].Token);

    public int Received(string person) => _hooks.Requests.Count(r => r.PathAndQuery == "/" + person);

    private async Task ScheduleAsync(string name, params Guid[] people) =>
        (await Host.Admin().PostAsJsonAsync("/api/v1/schedules", new
        {
            name,
            team = Team,
            timeZone = "Europe/Berlin",
            layers = new[] { new { name = "weekly", participants = people, firstHandoff = "2027-03-15T09:00", rotation = "weekly" } },
        })).EnsureSuccessStatusCode();

    /// <summary>Moves the clock to the instant once no page is in flight (a jump past a send's lease would send it again).</summary>
    private Task AtAsync(string instant) => Host.SetClockAsync(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture));

    private async Task PageAsync(string fingerprint, string name, string at, string expected)
    {
        await AtAsync(at);
        var before = Received(expected);
        var response = await Host.Anonymous().PostAsJsonAsync($"/intake/{Key}/alertmanager", Alertmanager("firing", fingerprint, name));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        await PagingWorld.EventuallyAsync(() => Received(expected) == before + 1, $"{expected}'s page for {fingerprint}");
    }

    private async Task ResolvedBySourceAsync(string fingerprint, string name, string at)
    {
        await AtAsync(at);
        (await Host.Anonymous().PostAsJsonAsync($"/intake/{Key}/alertmanager", Alertmanager("resolved", fingerprint, name))).EnsureSuccessStatusCode();
        await PagingWorld.EventuallyAsync(async () => (await AlertAsync(fingerprint)).GetProperty("status").GetString() == "resolved", $"{fingerprint} resolved by the source");
    }

    private async Task AckAsync(string fingerprint, string person, string at)
    {
        await AtAsync(at);
        var response = await As(person).PostAsJsonAsync($"/api/v1/alerts/{await AlertIdAsync(fingerprint)}/ack", new { });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task ResolveAsync(string fingerprint, string person, string at)
    {
        await AtAsync(at);
        var response = await As(person).PostAsJsonAsync($"/api/v1/alerts/{await AlertIdAsync(fingerprint)}/resolve", new { });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<Guid> AlertIdAsync(string fingerprint) => (await AlertAsync(fingerprint)).GetProperty("id").GetGuid();

    private async Task<JsonElement> AlertAsync(string fingerprint)
    {
        var page = await Host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/alerts?service={Service}&status=all&limit=500");
        return page.GetProperty("items").EnumerateArray().Single(a => a.GetProperty("dedupKey").GetString() == fingerprint);
    }

    /// <summary>One Alertmanager alert in a group of its own (its fingerprint is its group key), critical so it pages at any hour.</summary>
    private static object Alertmanager(string status, string fingerprint, string name) => new
    {
        version = "4",
        groupKey = $"{{}}:{{fingerprint=\"{fingerprint}\"}}",
        status,
        receiver = "steady",
        externalURL = "http://alertmanager.example.com:9093",
        alerts = new[]
        {
            new
            {
                status,
                labels = new Dictionary<string, string> { ["alertname"] = name, ["severity"] = "critical", ["instance"] = "api-1:9100" },
                annotations = new Dictionary<string, string> { ["summary"] = $"{name} on api-1" },
                startsAt = "2027-03-01T00:00:00Z",
                endsAt = status == "resolved" ? "2027-03-01T00:05:00Z" : "0001-01-01T00:00:00Z",
                generatorURL = "http://prometheus.example.com:9090/graph",
                fingerprint,
            },
        },
    };
}
