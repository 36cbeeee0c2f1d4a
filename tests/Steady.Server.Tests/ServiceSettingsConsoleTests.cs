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
        var host = await SteadyHost.StartAsync();
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
}
