using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Steady.Server.Tests.Incidents;

public sealed class EmergencyLineTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    internal static async Task<(Guid Id, string Key)> LineAsync(IncidentWorld world)
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

    internal static async Task<(Guid Id, int Incident)> SubmitAsync(IncidentWorld world, string key, string what = "Checkout is down for everyone")
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
    public async Task ALineTakesThreeSubmissionsInTenMinutesThenAnswers429WithRetryAfterOnTheEndpointAndThePage()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var (_, key) = await LineAsync(world);
        for (var i = 0; i < 3; i++)
        {
            await SubmitAsync(world, key, $"Checkout is down ({i})");
            await world.Host.AdvanceAsync(TimeSpan.FromMinutes(1));
        }
        var incidents = await world.Host.WithDbAsync((db, _) => Task.FromResult(db.Incidents.Count()));

        var refused = await world.Host.Anonymous().PostAsJsonAsync($"/emergency-line/{key}", new { name = "Erin", contact = "+49 30 1234567", description = "Still down" }, Cancel);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        // The first of the three leaves the ten-minute window 7 minutes from now.
        Assert.Equal("420", refused.Headers.GetValues("Retry-After").Single());
        var detail = await IncidentWorld.DetailAsync(refused);
        Assert.Contains("already received 3 submissions in the last 10 min", detail, StringComparison.Ordinal);
        Assert.Contains("standard support channels", detail, StringComparison.Ordinal);

        // The page says the same, with the same status, and nothing is opened.
        var browser = new ConsoleClient(world.Host);
        var page = await browser.PostFormAsync($"/emergency/{key}", $"/emergency/{key}", ("name", "Erin"), ("contact", "+49 30 1234567"), ("description", "Still down"), ("understood", "true"));
        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
        Assert.NotNull(page.Headers.RetryAfter);
        var html = System.Net.WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync(Cancel));
        Assert.Contains("data-testid=\"rate-limited\"", html, StringComparison.Ordinal);
        Assert.Contains("already received 3 submissions", html, StringComparison.Ordinal);
        Assert.Equal(incidents, await world.Host.WithDbAsync((db, _) => Task.FromResult(db.Incidents.Count())));

        // Once the oldest leaves the window, the line takes a submission again.
        await world.Host.AdvanceAsync(TimeSpan.FromMinutes(7));
        await SubmitAsync(world, key, "Checkout is down again");
    }

    [Fact]
    public async Task TwentySimultaneousSubmissionsToOneLineOpenExactlyThreeIncidents()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var (id, key) = await LineAsync(world);
        var (_, otherKey) = await LineAsync(world);
        var incidents = await world.Host.WithDbAsync((db, _) => Task.FromResult(db.Incidents.Count()));

        // Twenty clients, each on its own connection, released at the same moment.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sends = Enumerable.Range(0, 20).Select(async i =>
        {
            using var client = world.Host.Anonymous();
            await gate.Task;
            var response = await client.PostAsJsonAsync($"/emergency-line/{key}", new { name = $"Erin {i}", contact = "+49 30 1234567", description = $"Checkout is down ({i})" }, Cancel);
            return (response.StatusCode, Detail: await IncidentWorld.DetailAsync(response));
        }).ToList();
        gate.SetResult();
        var answers = await Task.WhenAll(sends);

        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Created or HttpStatusCode.TooManyRequests, $"{a.StatusCode}: {a.Detail}"));
        Assert.Equal(3, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.All(answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests), a => Assert.Contains("already received 3 submissions", a.Detail, StringComparison.Ordinal));
        Assert.Equal(3, await world.Host.WithDbAsync((db, _) => Task.FromResult(db.EmergencySubmissions.Count(s => s.AgreementId == id))));
        Assert.Equal(incidents + 3, await world.Host.WithDbAsync((db, _) => Task.FromResult(db.Incidents.Count())));

        // The limit is per line: another line still takes a submission.
        await SubmitAsync(world, otherKey);
    }

    [Fact]
    public async Task ALinesKeyAnswersAtMostThirtyRequestsAMinute()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var (_, key) = await LineAsync(world);
        // Start at the top of a minute so the whole burst falls in one window.
        var now = world.Host.Clock.GetUtcNow();
        await world.Host.AdvanceAsync(TimeSpan.FromSeconds(60 - now.ToUnixTimeSeconds() % 60));
        for (var i = 0; i < 30; i++)
            Assert.Equal(HttpStatusCode.OK, (await world.Host.Anonymous().GetAsync($"/emergency-line/{key}", Cancel)).StatusCode);
        await world.Host.AdvanceAsync(TimeSpan.FromSeconds(15));
        var refused = await world.Host.Anonymous().GetAsync($"/emergency-line/{key}", Cancel);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("45", refused.Headers.GetValues("Retry-After").Single());
        Assert.Contains("too many requests", await IncidentWorld.DetailAsync(refused), StringComparison.Ordinal);
        var page = await world.Host.Anonymous().GetAsync($"/emergency/{key}", Cancel);
        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
        // Another line is not affected, and the next minute this one answers again.
        var (_, other) = await LineAsync(world);
        Assert.Equal(HttpStatusCode.OK, (await world.Host.Anonymous().GetAsync($"/emergency-line/{other}", Cancel)).StatusCode);
        await world.Host.AdvanceAsync(TimeSpan.FromSeconds(45));
        Assert.Equal(HttpStatusCode.OK, (await world.Host.Anonymous().GetAsync($"/emergency-line/{key}", Cancel)).StatusCode);
    }

    private static async Task<HttpResponseMessage> CreateLineAsync(IncidentWorld world, HttpClient as_, string? commander) =>
        await as_.PostAsJsonAsync("/api/v1/emergency-lines", new
        {
            client = "Acme",
            coveredSeverities = new[] { "SEV1" },
            hours = "24/7",
            purpose = "Short-term stabilization",
            boundaries = "No guaranteed response times",
            service = world.Alerts.Service,
            escalationPolicy = "payments-oncall",
            commander,
        }, Cancel);

    [Fact]
    public async Task ASubmissionsIncidentIsCommandedByTheAgreementsCommanderElseItsWriterAndNeverRefusedForWantOfOne()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var (olga, olgaToken) = await world.Host.CreateUserAsync("Olga", isAdmin: true);
        var olgaClient = world.Host.As(olgaToken);
        var named = await CreateLineAsync(world, olgaClient, world.People["Ben"].Id.ToString());
        Assert.Equal(HttpStatusCode.Created, named.StatusCode);
        var namedLine = await named.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(world.People["Ben"].Id, namedLine.GetProperty("commanderId").GetGuid());
        var unnamedLine = await (await CreateLineAsync(world, olgaClient, null)).Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(olga, unnamedLine.GetProperty("commanderId").GetGuid());

        var (_, first) = await SubmitAsync(world, namedLine.GetProperty("key").GetString()!);
        Assert.Equal("Ben", (await world.GetAsync(first)).GetProperty("commander").GetString());
        var (_, second) = await SubmitAsync(world, unnamedLine.GetProperty("key").GetString()!);
        Assert.Equal("Olga", (await world.GetAsync(second)).GetProperty("commander").GetString());

        // Ben leaves: the line's incidents go to Olga, who wrote it down, and the timeline says why.
        (await world.Admin.PatchAsJsonAsync($"/api/v1/users/{world.People["Ben"].Id}", new { disabled = true }, Cancel)).EnsureSuccessStatusCode();
        var (_, third) = await SubmitAsync(world, namedLine.GetProperty("key").GetString()!);
        Assert.Equal("Olga", (await world.GetAsync(third)).GetProperty("commander").GetString());
        Assert.Contains(await world.TimelineAsync(third), e => e.GetProperty("text").GetString()!.Contains("because Ben (named by the agreement) is no longer active", StringComparison.Ordinal));

        // Olga leaves too: the client is still heard; the longest-standing organization admin commands.
        (await world.Admin.PatchAsJsonAsync($"/api/v1/users/{olga}", new { disabled = true }, Cancel)).EnsureSuccessStatusCode();
        var (_, fourth) = await SubmitAsync(world, unnamedLine.GetProperty("key").GetString()!);
        var admin = await world.Admin.GetFromJsonAsync<JsonElement>("/api/v1/users/admin@steady.local", Cancel);
        Assert.Equal(admin.GetProperty("id").GetGuid(), (await world.GetAsync(fourth)).GetProperty("commanderId").GetGuid());

        // Naming someone who cannot respond for the line's service, or nobody real, is refused.
        var (zed, _) = await world.Host.CreateUserAsync("Zed");
        var outsider = await CreateLineAsync(world, world.Admin, zed.ToString());
        Assert.Equal(HttpStatusCode.BadRequest, outsider.StatusCode);
        Assert.Contains("cannot respond for", await IncidentWorld.DetailAsync(outsider), StringComparison.Ordinal);
        var nobody = await CreateLineAsync(world, world.Admin, "nobody@example.com");
        Assert.Equal(HttpStatusCode.BadRequest, nobody.StatusCode);
        Assert.Contains("no active user 'nobody@example.com'", await IncidentWorld.DetailAsync(nobody), StringComparison.Ordinal);
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
        await world.Host.AdvanceAsync(TimeSpan.FromDays(30));
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
