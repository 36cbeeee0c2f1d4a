using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Steady.Server.Tests.Alerts;
using Steady.Server.Tests.Notify;

namespace Steady.Server.Tests.Security;

/// <summary>Where the server may be pointed: loopback and link-local only by administrators, and only what Steady:Outbound:Allow names when it is set.</summary>
public sealed class OutboundPolicyTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("http://127.0.0.1:8080/api/v1/users")]
    [InlineData("http://localhost:8080/api/v1/users")]
    [InlineData("http://[::1]:8080/")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://0.0.0.0:8080/")]
    public async Task PeopleWhoAreNotAdministratorsCannotPointWebhooksChecksOrChannelsAtLoopbackOrLinkLocal(string url)
    {
        await using var host = await SteadyHost.StartAsync();
        var world = await AlertWorld.CreateAsync(host);
        var (me, token) = await host.CreateUserAsync("Rosa Responder");
        (await host.Admin().PutAsJsonAsync($"/api/v1/teams/{world.TeamId}/members/{me}", new { role = "responder" }, Cancel)).EnsureSuccessStatusCode();
        var rosa = host.As(token);

        await RefusedAsync(await rosa.PostAsJsonAsync($"/api/v1/users/{me}/contact-methods", new { kind = "webhook", address = url }, Cancel), "address");
        await RefusedAsync(await rosa.PostAsJsonAsync($"/api/v1/users/{me}/contact-methods", new { kind = "sms", address = "+4915112345678", settings = new { url, body = "to={{to}}&text={{message}}" } }, Cancel), "settings");
        await RefusedAsync(await rosa.PostAsJsonAsync("/api/v1/checks", new { service = world.Service, name = "probe", kind = "http", target = url, bodyMatch = "email" }, Cancel), "target");
        await RefusedAsync(await rosa.PostAsJsonAsync("/api/v1/checks", new { service = world.Service, name = "port", kind = "tcp", target = new Uri(url).Authority.Contains(':', StringComparison.Ordinal) ? new Uri(url).Authority : new Uri(url).Host + ":80" }, Cancel), "target");
        var declared = await rosa.PostAsJsonAsync("/api/v1/incidents", new { title = "x", severity = "SEV3", services = new[] { world.Service }, channels = new[] { new { kind = "webhook", address = url } } }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, declared.StatusCode);
        Assert.Contains("loopback or link-local", await declared.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Empty((await rosa.GetFromJsonAsync<JsonElement>($"/api/v1/users/{me}/contact-methods", Cancel)).EnumerateArray());
        Assert.Empty((await rosa.GetFromJsonAsync<JsonElement>("/api/v1/checks", Cancel)).EnumerateArray());

        // An administrator may (a receiver on the server's own host is theirs to set up).
        var admin = await host.Admin().PostAsJsonAsync($"/api/v1/users/{me}/contact-methods", new { kind = "webhook", address = url }, Cancel);
        Assert.Equal(HttpStatusCode.Created, admin.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await host.Admin().PostAsJsonAsync("/api/v1/checks", new { service = world.Service, name = "probe", kind = "http", target = url, enabled = false }, Cancel)).StatusCode);
    }

    [Fact]
    public async Task WithAnAllowListOnlyWhatItNamesIsAllowedForEveryoneAndLoopbackOnlyWhenNamed()
    {
        await using var host = await SteadyHost.StartAsync(b =>
        {
            b.UseSetting("Steady:Outbound:Allow:0", "https://hooks.slack.com/");
            b.UseSetting("Steady:Outbound:Allow:1", "10.0.0.0/8");
            b.UseSetting("Steady:Outbound:Allow:2", "*.ntfy.example");
            b.UseSetting("Steady:Outbound:Allow:3", "127.0.0.1");
        });
        var me = Guid.Parse((await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/me", Cancel)).GetProperty("user").GetProperty("id").GetString()!);
        var (rosa, token) = await host.CreateUserAsync("Rosa Responder");

        foreach (var allowed in new[] { "https://hooks.slack.com/services/T0/B0/x", "http://10.1.2.3/hook", "https://push.ntfy.example/topic" })
            Assert.Equal(HttpStatusCode.Created, (await host.Admin().PostAsJsonAsync($"/api/v1/users/{me}/contact-methods", new { kind = "webhook", address = allowed }, Cancel)).StatusCode);
        foreach (var other in new[] { "https://hooks.slack.com.evil.example/x", "https://ntfy.example/topic", "http://11.0.0.1/hook", "http://localhost:8080/" })
        {
            var refused = await host.Admin().PostAsJsonAsync($"/api/v1/users/{me}/contact-methods", new { kind = "webhook", address = other }, Cancel);
            await RefusedAsync(refused, "address", "Steady:Outbound:Allow");
        }
        // 127.0.0.1 is named: people who are not administrators may point at it too; localhost is not.
        Assert.Equal(HttpStatusCode.Created, (await host.As(token).PostAsJsonAsync($"/api/v1/users/{rosa}/contact-methods", new { kind = "webhook", address = "http://127.0.0.1:9000/hook" }, Cancel)).StatusCode);
        await RefusedAsync(await host.As(token).PostAsJsonAsync($"/api/v1/users/{rosa}/contact-methods", new { kind = "webhook", address = "http://localhost:9000/hook" }, Cancel), "address", "Steady:Outbound:Allow");
    }

    [Fact]
    public async Task ADestinationTheAllowListNoLongerNamesIsNotSentToAndTheResultSaysWhy()
    {
        using var receiver = new LoopbackReceiver();
        var database = await TestDatabase.CreateAsync();
        Guid me, id;
        var before = await SteadyHost.StartAsync(database: database);
        try
        {
            me = Guid.Parse((await before.Admin().GetFromJsonAsync<JsonElement>("/api/v1/me", Cancel)).GetProperty("user").GetProperty("id").GetString()!);
            var method = await before.Admin().PostAsJsonAsync($"/api/v1/users/{me}/contact-methods", new { kind = "webhook", address = receiver.Url("hook") }, Cancel);
            id = (await method.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();
        }
        finally
        {
            await before.DisposeAsyncKeepingDatabase();
        }

        await using var after = await SteadyHost.StartAsync(b => b.UseSetting("Steady:Outbound:Allow:0", "https://hooks.slack.com/"), database);
        var tested = await (await after.Admin().PostAsJsonAsync($"/api/v1/users/{me}/contact-methods/{id}/test", new { }, Cancel)).Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("failed", tested.GetProperty("outcome").GetString());
        Assert.Contains("Steady:Outbound:Allow", tested.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task AHostNameThatResolvesToLoopbackIsNotConnectedToEvenForAnAdministrator()
    {
        var name = System.Net.Dns.GetHostName();
        Assert.SkipUnless((await System.Net.Dns.GetHostAddressesAsync(name, Cancel)).Any(IPAddress.IsLoopback), $"this host's name ({name}) does not resolve to a loopback address here");
        using var receiver = new LoopbackReceiver();
        await using var host = await SteadyHost.StartAsync();
        var me = Guid.Parse((await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/me", Cancel)).GetProperty("user").GetProperty("id").GetString()!);
        var hidden = receiver.Url("hook").Replace("127.0.0.1", name, StringComparison.Ordinal);
        var method = await host.Admin().PostAsJsonAsync($"/api/v1/users/{me}/contact-methods", new { kind = "webhook", address = hidden }, Cancel);
        var id = (await method.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();

        var tested = await (await host.Admin().PostAsJsonAsync($"/api/v1/users/{me}/contact-methods/{id}/test", new { }, Cancel)).Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("failed", tested.GetProperty("outcome").GetString());
        Assert.Contains($"'{name}' resolves to a loopback or link-local address", tested.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(receiver.Requests);

        // Named in the allow-list, it is reached.
        await using var allowed = await SteadyHost.StartAsync(b => { b.UseSetting("Steady:Outbound:Allow:0", "*"); b.UseSetting("Steady:Outbound:Allow:1", name); });
        var admin = Guid.Parse((await allowed.Admin().GetFromJsonAsync<JsonElement>("/api/v1/me", Cancel)).GetProperty("user").GetProperty("id").GetString()!);
        var again = await allowed.Admin().PostAsJsonAsync($"/api/v1/users/{admin}/contact-methods", new { kind = "webhook", address = hidden }, Cancel);
        var againId = (await again.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();
        var sent = await (await allowed.Admin().PostAsJsonAsync($"/api/v1/users/{admin}/contact-methods/{againId}/test", new { }, Cancel)).Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("sent", sent.GetProperty("outcome").GetString());
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task AnAllowListEntryThatIsNoDestinationStopsTheServerAtStartNamingTheSetting()
    {
        await using var database = await TestDatabase.CreateAsync();
        var error = await SecretKeyTests.RefusedStartAsync(database, new() { ["Steady__Outbound__Allow__0"] = "not a host!" });
        Assert.StartsWith("steady: Steady:Outbound:Allow: 'not a host!' is neither a URL prefix", error, StringComparison.Ordinal);
    }

    private static async Task RefusedAsync(HttpResponseMessage response, string field, string? says = null)
    {
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {text}");
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), text);
        Assert.Contains(says ?? "loopback or link-local", messages[0].GetString(), StringComparison.Ordinal);
    }
}
