using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Steady.Server.Tests.OnCall;

public sealed class PoliciesTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly SteadyHost _host = fixture.Host;

    [Fact]
    public async Task TheSeedsEscalationChainWorksVerbatim()
    {
        var admin = _host.Admin();
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var team = (await (await admin.PostAsJsonAsync("/api/v1/teams", new { name = "Payments " + suffix })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var (primary, _) = await _host.CreateUserAsync("Primary Person");
        var (secondary, _) = await _host.CreateUserAsync("Secondary Person");
        var (manager, _) = await _host.CreateUserAsync("engineering_manager_" + suffix);
        foreach (var (name, who) in new[] { ("primary_engineer_" + suffix, primary), ("secondary_engineer_" + suffix, secondary) })
        {
            (await admin.PostAsJsonAsync("/api/v1/schedules", new
            {
                name,
                team = team.ToString(),
                timeZone = "Europe/Berlin",
                layers = new[] { new { name = "weekly", participants = new[] { who }, firstHandoff = "2026-01-05T09:00", rotation = "weekly" } },
            })).EnsureSuccessStatusCode();
        }
        // escalation-policy.yaml from the seed, as JSON
        var seed = $$"""
            {
              "name": "payments-oncall-{{suffix}}",
              "team": "{{team}}",
              "escalation_chain": [
                { "notify": "primary_engineer_{{suffix}}", "wait": "5m" },
                { "notify": "secondary_engineer_{{suffix}}", "wait": "5m" },
                { "notify": "engineering_manager_{{suffix}}" }
              ]
            }
            """;
        var created = await admin.PostAsync("/api/v1/escalation-policies", new StringContent(seed, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var policy = await created.Content.ReadFromJsonAsync<JsonElement>();
        var steps = policy.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(3, steps.Count);
        Assert.Equal(("schedule", "primary_engineer_" + suffix), (steps[0].GetProperty("notify")[0].GetProperty("type").GetString(), steps[0].GetProperty("notify")[0].GetProperty("name").GetString()));
        Assert.Equal("5m", steps[1].GetProperty("wait").GetString());
        Assert.Equal("user", steps[2].GetProperty("notify")[0].GetProperty("type").GetString());
        Assert.Equal(manager, steps[2].GetProperty("notify")[0].GetProperty("id").GetGuid());

        var service = await admin.PostAsJsonAsync("/api/v1/services", new { name = "payments-" + suffix, teamId = team });
        var serviceId = (await service.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var patched = await admin.PatchAsJsonAsync($"/api/v1/services/{serviceId}", new { escalationPolicy = "payments-oncall-" + suffix });
        Assert.Equal(policy.GetProperty("id").GetGuid(), (await patched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("escalationPolicyId").GetGuid());

        var inUse = await admin.DeleteAsync($"/api/v1/escalation-policies/payments-oncall-{suffix}");
        Assert.Equal(HttpStatusCode.Conflict, inUse.StatusCode);
        var scheduleInUse = await admin.DeleteAsync($"/api/v1/schedules/primary_engineer_{suffix}");
        Assert.Equal(HttpStatusCode.Conflict, scheduleInUse.StatusCode);
    }

    [Fact]
    public async Task ANameThatIsNobodyIsRefusedNamingTheStep()
    {
        var admin = _host.Admin();
        var team = (await (await admin.PostAsJsonAsync("/api/v1/teams", new { name = "Nobody " + Guid.NewGuid().ToString("N")[..6] })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var response = await admin.PostAsJsonAsync("/api/v1/escalation-policies", new
        {
            name = "ghosts",
            team = team.ToString(),
            escalation_chain = new object[] { new { notify = "nobody_at_all", wait = "5m" }, new { notify = 42 }, new { notify = "admin@steady.local", wait = "soon" } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.Contains("escalation_chain[0].notify 'nobody_at_all'", detail);
        Assert.Contains("escalation_chain[1].notify must be", detail);
        Assert.Contains("escalation_chain[2].wait 'soon'", detail);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/escalation-policies/ghosts")).StatusCode);
    }

    [Fact]
    public async Task APolicyAnEmergencyLinePagesWithIsNotDeleted()
    {
        var admin = _host.Admin();
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var team = (await (await admin.PostAsJsonAsync("/api/v1/teams", new { name = "Lines " + suffix })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var (person, _) = await _host.CreateUserAsync("Line Person " + suffix);
        var email = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{person}")).GetProperty("email").GetString();
        (await admin.PostAsJsonAsync("/api/v1/escalation-policies", new { name = "line-policy-" + suffix, team = team.ToString(), escalation_chain = new[] { new { notify = email } } })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/services", new { name = "line-service-" + suffix, teamId = team })).EnsureSuccessStatusCode();
        var line = await admin.PostAsJsonAsync("/api/v1/emergency-lines", new
        {
            client = "Client " + suffix,
            coveredSeverities = new[] { "SEV1" },
            hours = "24/7",
            purpose = "Stabilization in rare SEV1 incidents",
            boundaries = "No guaranteed response times",
            service = "line-service-" + suffix,
            escalationPolicy = "line-policy-" + suffix,
        });
        Assert.True(line.IsSuccessStatusCode, await line.Content.ReadAsStringAsync());

        var refused = await admin.DeleteAsync($"/api/v1/escalation-policies/line-policy-{suffix}");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("emergency line of Client " + suffix, await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/escalation-policies/line-policy-{suffix}")).StatusCode);
    }
}
