using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace Steady.Server.Tests;

/// <summary>
/// Malformed, oversized, wrongly typed and conflicting input: always a 4xx problem detail naming
/// the reason, never a 5xx, and nothing half-written.
/// </summary>
public sealed class BadInputTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly SteadyHost _host = fixture.Host;

    public static TheoryData<string, string, string, int, string> Corpus() => new()
    {
        // method, path, body, expected status, a word the detail must contain
        { "POST", "/api/v1/teams", "{", 400, "JSON" },
        { "POST", "/api/v1/teams", "[]", 400, "JSON" },
        { "POST", "/api/v1/teams", "{\"name\": 42}", 400, "$.name" },
        { "POST", "/api/v1/teams", "{\"name\": null}", 400, "name" },
        { "POST", "/api/v1/teams", "{}", 400, "name" },
        { "POST", "/api/v1/teams", "{\"name\": \"   \"}", 400, "'name' is required" },
        { "POST", "/api/v1/teams", "{\"name\": \"" + new string('x', 101) + "\"}", 400, "at most 100" },
        { "POST", "/api/v1/teams", "{\"name\": \"a\\u0007b\"}", 400, "control characters" },
        { "POST", "/api/v1/teams", "{\"name\": \"a\\u0000b\"}", 400, "$.name holds a NUL character" },
        { "POST", "/api/v1/escalation-policies", Nested(200), 400, "depth" },
        { "POST", "/api/v1/teams", "{\"name\": \"x\", \"extra\": [[1]]}", 400, "'extra' is not a field" },
        { "POST", "/api/v1/services", "{\"name\": \"svc\", \"teamId\": \"0195a9d2-0000-7000-8000-000000000000\", \"runbook_url\": \"https://x\"}", 400, "'runbook_url' is not a field" },
        { "POST", "/api/v1/teams", "{\"name\": \"x\", \"name\": \"y\"}", 400, "'name' is given twice" },
        { "POST", "/api/v1/teams", "{\"name\": \"x\", \"Name\": \"y\"}", 400, "given twice" },
        { "POST", "/api/v1/teams", "{\"name\": \"a\\ud800b\"}", 400, "$.name holds an unpaired surrogate" },
        { "POST", "/api/v1/teams", "{\"name\": \"x\", \"description\": \"\\udc00\"}", 400, "$.description holds an unpaired surrogate" },
        { "POST", "/api/v1/escalation-policies", "{\"name\": \"p\", \"team\": \"Platform\", \"escalation_chain\": [null]}", 400, "'escalation_chain' must not hold null" },
        { "POST", "/api/v1/schedules", "{\"name\": \"s\", \"team\": \"Platform\", \"timeZone\": \"UTC\", \"layers\": [null]}", 400, "'layers' must not hold null" },
        { "POST", "/api/v1/schedules", "{\"name\": \"s\", \"team\": \"Platform\", \"timeZone\": \"UTC\", \"layers\": [{\"name\": \"l\", \"participants\": [], \"firstHandoff\": \"2026-01-05T09:00\", \"restrictions\": [null]}]}", 400, "$.layers[0].restrictions must not hold null" },
        { "POST", "/api/v1/silences", "{\"matchers\": [{\"name\": \"a\", \"value\": \"b\"}], \"reason\": \"r\", \"startsAt\": \"9999-12-31T23:59:59Z\"}", 400, "$.startsAt must be between 2000-01-01 and 2100-12-31" },
        { "POST", "/api/v1/silences", "{\"matchers\": [{\"name\": \"a\", \"value\": \"b\"}], \"reason\": \"r\", \"endsAt\": \"0001-01-01T00:00:00Z\"}", 400, "$.endsAt must be between" },
        { "POST", "/api/v1/tokens", "{\"name\": \"t\", \"expiresAt\": \"2101-01-01T00:00:00Z\"}", 400, "$.expiresAt must be between" },
        { "GET", "/api/v1/oncall?at=9999-12-31T23:59:59Z", "", 400, "'at' must be between" },
        { "GET", "/api/v1/alerts?since=0001-01-01T00:00:00Z", "", 400, "'since' must be between" },
        { "POST", "/api/v1/teams", "", 400, "body" },
        { "POST", "/api/v1/users", "{\"name\": \"X\", \"email\": \"not-an-email\"}", 400, "email" },
        { "POST", "/api/v1/users", "{\"name\": \"X\", \"email\": \"x@example.com\", \"timeZone\": \"Mars/Olympus\"}", 400, "time zone" },
        { "POST", "/api/v1/users", "{\"name\": \"X\", \"email\": \"x@example.com\", \"password\": \"short\"}", 400, "12 characters" },
        { "POST", "/api/v1/users", "{\"name\": \"X\", \"email\": \"x@example.com\", \"isAdmin\": \"yes\"}", 400, "$.isAdmin" },
        { "POST", "/api/v1/services", "{\"name\": \"svc\"}", 400, "teamId" },
        { "POST", "/api/v1/services", "{\"name\": \"svc\", \"teamId\": \"not-a-guid\"}", 400, "$.teamId" },
        { "POST", "/api/v1/services", "{\"name\": \"svc\", \"teamId\": \"0195a9d2-0000-7000-8000-000000000000\"}", 400, "no team" },
        { "POST", "/api/v1/tokens", "{\"name\": \"t\", \"expiresAt\": \"2001-01-01T00:00:00Z\"}", 400, "future" },
        { "PUT", "/api/v1/teams/Platform/members/admin@steady.local", "{\"role\": \"owner\"}", 400, "viewer, responder, admin" },
        { "PUT", "/api/v1/teams/Platform/members/admin@steady.local", "{\"role\": \"2\"}", 400, "viewer, responder, admin" },
        { "GET", "/api/v1/nothing-here", "", 404, "nothing at" },
        { "DELETE", "/api/v1/me", "", 405, "not allowed" },
        { "GET", "/api/v1/teams/no-such-team", "", 404, "no-such-team" },
        { "GET", "/api/v1/teams?limit=abc", "", 400, "limit" },
        { "DELETE", "/api/v1/tokens/not-a-guid", "", 404, "nothing at" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task MalformedInputIsRefusedWithAProblemDetailAndNothingStored(string method, string path, string body, int status, string mentions)
    {
        await EnsurePlatformTeamAsync();
        var before = await CountRowsAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body.Length > 0 || method is "POST" or "PUT")
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        var response = await _host.Admin().SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.Contains(mentions, problem.GetProperty("detail").GetString() ?? "", StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await CountRowsAsync());
    }

    [Fact]
    public async Task InvalidUtf8InAnApiBodyIsRefusedNamingTheFieldAndNothingStored()
    {
        await EnsurePlatformTeamAsync();
        var before = await CountRowsAsync();
        var content = new ByteArrayContent([.. "{\"name\": \"caf"u8, 0xC3, 0x28, .. "\"}"u8]);
        content.Headers.ContentType = new("application/json");
        var response = await _host.Admin().PostAsync("/api/v1/teams", content, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("$.name is not valid UTF-8", await DetailAsync(response));
        Assert.Equal(before, await CountRowsAsync());
    }

    [Fact]
    public async Task AStringOverTheLimitOfEveryFieldIsRefusedNamingTheFieldAndTheLimit()
    {
        // 'team' is not used when 'services' are named: even so it is not taken unread at any length.
        var response = await _host.Admin().PostAsJsonAsync("/api/v1/incidents", new { title = "x", severity = "SEV3", services = new[] { "nope" }, team = new string('t', 100_000) }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("$.team must be at most 10000 characters (it has 100000)", await DetailAsync(response));
    }

    [Theory]
    [InlineData("/api/v1/teams?limit=%00", "'limit' holds a NUL")]
    [InlineData("/api/v1/alerts?service=a%00b", "'service' holds a NUL")]
    public async Task ANulInAQueryParameterIsRefusedNamingIt(string path, string mentions)
    {
        var response = await _host.Admin().GetAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(mentions, await DetailAsync(response));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/json; charset=utf-16")]
    public async Task ABodyOfAnotherKindOrCharacterSetIsRefusedWith415(string type)
    {
        var content = new ByteArrayContent("{\"name\": \"Kinds\"}"u8.ToArray());
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(type);
        var response = await _host.Admin().PostAsync("/api/v1/teams", content, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    public static TheoryData<string, byte[], string> Yaml() => new()
    {
        // what, the file, a word the detail must contain
        { "50,000 nested lists (it overflowed the stack)", Encoding.ASCII.GetBytes(new string('[', 50_000) + new string(']', 50_000)), "nested deeper than 32 levels" },
        { "1,000 nested block lists", Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("- ", 1000)) + "x"), "nested deeper than 32 levels" },
        { "a billion laughs", Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 9).Select(i => i == 0 ? "a0: &a0 [x,x,x,x,x,x,x,x,x]\n" : $"a{i}: &a{i} [{string.Join(",", Enumerable.Repeat($"*a{i - 1}", 9))}]\n"))), "more than 100000 values (counting aliases)" },
        { "invalid UTF-8", [.. "kind: team\nname: caf"u8, 0xC3, 0x28, .. "\n"u8], "not valid UTF-8: byte 21 (line 2)" },
        { "an unpaired surrogate", "kind: team\nname: \"a\\ud800\"\n"u8.ToArray(), "invalid Unicode surrogates" },
        { "an escaped NUL", "kind: team\nname: \"a\\0b\"\n"u8.ToArray(), "NUL character" },
        { "members holding null", "kind: team\nname: Nulls\nmembers: [null]\n"u8.ToArray(), "'members' must not hold null (item 0)" },
        { "a policy's steps holding null", "name: nulls\nteam: Platform\nescalation_chain: [null]\n"u8.ToArray(), "'escalation_chain' must not hold null (item 0)" },
        { "an alias to an anchor not yet defined", "kind: team\nmembers: &m [*m]\n"u8.ToArray(), "names no anchor defined before it" },
    };

    [Theory]
    [MemberData(nameof(Yaml))]
    public async Task AYamlFileThatCouldExhaustTheServerOrHoldsInvalidTextIsRefusedWhileItIsRead(string what, byte[] yaml, string mentions)
    {
        await EnsurePlatformTeamAsync();
        var before = await CountRowsAsync();
        var content = new ByteArrayContent(yaml);
        content.Headers.ContentType = new("text/yaml");
        var response = await _host.Admin().PostAsync("/api/v1/config/apply", content, TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {(int)response.StatusCode}");
        Assert.Contains(mentions, await DetailAsync(response));
        Assert.Equal(before, await CountRowsAsync());
    }

    [Fact]
    public void AJsonErrorFromReadingTheRequestIsTheClientsAndOneFromWritingAResponseIsOurs()
    {
        var reading = new BadHttpRequestException("bad", 400, new JsonException("The JSON value could not be converted."));
        Assert.Equal(400, Steady.Server.Infrastructure.ErrorHandling.Describe(reading).Status);
        Assert.Equal(500, Steady.Server.Infrastructure.ErrorHandling.Describe(new JsonException("The object or value could not be serialized.")).Status);
        Assert.Equal(500, Steady.Server.Infrastructure.ErrorHandling.Describe(new InvalidOperationException("Cannot transcode invalid UTF-8 JSON text to UTF-16 string.")).Status);
    }

    [Fact]
    public async Task ABodyOverOneMebibyteIsRefusedWith413()
    {
        var body = "{\"name\": \"" + new string('x', 1024 * 1024 + 10) + "\"}";
        var response = await _host.Admin().PostAsync("/api/v1/teams", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AnOversizedBodyIsAnswered413EveryTimeNotWithAConnectionReset()
    {
        // 3 MiB cannot all sit in the socket buffers: unless the server reads it, the client is still sending when it closes.
        var body = "{\"name\": \"" + new string('x', 3 * 1024 * 1024) + "\"}";
        for (var i = 0; i < 10; i++)
        {
            using var client = _host.Admin(); // a new connection each time
            var response = await client.PostAsync("/api/v1/teams", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
            Assert.Contains("1024 KiB", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ABodyThatIsNotJsonContentIsRefusedWith415()
    {
        var response = await _host.Admin().PostAsync("/api/v1/teams", new StringContent("name=x", Encoding.UTF8, "application/x-www-form-urlencoded"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task ADuplicateTeamNameIsAConflictWhateverItsCase()
    {
        var admin = _host.Admin();
        (await admin.PostAsJsonAsync("/api/v1/teams", new { name = "Storage" }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        var before = await CountRowsAsync();
        var response = await admin.PostAsJsonAsync("/api/v1/teams", new { name = "STORAGE" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("already exists", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(before, await CountRowsAsync());
    }

    [Fact]
    public async Task ADuplicateServiceNameAndADuplicateEmailAreConflicts()
    {
        var admin = _host.Admin();
        var team = await EnsurePlatformTeamAsync();
        (await admin.PostAsJsonAsync("/api/v1/services", new { name = "dup-svc", teamId = team }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/v1/services", new { name = "Dup-Svc", teamId = team }, TestContext.Current.CancellationToken)).StatusCode);
        (await admin.PostAsJsonAsync("/api/v1/users", new { name = "Dup", email = "dup@example.com" }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/v1/users", new { name = "Dup 2", email = "DUP@example.com" }, TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task DeletingATeamThatOwnsServicesIsRefusedNamingThemAndDeletesNothing()
    {
        var admin = _host.Admin();
        var created = await admin.PostAsJsonAsync("/api/v1/teams", new { name = "Owner Team" }, TestContext.Current.CancellationToken);
        var team = (await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("id").GetGuid();
        (await admin.PutAsJsonAsync($"/api/v1/teams/{team}/members/admin@steady.local", new { role = "admin" }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/services", new { name = "owned-svc", teamId = team }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        var before = await CountRowsAsync();

        var response = await admin.DeleteAsync($"/api/v1/teams/{team}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("owned-svc", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(before, await CountRowsAsync());
    }

    [Fact]
    public async Task AnUnknownApiRouteAsAskedForByABrowserIsStillAProblemDetail()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/nope");
        request.Headers.Accept.ParseAdd("text/html");
        var response = await _host.Admin().SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<string> DetailAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString() ?? "";

    private async Task<Guid> EnsurePlatformTeamAsync()
    {
        var admin = _host.Admin();
        var existing = await admin.GetAsync("/api/v1/teams/Platform");
        if (existing.IsSuccessStatusCode)
            return (await existing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var created = await admin.PostAsJsonAsync("/api/v1/teams", new { name = "Platform" });
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>Rows in every table except the audit log of reads (there is none) — any write shows up here.</summary>
    private Task<string> CountRowsAsync() => _host.WithDbAsync(async (db, _) =>
        string.Join(",",
            await db.Users.CountAsync(), await db.Teams.CountAsync(), await db.Memberships.CountAsync(),
            await db.Services.CountAsync(), await db.IntegrationKeys.CountAsync(), await db.ApiTokens.CountAsync(), await db.AuditEntries.CountAsync()));

    /// <summary>A policy whose step notifies a list nested <paramref name="depth"/> deep (notify takes any JSON, so the nesting is read).</summary>
    private static string Nested(int depth) => "{\"name\": \"deep\", \"team\": \"Platform\", \"escalation_chain\": [{\"notify\": " + string.Concat(Enumerable.Repeat("[", depth)) + string.Concat(Enumerable.Repeat("]", depth)) + "}]}";
}
