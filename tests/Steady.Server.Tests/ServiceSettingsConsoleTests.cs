using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steady.Server.Tests.Config;

namespace Steady.Server.Tests;

/// <summary>A service's paging settings changed on its page through ServiceCommands, and what is open on it shown there.</summary>
public sealed class ServiceSettingsConsoleTests
{
    private const string Password = "a long enough password for tests";

    private static async Task<(SteadyHost Host, ConsoleClient Alice, ConsoleClient Bob, Guid Service)> ArrangeAsync()
    {
        var host = await SteadyHost.StartAsync(SteadyHost.AllowLoopbackReceivers); // Bob, a responder, points a check at this host
        Assert.Equal(HttpStatusCode.OK, (await ConfigAsCodeTests.ApplyAsync(host.Admin(), ConfigAsCodeTests.File)).Status);
        foreach (var email in new[] { "alice@example.com", "bob@example.com" })
            (await host.Admin().PutAsJsonAsync($"/api/v1/users/{email}/password", new { newPassword = Password })).EnsureSuccessStatusCode();
        var alice = new ConsoleClient(host);
        await alice.SignInAsync("alice@example.com", Password);
        var bob = new ConsoleClient(host);
        await bob.SignInAsync("bob@example.com", Password);
        var service = (await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/services/payments-api")).GetProperty("id").GetGuid();
        return (host, alice, bob, service);
    }

    private static (string, string)[] Settings(string zone = "Europe/Berlin") =>
    [
        ("Settings.EscalationPolicy", "manager-only"), ("Settings.Urgency", "low"),
        ("Settings.BusinessZone", zone), ("Settings.BusinessStart", "08:00"), ("Settings.BusinessEnd", "18:00"),
        ("Settings.BusinessDays", "monday"), ("Settings.BusinessDays", "wednesday"),
        ("Settings.AckTimeoutMinutes", "30"), ("Settings.Grouping", "labels"), ("Settings.GroupBy", "alertname, instance"),
        ("Settings.GroupWindowSeconds", "120"), ("Settings.Checklist", "Pause deploys\r\nShed load\r\n"),
    ];

    [Fact]
    public async Task ATeamLeadSetsPolicyUrgencyBusinessHoursGroupingAndChecklistAsThePatchWould()
    {
        var (host, alice, bob, service) = await ArrangeAsync();
        await using var _ = host;
        Assert.Equal(HttpStatusCode.Created, (await host.Admin().PostAsJsonAsync("/api/v1/escalation-policies", new { name = "manager-only", team = "Payments", escalation_chain = new[] { new { notify = "engineering_manager" } } })).StatusCode);

        var saved = await alice.PostFormAsync($"/services/{service}", $"/services/{service}?handler=Settings", Settings());
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var api = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/services/payments-api");
        var policy = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/escalation-policies/manager-only");
        Assert.Equal(policy.GetProperty("id").GetGuid(), api.GetProperty("escalationPolicyId").GetGuid());
        var paging = api.GetProperty("paging");
        Assert.Equal(("low", 1800), (paging.GetProperty("urgency").GetString(), paging.GetProperty("ackTimeoutSeconds").GetInt32()));
        Assert.Equal(["monday", "wednesday"], paging.GetProperty("businessHours").GetProperty("days").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(["alertname", "instance"], api.GetProperty("alerts").GetProperty("groupBy").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(120, api.GetProperty("alerts").GetProperty("groupWindowSeconds").GetInt32());
        Assert.Equal(["Pause deploys", "Shed load"], api.GetProperty("stabilizationChecklist").EnumerateArray().Select(d => d.GetString()));
        var audit = await host.WithDbAsync((db, _) => db.AuditEntries.AsNoTracking().Where(a => a.EntityType == "service" && a.EntityId == service.ToString() && a.Action == "updated").ToListAsync());
        Assert.Contains(audit, a => a.ActorName == "Alice Martin" && a.Changes.Contains("urgency", StringComparison.Ordinal));

        // The page shows the settings back; a responder sees them but gets no form, and cannot post one.
        var page = await alice.GetPageAsync($"/services/{service}");
        Assert.Contains("<option value=\"manager-only\" selected=\"selected\">", page, StringComparison.Ordinal);
        Assert.Contains("Mon, Wed 08:00–18:00 Europe/Berlin".Replace("–", "&#x2013;", StringComparison.Ordinal), page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"service-settings\"", await bob.GetPageAsync($"/services/{service}"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.PostFormAsync($"/services/{service}", $"/services/{service}?handler=Settings", Settings())).StatusCode);

        // Back to the sender's grouping and no business hours.
        var cleared = await alice.PostFormAsync($"/services/{service}", $"/services/{service}?handler=Settings",
            ("Settings.EscalationPolicy", "payments-oncall"), ("Settings.Urgency", "severity"), ("Settings.AckTimeoutMinutes", "0"),
            ("Settings.Grouping", "sender"), ("Settings.GroupWindowSeconds", "300"), ("Settings.Checklist", ""));
        Assert.Equal(HttpStatusCode.Redirect, cleared.StatusCode);
        api = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/services/payments-api");
        Assert.Equal(JsonValueKind.Null, api.GetProperty("paging").GetProperty("businessHours").ValueKind);
        Assert.Equal(JsonValueKind.Null, api.GetProperty("alerts").GetProperty("groupBy").ValueKind);
    }

    [Fact]
    public async Task AWrongTimeZoneIsShownBesideBusinessHoursAndNothingChanges()
    {
        var (host, alice, _, service) = await ArrangeAsync();
        await using var _ = host;
        var before = await host.Admin().GetStringAsync("/api/v1/services/payments-api");
        var refused = await alice.PostFormAsync($"/services/{service}", $"/services/{service}?handler=Settings", Settings(zone: "Mars/Olympus"));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        var hours = html[html.IndexOf("Business hours (when low urgency pages", StringComparison.Ordinal)..html.IndexOf("</fieldset>", StringComparison.Ordinal)];
        Assert.Contains("<span class=\"field-error\">businessHours.timeZone &#x27;Mars/Olympus&#x27; is not an IANA time zone", hours, StringComparison.Ordinal);
        Assert.Contains("value=\"Mars/Olympus\"", hours, StringComparison.Ordinal);
        Assert.Equal(before, await host.Admin().GetStringAsync("/api/v1/services/payments-api"));
    }

    [Fact]
    public async Task TheServicePageShowsItsPolicyOpenAlertsOpenIncidentsAndTheFreeze()
    {
        var (host, alice, _, service) = await ArrangeAsync();
        await using var _ = host;
        var key = (await (await host.Admin().PostAsJsonAsync("/api/v1/services/payments-api/integration-keys", new { name = "test" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString();
        foreach (var dedup in new[] { "a", "b" })
            Assert.Equal(HttpStatusCode.Accepted, (await host.Anonymous().PostAsJsonAsync($"/intake/{key}/generic", new { summary = "Checkout slow " + dedup, dedup_key = dedup })).StatusCode);
        var page = await alice.GetPageAsync($"/services/{service}");
        Assert.Contains("<a href=\"/policies/", page, StringComparison.Ordinal);
        Assert.Matches("id=\"open-alerts\">2<", page);
        Assert.Contains("<span class=\"pill\">open</span>", page, StringComparison.Ordinal);

        (await host.Admin().PostAsJsonAsync("/api/v1/incidents", new { title = "Payments down", severity = "SEV1", services = new[] { "payments-api" } })).EnsureSuccessStatusCode();
        page = await alice.GetPageAsync($"/services/{service}");
        Assert.Contains("Payments down</a>", page, StringComparison.Ordinal);
        Assert.Contains("<span class=\"pill revoked\">frozen</span>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATeamLeadRenamesAServiceAndChangesItsDescriptionRunbookAndFlappingAsThePatchWould()
    {
        var (host, alice, bob, service) = await ArrangeAsync();
        await using var _ = host;
        var team = (await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/teams/Payments")).GetProperty("id").GetGuid();
        var page = await alice.GetPageAsync($"/services/{service}");
        Assert.Contains("name=\"About.Name\" value=\"payments-api\"", page, StringComparison.Ordinal);

        var saved = await alice.PostFormAsync($"/services/{service}", $"/services/{service}?handler=About",
            ("About.Name", "payments-gateway"), ("About.TeamId", team.ToString()), ("About.Description", "Takes card payments for checkout."), ("About.RunbookUrl", "https://runbooks.example.com/gateway"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var api = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}");
        Assert.Equal(("payments-gateway", "Takes card payments for checkout.", "https://runbooks.example.com/gateway"),
            (api.GetProperty("name").GetString(), api.GetProperty("description").GetString(), api.GetProperty("runbookUrl").GetString()));
        var audit = await host.WithDbAsync((db, _) => db.AuditEntries.AsNoTracking().Where(a => a.EntityType == "service" && a.EntityId == service.ToString() && a.Action == "updated").ToListAsync());
        Assert.Contains(audit, a => a.ActorName == "Alice Martin" && a.Changes.Contains("payments-gateway", StringComparison.Ordinal));

        // A runbook that is no web address is refused beside it, and nothing changes.
        var refused = await alice.PostFormAsync($"/services/{service}", $"/services/{service}?handler=About",
            ("About.Name", "payments-api"), ("About.TeamId", team.ToString()), ("About.Description", ""), ("About.RunbookUrl", "ftp://runbooks/gateway"));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Matches("name=\"About.RunbookUrl\"[^>]*></label>\\s*<span class=\"field-error\">&#x27;runbookUrl&#x27; must be an absolute http or https URL", await refused.Content.ReadAsStringAsync());
        Assert.Equal("payments-gateway", (await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}")).GetProperty("name").GetString());

        // Flapping with the other paging settings.
        var settings = await alice.PostFormAsync($"/services/{service}", $"/services/{service}?handler=Settings",
            ("Settings.EscalationPolicy", "payments-oncall"), ("Settings.Urgency", "severity"), ("Settings.AckTimeoutMinutes", "0"),
            ("Settings.Grouping", "sender"), ("Settings.GroupWindowSeconds", "300"), ("Settings.Checklist", ""),
            ("Settings.FlapThreshold", "4"), ("Settings.FlapWindowMinutes", "30"));
        Assert.Equal(HttpStatusCode.Redirect, settings.StatusCode);
        var alerts = (await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}")).GetProperty("alerts");
        Assert.Equal((4, 1800), (alerts.GetProperty("flapThreshold").GetInt32(), alerts.GetProperty("flapWindowSeconds").GetInt32()));

        // A responder sees what the service is but gets no form, and cannot post one.
        Assert.DoesNotContain("id=\"service-about\"", await bob.GetPageAsync($"/services/{service}"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.PostFormAsync($"/services/{service}", $"/services/{service}?handler=About", ("About.Name", "mine"), ("About.TeamId", team.ToString()))).StatusCode);
    }

    [Fact]
    public async Task AResponderAddsChangesPausesAndRemovesACheckOnTheServicePage()
    {
        var (host, _, bob, service) = await ArrangeAsync();
        await using var _ = host;
        (string, string)[] Check(string name, string kind, string target, string interval, params (string, string)[] more) =>
        [
            ("Check.Name", name), ("Check.Kind", kind), ("Check.Target", target), ("Check.IntervalSeconds", interval), ("Check.TimeoutMs", "1000"),
            ("Check.FailuresToAlert", "3"), ("Check.Severity", "warning"), ("Check.ExpectedStatus", ""), ("Check.MaxLatencyMs", ""), ("Check.BodyMatch", ""), .. more,
        ];
        Assert.Contains("id=\"add-check\"", await bob.GetPageAsync($"/services/{service}"), StringComparison.Ordinal);
        var added = await bob.PostFormAsync($"/services/{service}", $"/services/{service}?handler=Check", Check("database port", "tcp", "127.0.0.1:9", "600"));
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var check = Assert.Single((await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/checks?service=payments-api")).EnumerateArray());
        Assert.Equal(("tcp", 600, "warning", 3), (check.GetProperty("kind").GetString(), check.GetProperty("intervalSeconds").GetInt32(), check.GetProperty("severity").GetString(), check.GetProperty("failuresToAlert").GetInt32()));
        var id = check.GetProperty("id").GetGuid();
        // It runs at once (nothing listens on port 9); wait for that, so the changes below do not race the runner.
        await Paging.PagingWorld.EventuallyAsync(async () => (await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/checks/{id}")).GetProperty("lastOk").ValueKind == JsonValueKind.False, "the first run");

        var changed = await bob.PostFormAsync($"/services/{service}", $"/services/{service}?handler=Check", Check("database port", "tcp", "127.0.0.1:9", "900", ("Check.Id", id.ToString())));
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal(900, (await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/checks/{id}")).GetProperty("intervalSeconds").GetInt32());
        Assert.Equal(HttpStatusCode.Redirect, (await bob.PostFormAsync($"/services/{service}", $"/services/{service}?handler=CheckPause", ("checkId", id.ToString()), ("enabled", "false"))).StatusCode);
        Assert.False((await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/checks/{id}")).GetProperty("enabled").GetBoolean());
        Assert.Contains("<span class=\"pill\">paused</span>", await bob.GetPageAsync($"/services/{service}"), StringComparison.Ordinal);

        // A check the command refuses is shown again beside its fields, and nothing is added.
        var refused = await bob.PostFormAsync($"/services/{service}", $"/services/{service}?handler=Check", Check("homepage", "http", "not a url", "60"));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains("<details class=\"fold\" id=\"add-check\" open=\"open\">", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"field-error\">&#x27;target&#x27; must be an absolute http or https URL.</span>", html, StringComparison.Ordinal);
        Assert.Contains("value=\"not a url\"", html, StringComparison.Ordinal);
        Assert.Single((await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/checks?service=payments-api")).EnumerateArray());

        Assert.Equal(HttpStatusCode.Redirect, (await bob.PostFormAsync($"/services/{service}", $"/services/{service}?handler=CheckDelete", ("checkId", id.ToString()))).StatusCode);
        Assert.Empty((await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/checks?service=payments-api")).EnumerateArray());
        var audit = await host.WithDbAsync((db, _) => db.AuditEntries.AsNoTracking().Where(a => a.EntityType == "check" && a.EntityId == id.ToString()).OrderBy(a => a.Id).Select(a => a.Action + " " + a.ActorName).ToListAsync());
        Assert.Equal("created Bob Okafor", audit[0]);
        Assert.Equal("deleted Bob Okafor", audit[^1]);
        Assert.Contains("updated Bob Okafor", audit);
    }
}
