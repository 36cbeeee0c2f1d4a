using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Steady.Server.Tests.Incidents;

/// <summary>An agreement changed after it was written down: through the API and the admin page, held to the rules of a new one.</summary>
public sealed class EmergencyLineChangeTests
{
    private const string Password = "a sufficiently long password";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> AgreementAsync(IncidentWorld world, Guid id) =>
        (await world.Admin.GetFromJsonAsync<JsonElement>("/api/v1/emergency-lines", Cancel)).EnumerateArray().Single(a => a.GetProperty("id").GetGuid() == id);

    private static Task<HttpResponseMessage> PatchAsync(HttpClient as_, Guid id, object patch) =>
        as_.PatchAsJsonAsync($"/api/v1/emergency-lines/{id}", patch, Cancel);

    /// <summary>A second policy for the line's team that pages Cleo, who is not on the first.</summary>
    private static async Task NewPolicyPagingCleoAsync(IncidentWorld world) =>
        (await world.Admin.PostAsJsonAsync("/api/v1/escalation-policies", new
        {
            name = "payments-backup",
            team = world.Alerts.TeamId.ToString(),
            escalation_chain = new object[] { new { notify = world.People["Cleo"].Id.ToString(), wait = "5m" } },
        }, Cancel)).EnsureSuccessStatusCode();

    [Fact]
    public async Task AChangedAgreementKeepsItsKeyAndTheNextSubmissionFollowsItsNewTerms()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var (id, key) = await EmergencyLineTests.LineAsync(world);
        await NewPolicyPagingCleoAsync(world);

