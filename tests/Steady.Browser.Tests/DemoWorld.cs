using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Steady.Server.Tests;

namespace Steady.Browser.Tests;

/// <summary>The demo organization (as <c>--demo</c> loads it) with a living incident, for tests that look at every page.</summary>
public static class DemoWorld
{
    /// <summary>An organization admin on the Payments team, in Europe/Berlin.</summary>
    public const string Olivia = "olivia@example.com";

    public const string Password = "correct horse battery staple";

    /// <summary>The living SEV1's page (the demo's history holds past incidents, so its number comes after theirs).</summary>
    public static string LivingIncidentPath { get; private set; } = "/incidents/1";

    /// <summary>
    /// The demo organization (with its past incident #1 and its published postmortem), a signed-in admin on
    /// its Payments team, a SEV1 (#2) declared from the demo's critical alert with a structured update, an
    /// action and a pinned note, a SEV3 (#3) and an emergency line; returns every console page worth opening over it.
    /// </summary>
    public static async Task<IReadOnlyList<string>> PagesAsync(SteadyHost host)
    {
        await host.WithDbAsync(async (_, sp) =>
        {
            await sp.GetRequiredService<Steady.Server.Features.Setup.Demo>().LoadAsync(CancellationToken.None);
            return 0;
        });
        var admin = host.Admin();
        var me = await Created(await admin.PostAsJsonAsync("/api/v1/users", new { name = "Olivia Lead", email = Olivia, password = Password, isAdmin = true, timeZone = "Europe/Berlin" }));
        var teams = await Items(admin, "/api/v1/teams");
        var payments = teams.First(t => t.GetProperty("name").GetString() == "Payments").GetProperty("id").GetGuid();
        (await admin.PutAsJsonAsync($"/api/v1/teams/{payments}/members/{me}", new { role = "admin" })).EnsureSuccessStatusCode();

        var alerts = await Items(admin, "/api/v1/alerts?status=all");
        var latency = alerts.First(a => a.GetProperty("dedupKey").GetString() == "demo-latency").GetProperty("id").GetGuid();
        var edge = alerts.First(a => a.GetProperty("dedupKey").GetString() == "demo-edge-1").GetProperty("id").GetGuid();
        // The demo's history holds past incidents: the living ones take the next numbers.
        var sev1 = await Number(await admin.PostAsJsonAsync("/api/v1/incidents", new { title = "Checkout payments time out", severity = "SEV1", alertId = latency, commander = Olivia }));
        LivingIncidentPath = $"/incidents/{sev1}";
        (await admin.PostAsJsonAsync($"/api/v1/incidents/{sev1}/roles", new { role = "communications-lead", user = Olivia })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/v1/incidents/{sev1}/updates", new
        {
            known = "Card checkout fails for about 30% of customers since 08:20 UTC; errors come from the payments API's connection pool.",
            unknown = "Whether the payment provider is involved.",
            doing = "Rolling back deploy v2.4.1, which halved the connection pool.",
        })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/v1/incidents/{sev1}/actions", new { intent = "Roll back deploy v2.4.1 on every payments-api instance", expectedEffect = "Error rate under 1% within 10 minutes", decidedBy = "Olivia Lead" })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/v1/incidents/{sev1}/notes", new { text = "Connection pool exhausted on payments-1 through payments-4 (https://grafana.example.com/d/payments-api-overview?orgId=1&from=now-1h)", pinned = true })).EnsureSuccessStatusCode();
        var sev3 = await Number(await admin.PostAsJsonAsync("/api/v1/incidents", new { title = "Slow ledger exports", severity = "SEV3", services = new[] { "postgres-primary" } }));
        (await admin.PostAsJsonAsync("/api/v1/emergency-lines", new
        {
            client = "Acme Retail",
            coveredSeverities = new[] { "SEV1" },
            hours = "24/7",
            purpose = "Short-term stabilization during rare, high-severity incidents.",
            boundaries = "No continuous availability, no guaranteed response times.",
            service = "payments-api",
            escalationPolicy = "payments-oncall",
        })).EnsureSuccessStatusCode();

        // A status page with a group, components (one linked to payments-api, which has the SEV1), maintenance ahead and subscribers.
        (await admin.PostAsJsonAsync("/api/v1/status-pages", new { name = "Acme status", slug = "acme", timeZone = "Europe/Berlin", description = "Live status of the Acme shop and its API." })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/status-pages/acme/groups", new { name = "Shop" })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/status-pages/acme/components", new { name = "Checkout", group = "Shop", service = "payments-api", description = "Paying for orders" })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/status-pages/acme/components", new { name = "Public API with a rather long component name" })).EnsureSuccessStatusCode();
        var soon = host.Clock.GetUtcNow().AddDays(2);
        (await admin.PostAsJsonAsync("/api/v1/status-pages/acme/maintenances", new { title = "Database upgrade", body = "Checkout may pause for a minute.", startsAt = soon, endsAt = soon.AddHours(1), components = new[] { "Checkout" }, silenceAlerts = true })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/status-pages/acme/subscribers", new { kind = "webhook", address = "https://hooks.example.com/services/T000/B000/a-rather-long-secret-path-for-the-status-page" })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/status-pages/acme/subscribers", new { kind = "email", address = "customer.with.a.long.address@example.com", components = new[] { "Checkout" } })).EnsureSuccessStatusCode();

        // Dave covers secondary_engineer tomorrow afternoon (an override on its timeline); payments-api has a paused check.
        var tomorrow = host.Clock.GetUtcNow().Date.AddDays(1);
        (await admin.PostAsJsonAsync("/api/v1/schedules/secondary_engineer/overrides", new { user = "dave@example.com", startsAt = new DateTimeOffset(tomorrow.AddHours(12), TimeSpan.Zero), endsAt = new DateTimeOffset(tomorrow.AddHours(16), TimeSpan.Zero) })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/checks", new { service = "payments-api", name = "payments health", kind = "http", target = "https://payments.example.com/healthz", expectedStatus = 200, enabled = false })).EnsureSuccessStatusCode();

        var pages = new List<string> { "/", "/incidents", $"/incidents/{sev1}", $"/incidents/{sev3}", "/incidents/1", "/incidents/1/postmortem", $"/incidents/{sev1}/postmortem",
            "/action-items", "/incidents/declare", "/alerts", $"/alerts/{latency}", $"/alerts/{edge}",
            "/schedules", "/policies", "/services", "/teams", "/users", "/tokens", "/audit", "/emergency-lines", "/account",
            "/silences", "/maintenance", "/schedules/edit", "/policies/edit", "/deliveries", "/reports", "/reports/oncall", "/reports/noise", "/reports/oncall?team=Payments",
            "/status-pages", "/status-pages/acme", "/status", "/status/subscribe" };
        // secondary_engineer first: its timeline has the override (the layout test keeps the first schedule as a screenshot).
        var schedules = (await Items(admin, "/api/v1/schedules")).OrderByDescending(s => s.GetProperty("name").GetString(), StringComparer.Ordinal).ToList();
        pages.AddRange(schedules.Select(s => $"/schedules/{s.GetProperty("id").GetGuid()}"));
        pages.Add($"/schedules/edit/{schedules[0].GetProperty("id").GetGuid()}");
        var policies = await Items(admin, "/api/v1/escalation-policies");
        pages.AddRange(policies.Select(s => $"/policies/{s.GetProperty("id").GetGuid()}"));
        pages.Add($"/policies/edit/{policies[0].GetProperty("id").GetGuid()}");
        pages.AddRange((await Items(admin, "/api/v1/services")).Take(2).Select(s => $"/services/{s.GetProperty("id").GetGuid()}"));
        pages.Add($"/teams/{payments}");
        pages.Add($"/users/{me}");
        return pages;
    }

    /// <summary>The number of the incident a declaration made.</summary>
    public static async Task<int> Number(HttpResponseMessage response)
    {
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetInt32();
    }

    public static async Task<Guid> Created(HttpResponseMessage response)
    {
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public static async Task<IReadOnlyList<JsonElement>> Items(HttpClient client, string url)
    {
        var body = await client.GetFromJsonAsync<JsonElement>(url);
        var list = body.ValueKind == JsonValueKind.Array ? body : body.GetProperty("items");
        return list.EnumerateArray().ToList();
    }

    public static async Task<IPage> SignInAsync(IBrowserContext context, string email, string password = Password)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
        return page;
    }

}
