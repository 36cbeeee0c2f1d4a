using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Steady.Server.Tests.Incidents;

public sealed class EmergencyLineTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<(Guid Id, string Key)> LineAsync(IncidentWorld world)
    {
        var created = await world.Admin.PostAsJsonAsync("/api/v1/emergency-lines", new
        {
            client = "Acme",
            coveredSeverities = new[] { "SEV1" },
            hours = "24/7",
            purpose = "Short-term stabilization during rare, high-severity incidents",
            boundaries = "No continuous availability, no guaranteed response times, no priority for non-critical work",
            service = world.Alerts.Service,
            escalationPolicy = "payments-oncall",
        }, Cancel);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        return (body.GetProperty("id").GetGuid(), body.GetProperty("key").GetString()!);
    }

    private static async Task<(Guid Id, int Incident)> SubmitAsync(IncidentWorld world, string key, string what = "Checkout is down for everyone")
    {
        var response = await world.Host.Anonymous().PostAsJsonAsync($"/emergency-line/{key}", new { name = "Erin (Acme ops)", contact = "+49 30 1234567", description = what }, Cancel);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        return (body.GetProperty("id").GetGuid(), body.GetProperty("incident").GetInt32());
    }

    [Fact]
    public async Task ASubmissionOpensATriageIncidentAndPagesTheAgreementsPolicy()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var (_, key) = await LineAsync(world);

        var line = await world.Host.Anonymous().GetFromJsonAsync<JsonElement>($"/emergency-line/{key}", Cancel);
        Assert.Contains("no guaranteed response times", line.GetProperty("boundaries").GetString(), StringComparison.Ordinal);
        Assert.False(line.GetProperty("suspended").GetBoolean());

        var (_, number) = await SubmitAsync(world, key);
        var incident = await world.GetAsync(number);
        Assert.Equal("triage", incident.GetProperty("status").GetString());
        Assert.Equal("SEV1", incident.GetProperty("severity").GetString());
        Assert.StartsWith("Emergency line, Acme: Checkout is down", incident.GetProperty("title").GetString(), StringComparison.Ordinal);
        var page = await IncidentWorld.EventuallyAsync(() => world.Phone("Ana").FirstOrDefault(r => r.Text.Contains("Emergency line", StringComparison.Ordinal)), "the page for the submission");
        Assert.Contains("Acme", page.Text, StringComparison.Ordinal);

        var unknown = await world.Host.Anonymous().PostAsJsonAsync("/emergency-line/line_nope", new { name = "x", contact = "y", description = "z" }, Cancel);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("standard support channels", await IncidentWorld.DetailAsync(unknown), StringComparison.Ordinal);
        var page404 = await world.Host.Anonymous().GetAsync("/emergency/line_nope", Cancel);
        Assert.Equal(HttpStatusCode.NotFound, page404.StatusCode);
        Assert.Contains("standard support channels", await page404.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoMisusesSuspendTheLineWithAClearMessageUntilAnAdminReinstatesIt()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var (id, key) = await LineAsync(world);
        var (first, _) = await SubmitAsync(world, key, "Please reset my password");
        var (second, _) = await SubmitAsync(world, key, "Can you add a DNS record");

        var noReason = await world.As("Ben").PostAsJsonAsync($"/api/v1/emergency-submissions/{first}/misuse", new { }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        var once = await world.As("Ben").PostAsJsonAsync($"/api/v1/emergency-submissions/{first}/misuse", new { reason = "A routine request" }, Cancel);
        Assert.False((await once.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("suspended").GetBoolean());
        world.Host.Clock.Advance(TimeSpan.FromDays(30));
        var twice = await world.As("Ben").PostAsJsonAsync($"/api/v1/emergency-submissions/{second}/misuse", new { reason = "Not an incident" }, Cancel);
        Assert.True((await twice.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("suspended").GetBoolean());

        var refused = await world.Host.Anonymous().PostAsJsonAsync($"/emergency-line/{key}", new { name = "Erin", contact = "+49", description = "Down!" }, Cancel);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("suspended", await IncidentWorld.DetailAsync(refused), StringComparison.Ordinal);
        Assert.Equal(2, (await world.Admin.GetFromJsonAsync<JsonElement>("/api/v1/incidents?status=all", Cancel)).GetProperty("items").GetArrayLength());
        var pageText = await world.Host.Anonymous().GetStringAsync($"/emergency/{key}", Cancel);
        Assert.Contains("This emergency line is suspended", pageText, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Forbidden, (await world.As("Ben").PostAsJsonAsync($"/api/v1/emergency-lines/{id}/reinstate", new { }, Cancel)).StatusCode);
        (await world.Admin.PostAsJsonAsync($"/api/v1/emergency-lines/{id}/reinstate", new { }, Cancel)).EnsureSuccessStatusCode();
        await SubmitAsync(world, key);
    }
}