        var changed = await PatchAsync(world.Admin, id, new
        {
            coveredSeverities = new[] { "sev2" },
            hours = "Mon–Fri 08:00–18:00 Europe/Berlin",
            escalationPolicy = "payments-backup",
            commander = world.People["Ben"].Id.ToString(),
        });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var line = await changed.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(key, line.GetProperty("key").GetString());
        Assert.Equal(new[] { "SEV2" }, line.GetProperty("coveredSeverities").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(world.People["Ben"].Id, line.GetProperty("commanderId").GetGuid());
        Assert.Equal("Acme", line.GetProperty("client").GetString());

        // The client reads the new terms before submitting, at the same address.
        var boundaries = await world.Host.Anonymous().GetFromJsonAsync<JsonElement>($"/emergency-line/{key}", Cancel);
        Assert.Equal("Mon–Fri 08:00–18:00 Europe/Berlin", boundaries.GetProperty("hours").GetString());

        // The next submission is a SEV2 that Ben commands, and the new policy pages Cleo.
        var (_, number) = await EmergencyLineTests.SubmitAsync(world, key);
        var incident = await world.GetAsync(number);
        Assert.Equal("SEV2", incident.GetProperty("severity").GetString());
        Assert.Equal("Ben", incident.GetProperty("commander").GetString());
        await IncidentWorld.EventuallyAsync(() => world.Phone("Cleo").FirstOrDefault(r => r.Text.Contains("Emergency line", StringComparison.Ordinal)), "Cleo's page from the new policy");
        var sev1 = await world.Host.Anonymous().PostAsJsonAsync($"/emergency-line/{key}", new { name = "Erin", contact = "+49", description = "Down", severity = "SEV1" }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, sev1.StatusCode);
        Assert.Contains("covers SEV2 only", await IncidentWorld.DetailAsync(sev1), StringComparison.Ordinal);

        // Commander "" goes back to whoever wrote the agreement down.
        var back = await (await PatchAsync(world.Admin, id, new { commander = "" })).Content.ReadFromJsonAsync<JsonElement>(Cancel);
        var admin = (await world.Admin.GetFromJsonAsync<JsonElement>("/api/v1/users/admin@steady.local", Cancel)).GetProperty("id").GetGuid();
        Assert.Equal(admin, back.GetProperty("commanderId").GetGuid());
        Assert.Equal("Mon–Fri 08:00–18:00 Europe/Berlin", back.GetProperty("hours").GetString());
        var (_, next) = await EmergencyLineTests.SubmitAsync(world, key);
        Assert.Equal(admin, (await world.GetAsync(next)).GetProperty("commanderId").GetGuid());

        // The audit log records who changed what, without the key.
        var audit = await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/audit?entityType=emergency_agreement&entityId={id}", Cancel);
        var updates = audit.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("action").GetString() == "updated").ToList();
        Assert.Equal(2, updates.Count);
        var first = updates.Last().GetProperty("changes");
        Assert.Equal("24/7", first.GetProperty("hours")[0].GetString());
        Assert.Equal(world.People["Ben"].Id, first.GetProperty("commanderId")[1].GetGuid());
        Assert.False(first.TryGetProperty("key", out _));
    }

    [Fact]
    public async Task AChangeCreateWouldRefuseIsA400WithFieldErrorsAndChangesNothing()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var (id, _) = await EmergencyLineTests.LineAsync(world);
        (await PatchAsync(world.Admin, id, new { commander = world.People["Ben"].Id.ToString() })).EnsureSuccessStatusCode();
        var before = (await AgreementAsync(world, id)).GetRawText();
        var (zed, _) = await world.Host.CreateUserAsync("Zed");
        var otherTeam = (await (await world.Admin.PostAsJsonAsync("/api/v1/teams", new { name = "Elsewhere" }, Cancel)).Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();
        (await world.Admin.PostAsJsonAsync("/api/v1/services", new { name = "elsewhere-api", teamId = otherTeam }, Cancel)).EnsureSuccessStatusCode();

        (string Field, object Patch, string Says)[] refused =
        [
            ("hours", new { hours = "  " }, "'hours' is required"),
            ("coveredSeverities", new { coveredSeverities = new[] { "SEV1", "SEV9" } }, "from SEV1, SEV2, SEV3"),
            ("coveredSeverities", new { coveredSeverities = Array.Empty<string>() }, "from SEV1, SEV2, SEV3"),
            ("escalationPolicy", new { escalationPolicy = "nobody-oncall" }, "no escalation policy 'nobody-oncall'"),
            ("service", new { service = "" }, "'service' is required"),
            ("commander", new { commander = zed.ToString() }, "Zed cannot respond for"),
            ("commander", new { commander = "nobody@example.com" }, "no active user 'nobody@example.com'"),
            // Ben, who commands the line, cannot respond for the other team's service: the kept commander is checked too.
            ("commander", new { service = "elsewhere-api" }, "Ben cannot respond for elsewhere-api's team"),
        ];
        foreach (var (field, patch, says) in refused)
        {
            var response = await PatchAsync(world.Admin, id, patch);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
            Assert.Contains(says, problem.GetProperty("errors").GetProperty(field)[0].GetString(), StringComparison.Ordinal);
            Assert.Equal(before, (await AgreementAsync(world, id)).GetRawText());
        }

        // Several fields wrong at once are named together, and a good field beside them is not written either.
        var many = await PatchAsync(world.Admin, id, new { client = "Acme Corp", hours = "", purpose = new string('x', 2001) });
        var errors = (await many.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("hours", out _) && errors.TryGetProperty("purpose", out _));
        Assert.Equal(before, (await AgreementAsync(world, id)).GetRawText());

        // Ben leaves: a change that keeps him is refused with a reason, naming someone else goes through.
        (await world.Admin.PatchAsJsonAsync($"/api/v1/users/{world.People["Ben"].Id}", new { disabled = true }, Cancel)).EnsureSuccessStatusCode();
        before = (await AgreementAsync(world, id)).GetRawText();
        var kept = await PatchAsync(world.Admin, id, new { hours = "24/7, also holidays" });
        Assert.Equal(HttpStatusCode.BadRequest, kept.StatusCode);
        Assert.Contains("Ben is no longer active", await IncidentWorld.DetailAsync(kept), StringComparison.Ordinal);
        Assert.Equal(before, (await AgreementAsync(world, id)).GetRawText());
        (await PatchAsync(world.Admin, id, new { hours = "24/7, also holidays", commander = world.People["Cleo"].Id.ToString() })).EnsureSuccessStatusCode();
        Assert.Equal(world.People["Cleo"].Id, (await AgreementAsync(world, id)).GetProperty("commanderId").GetGuid());
    }

    [Fact]
    public async Task AnUnknownLineIs404AndOnlyOrganizationAdminsMayChangeOne()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var (id, _) = await EmergencyLineTests.LineAsync(world);
        var before = (await AgreementAsync(world, id)).GetRawText();

        var unknown = await PatchAsync(world.Admin, Guid.NewGuid(), new { hours = "24/7" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);

        // Ben responds for the line's service, but the agreement is the organization's to change.
        var responder = await PatchAsync(world.As("Ben"), id, new { hours = "never" });
        Assert.Equal(HttpStatusCode.Forbidden, responder.StatusCode);
        Assert.Contains("Only organization admins", await IncidentWorld.DetailAsync(responder), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PatchAsync(world.Host.Anonymous(), id, new { hours = "never" })).StatusCode);
        Assert.Equal(before, (await AgreementAsync(world, id)).GetRawText());
    }

    [Fact]
    public async Task TheAdminPageChangesAnAgreementThroughAPrefilledFormAndShowsRefusalsLikeItsOtherForms()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var (id, key) = await EmergencyLineTests.LineAsync(world);
        var (olga, _) = await world.Host.CreateUserAsync("Olga", isAdmin: true);
        (await world.Admin.PutAsJsonAsync($"/api/v1/users/{olga}/password", new { newPassword = Password }, Cancel)).EnsureSuccessStatusCode();
        var email = (await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{olga}", Cancel)).GetProperty("email").GetString()!;
        var benEmail = (await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{world.People["Ben"].Id}", Cancel)).GetProperty("email").GetString()!;
        var browser = new ConsoleClient(world.Host);
        await browser.SignInAsync(email, Password);

        var page = System.Net.WebUtility.HtmlDecode(await browser.GetPageAsync("/emergency-lines"));
        Assert.Contains("data-testid=\"edit-agreement\"", page, StringComparison.Ordinal);
        Assert.Contains("name=\"hours\" maxlength=\"200\" value=\"24/7\"", page, StringComparison.Ordinal);
        Assert.Contains("value=\"SEV1\" checked=\"checked\"", page, StringComparison.Ordinal);
        Assert.Contains($"<option value=\"payments-oncall\" selected=\"selected\">", page, StringComparison.Ordinal);

        (string, string)[] Form(string hours) =>
        [
            ("id", id.ToString()), ("client", "Acme"), ("covered", "SEV1"), ("covered", "SEV2"), ("hours", hours),
            ("purpose", "Short-term stabilization"), ("boundaries", "No guaranteed response times"),
            ("service", world.Alerts.Service), ("policy", "payments-oncall"), ("commander", benEmail),
        ];

        // An emptied field is refused beside the form, which stays open with what was sent; nothing is written.
        var before = (await AgreementAsync(world, id)).GetRawText();
        var refused = await browser.PostFormAsync("/emergency-lines", "/emergency-lines?handler=Edit", Form(""));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var html = System.Net.WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync(Cancel));
        Assert.Contains("'hours' is required.", html, StringComparison.Ordinal);
        Assert.Contains("<details open=\"open\" data-testid=\"edit-agreement\">", html, StringComparison.Ordinal);
        Assert.Contains("value=\"SEV2\" checked=\"checked\"", html, StringComparison.Ordinal);
        Assert.Equal(before, (await AgreementAsync(world, id)).GetRawText());

        var saved = await browser.PostFormAsync("/emergency-lines", "/emergency-lines?handler=Edit", Form("Mon–Fri 08:00–18:00 Europe/Berlin"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var line = await AgreementAsync(world, id);
        Assert.Equal("Mon–Fri 08:00–18:00 Europe/Berlin", line.GetProperty("hours").GetString());
        Assert.Equal(new[] { "SEV1", "SEV2" }, line.GetProperty("coveredSeverities").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(world.People["Ben"].Id, line.GetProperty("commanderId").GetGuid());
        Assert.Equal(key, line.GetProperty("key").GetString());
        var after = System.Net.WebUtility.HtmlDecode(await browser.GetPageAsync("/emergency-lines"));
        Assert.Contains("is changed. Its intake URL stays the same.", after, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"line-commander\">Ben</strong>", after, StringComparison.Ordinal);

        // Someone who is not an organization admin cannot post the form either.
        (await world.Admin.PutAsJsonAsync($"/api/v1/users/{world.People["Ana"].Id}/password", new { newPassword = Password }, Cancel)).EnsureSuccessStatusCode();
        var anaEmail = (await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{world.People["Ana"].Id}", Cancel)).GetProperty("email").GetString()!;
        var ana = new ConsoleClient(world.Host);
        await ana.SignInAsync(anaEmail, Password);
        var notAdmin = await ana.PostFormFromAsync(await ana.GetPageAsync("/incidents"), "/emergency-lines?handler=Edit", Form("never"));
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
        Assert.Equal("Mon–Fri 08:00–18:00 Europe/Berlin", (await AgreementAsync(world, id)).GetProperty("hours").GetString());
    }
}
