using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Steady.Server.Tests.Alerts;
using Steady.Server.Tests.Incidents;
using Steady.Server.Tests.Notify;

namespace Steady.Server.Tests.Security;

/// <summary>What one signed-in person may see of what others configured: credentials stay with the team that owns them.</summary>
public sealed class LeastExposureTests
{
    private const string Password = "a long enough password";
    private const string Target = "https://monitor:S3cret@internal.example/health?api_key=k3y";
    private const string Masked = "https://***@internal.example/health?api_key=***";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ACheckTargetIsShownInFullToTheTeamsRespondersAndMaskedToEveryoneElseInTheApiAndOnTheServicePage()
    {
        await using var host = await SteadyHost.StartAsync();
        var world = await AlertWorld.CreateAsync(host);
        var responder = await MemberAsync(host, world.TeamId, "Rosa Responder", "responder");
        var viewer = await MemberAsync(host, world.TeamId, "Vic Viewer", "viewer");
        var outsider = await host.CreateUserAsync("Otto Outsider");
        var created = await host.As(responder.Token).PostAsJsonAsync("/api/v1/checks", new { service = world.Service, name = "health", kind = "http", target = Target, enabled = false }, Cancel);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var check = await created.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(Target, check.GetProperty("target").GetString());
        var id = check.GetProperty("id").GetGuid();

        async Task<(string? Listed, string? One)> SeenByAsync(string token) => (
            Assert.Single((await host.As(token).GetFromJsonAsync<JsonElement>($"/api/v1/checks?service={world.Service}", Cancel)).EnumerateArray()).GetProperty("target").GetString(),
            (await host.As(token).GetFromJsonAsync<JsonElement>($"/api/v1/checks/{id}", Cancel)).GetProperty("target").GetString());
        Assert.Equal((Target, Target), await SeenByAsync(responder.Token));
        Assert.Equal((Target, Target), await SeenByAsync(SteadyHost.AdminToken));
        Assert.Equal((Masked, Masked), await SeenByAsync(viewer.Token));
        Assert.Equal((Masked, Masked), await SeenByAsync(outsider.Token));

        var asResponder = await SignedInAsync(host, responder.Email, Password);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(Target), await asResponder.GetPageAsync($"/services/{world.ServiceId}"), StringComparison.Ordinal);
        var asViewer = await SignedInAsync(host, viewer.Email, Password);
        var page = await asViewer.GetPageAsync($"/services/{world.ServiceId}");
        Assert.Contains(System.Net.WebUtility.HtmlEncode(Masked), page, StringComparison.Ordinal);
        Assert.DoesNotContain("S3cret", page, StringComparison.Ordinal);
        Assert.DoesNotContain("k3y", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAlertOfAFailingCheckCarriesItsTargetMasked()
    {
        using var site = new LoopbackReceiver { Status = 503 };
        await using var host = await SteadyHost.StartAsync();
        var world = await AlertWorld.CreateAsync(host);
        var target = site.Url("health").Replace("http://", "http://probe:S3cret@", StringComparison.Ordinal) + "?token=k3y";
        var created = await host.Admin().PostAsJsonAsync("/api/v1/checks", new { service = world.Service, name = "site", kind = "http", target, intervalSeconds = 10, failuresToAlert = 1 }, Cancel);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var alertId = await IncidentWorld.EventuallyAsync(async () => (await world.AlertsAsync()).Select(a => a.GetProperty("id").GetString()).FirstOrDefault(), "the check's alert");
        var text = string.Join("\n", (await world.AlertsAsync()).Select(a => a.GetRawText())) + (await world.DetailAsync(alertId)).GetRawText();
        Assert.DoesNotContain("S3cret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("k3y", text, StringComparison.Ordinal);
        Assert.Contains("http://***@127.0.0.1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARetainerClientsContactDetailsAreForTheLinesRespondersOnly()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var (_, key) = await EmergencyLineTests.LineAsync(world);
        var (_, number) = await EmergencyLineTests.SubmitAsync(world, key);

        // The summary everyone reads, and that went to the incident's channels, holds what was reported, not who or how to reach them.
        var incident = await world.GetAsync(number);
        Assert.Equal("Submitted through the emergency line: Checkout is down for everyone", incident.GetProperty("summary").GetString());
        var declared = await IncidentWorld.EventuallyAsync(() => world.Channel.FirstOrDefault(r => r.Text.Contains("declared", StringComparison.Ordinal)), "the declaration in the channel");
        Assert.DoesNotContain("+49 30 1234567", declared.Text, StringComparison.Ordinal);

        // Ana responds for the line's service team; an outsider does not.
        (await world.Admin.PutAsJsonAsync($"/api/v1/users/{world.People["Ana"].Id}/password", new { newPassword = Password }, Cancel)).EnsureSuccessStatusCode();
        var ana = await SignedInAsync(world.Host, (await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{world.People["Ana"].Id}", Cancel)).GetProperty("email").GetString()!, Password);
        Assert.Contains("Erin (Acme ops) (+49 30 1234567)", WebUtility.HtmlDecode(await ana.GetPageAsync($"/incidents/{number}")), StringComparison.Ordinal);
        var outsider = await world.Host.CreateUserAsync("Otto Outsider");
        (await world.Admin.PutAsJsonAsync($"/api/v1/users/{outsider.Id}/password", new { newPassword = Password }, Cancel)).EnsureSuccessStatusCode();
        var otto = await SignedInAsync(world.Host, (await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{outsider.Id}", Cancel)).GetProperty("email").GetString()!, Password);
        var seen = WebUtility.HtmlDecode(await otto.GetPageAsync($"/incidents/{number}"));
        Assert.Contains("Checkout is down for everyone", seen, StringComparison.Ordinal);
        Assert.DoesNotContain("+49 30 1234567", seen, StringComparison.Ordinal);
        Assert.DoesNotContain("Erin", seen, StringComparison.Ordinal);
        Assert.Contains("contact details are for the line", seen, StringComparison.Ordinal);
        var timeline = string.Join("\n", (await world.TimelineAsync(number)).Select(e => e.GetRawText()));
        Assert.DoesNotContain("+49 30 1234567", timeline, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendTestSaysWhetherItWentAndTheStatusCodeButNeverTheAnswer()
    {
        using var receiver = new LoopbackReceiver { Status = 500, Body = "{\"users\":[{\"email\":\"admin@steady.local\",\"token\":\"internal-answer\"}]}" };
        await using var host = await SteadyHost.StartAsync();
        var me = Guid.Parse((await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/me", Cancel)).GetProperty("user").GetProperty("id").GetString()!);
        var method = await host.Admin().PostAsJsonAsync($"/api/v1/users/{me}/contact-methods", new { kind = "webhook", address = receiver.Url("users") }, Cancel);
        var id = (await method.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();

        var tested = await (await host.Admin().PostAsJsonAsync($"/api/v1/users/{me}/contact-methods/{id}/test", new { }, Cancel)).Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("retry", tested.GetProperty("outcome").GetString());
        Assert.Equal("HTTP 500", tested.GetProperty("detail").GetString());
        Assert.Single(receiver.Requests);
    }

    private static async Task<ConsoleClient> SignedInAsync(SteadyHost host, string email, string password)
    {
        var console = new ConsoleClient(host);
        await console.SignInAsync(email, password);
        return console;
    }

    private static async Task<(Guid Id, string Token, string Email)> MemberAsync(SteadyHost host, Guid team, string name, string role)
    {
        var (id, token) = await host.CreateUserAsync(name);
        (await host.Admin().PutAsJsonAsync($"/api/v1/teams/{team}/members/{id}", new { role }, Cancel)).EnsureSuccessStatusCode();
        (await host.Admin().PutAsJsonAsync($"/api/v1/users/{id}/password", new { newPassword = Password }, Cancel)).EnsureSuccessStatusCode();
        var email = (await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/users/{id}", Cancel)).GetProperty("email").GetString()!;
        return (id, token, email);
    }
}
