using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Steady.Server.Tests.OnCall;

public sealed class ContactMethodsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly SteadyHost _host = fixture.Host;

    [Fact]
    public async Task PeopleSetUpTheirOwnContactMethodsAndRulesAndSecretsStayHidden()
    {
        var (me, token) = await _host.CreateUserAsync("Nora Night");
        var client = _host.As(token);
        var push = await client.PostAsJsonAsync($"/api/v1/users/{me}/contact-methods", new { kind = "ntfy", address = "https://ntfy.example.com/nora-pages", label = "phone", settings = new { token = "tk_supersecret" } });
        Assert.Equal(HttpStatusCode.Created, push.StatusCode);
        var pushId = (await push.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var email = await client.PostAsJsonAsync($"/api/v1/users/{me}/contact-methods", new { kind = "email", address = "nora@example.com" });
        var emailId = (await email.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        (await client.PostAsJsonAsync($"/api/v1/users/{me}/notification-rules", new { contactMethodId = emailId, delayMinutes = 2 })).EnsureSuccessStatusCode();
        (await client.PostAsJsonAsync($"/api/v1/users/{me}/notification-rules", new { contactMethodId = pushId, delayMinutes = 0, urgency = "high" })).EnsureSuccessStatusCode();

        var rules = await client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{me}/notification-rules");
        Assert.Equal(["ntfy", "email"], rules.EnumerateArray().Select(r => r.GetProperty("contactKind").GetString()));
        var methods = await client.GetStringAsync($"/api/v1/users/{me}/contact-methods");
        Assert.Contains("\"token\"", methods);
        Assert.DoesNotContain("tk_supersecret", methods);
        Assert.DoesNotContain("tk_supersecret", await _host.Admin().GetStringAsync("/api/v1/audit?limit=500"));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/users/{me}/contact-methods/{emailId}")).StatusCode);
        Assert.Single((await client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{me}/notification-rules")).EnumerateArray());
    }

    [Fact]
    public async Task TheAuditLogNamesAContactMethodsKindAsText()
    {
        var (me, token) = await _host.CreateUserAsync("Aude Audit");
        var created = await _host.As(token).PostAsJsonAsync($"/api/v1/users/{me}/contact-methods", new { kind = "email", address = "aude@example.com" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var audit = await _host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/audit?entityType=contact_method&entityId={id}");
        var entry = Assert.Single(audit.GetProperty("items").EnumerateArray());
        Assert.Equal("created", entry.GetProperty("action").GetString());
        Assert.Equal("[null,\"email\"]", entry.GetProperty("changes").GetProperty("kind").GetRawText());
    }

    [Fact]
    public async Task SendTestReachesARealReceiverAndMarksTheMethodVerified()
    {
        var (me, token) = await _host.CreateUserAsync("Tess Test", isAdmin: true); // an administrator: the receiver is on the server's own host
        var client = _host.As(token);
        var port = FreePort();
        using var receiver = new System.Net.HttpListener();
        receiver.Prefixes.Add($"http://127.0.0.1:{port}/");
        receiver.Start();
        var received = Task.Run(async () =>
        {
            var context = await receiver.GetContextAsync();
            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            var key = context.Request.Headers["Idempotency-Key"];
            context.Response.StatusCode = 204;
            context.Response.Close();
            return (body, key);
        });
        var method = await client.PostAsJsonAsync($"/api/v1/users/{me}/contact-methods", new { kind = "webhook", address = $"http://127.0.0.1:{port}/pages", settings = new { secret = "s3cret" } });
        var id = (await method.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var test = await client.PostAsJsonAsync($"/api/v1/users/{me}/contact-methods/{id}/test", new { });
        var result = await test.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("sent", result.GetProperty("outcome").GetString());
        Assert.Equal("HTTP 204", result.GetProperty("detail").GetString());
        Assert.Equal(JsonValueKind.String, result.GetProperty("verifiedAt").ValueKind);
        var (body, key) = await received.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Contains("steady.notification", body);
        Assert.False(string.IsNullOrEmpty(key));

        var closed = await client.PostAsJsonAsync($"/api/v1/users/{me}/contact-methods", new { kind = "webhook", address = $"http://127.0.0.1:{FreePort()}/nobody" });
        var closedId = (await closed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var failed = await (await client.PostAsJsonAsync($"/api/v1/users/{me}/contact-methods/{closedId}/test", new { })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.NotEqual("sent", failed.GetProperty("outcome").GetString());
        Assert.Equal("no HTTP answer", failed.GetProperty("detail").GetString()); // not why: a test is no port scanner
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("verifiedAt").ValueKind);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task BadContactMethodsAreRefusedNamingTheField()
    {
        var (me, token) = await _host.CreateUserAsync("Vic Valid");
        var client = _host.As(token);
        async Task<string> Refused(object body)
        {
            var response = await client.PostAsJsonAsync($"/api/v1/users/{me}/contact-methods", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        }
        Assert.Contains("'kind'", await Refused(new { kind = "pigeon", address = "x" }));
        Assert.Contains("email", await Refused(new { kind = "email", address = "not-an-email" }));
        Assert.Contains("international form", await Refused(new { kind = "sms", address = "0151 1234", settings = new { url = "http://127.0.0.1/sms" } }));
        Assert.Contains("template", await Refused(new { kind = "sms", address = "+4915112345678" }));
        Assert.Contains("http or https", await Refused(new { kind = "slack", address = "ftp://hooks.example.com/x" }));
        var rule = await client.PostAsJsonAsync($"/api/v1/users/{me}/notification-rules", new { contactMethodId = Guid.NewGuid(), delayMinutes = -1, urgency = "whenever" });
        var detail = (await rule.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.Contains("contactMethodId", detail);
        Assert.Contains("delayMinutes", detail);
        Assert.Contains("urgency", detail);
    }
}
