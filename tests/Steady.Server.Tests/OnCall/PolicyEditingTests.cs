using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steady.Server.Tests.Config;

namespace Steady.Server.Tests.OnCall;

/// <summary>Escalation policies made, changed and deleted in the console without JavaScript, through the API's command.</summary>
public sealed class PolicyEditingTests
{
    private const string Password = "a long enough password for tests";

    private static async Task<(SteadyHost Host, ConsoleClient Alice, ConsoleClient Bob, Guid Team)> ArrangeAsync()
    {
        var host = await SteadyHost.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await ConfigAsCodeTests.ApplyAsync(host.Admin(), ConfigAsCodeTests.File)).Status);
        foreach (var email in new[] { "alice@example.com", "bob@example.com" })
            (await host.Admin().PutAsJsonAsync($"/api/v1/users/{email}/password", new { newPassword = Password })).EnsureSuccessStatusCode();
        var alice = new ConsoleClient(host);
        await alice.SignInAsync("alice@example.com", Password);
        var bob = new ConsoleClient(host);
        await bob.SignInAsync("bob@example.com", Password);
        var team = (await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/teams/Payments")).GetProperty("id").GetGuid();
        return (host, alice, bob, team);
    }

    private static Task<List<(string Action, string Actor)>> AuditAsync(SteadyHost host, Guid id) =>
        host.WithDbAsync(async (db, _) => (await db.AuditEntries.AsNoTracking().Where(a => a.EntityType == "escalation_policy_record" && a.EntityId == id.ToString()).ToListAsync())
            .Select(a => (a.Action, a.ActorName)).ToList());

    [Fact]
    public async Task ATeamLeadMakesAPolicyOfScheduleUserAndRoundRobinStepsWithARepeat()
    {
        var (host, alice, _, team) = await ArrangeAsync();
        await using var _ = host;
        Assert.Contains("id=\"new-policy\"", await alice.GetPageAsync("/policies"), StringComparison.Ordinal);
        var form = await alice.GetPageAsync("/policies/edit");
        Assert.Contains("value=\"team:Payments\"", form, StringComparison.Ordinal);
        var saved = await alice.PostFormAsync("/policies/edit", "/policies/edit?handler=Save",
            ("Name", "payments-night"), ("Team", team.ToString()), ("Description", ""), ("Repeat", "2"),
            ("Steps[0].Notify", "primary_engineer"), ("Steps[0].Notify", ""), ("Steps[0].Wait", "10m"),
            ("Steps[1].Notify", ""), ("Steps[1].Notify", ""), ("Steps[1].Wait", "5m"),
            ("Steps[2].Notify", "erin@example.com"), ("Steps[2].Notify", "team:Payments"), ("Steps[2].Wait", "30m"));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var policy = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/escalation-policies/payments-night");
        Assert.Equal(2, policy.GetProperty("repeat").GetInt32());
        var steps = policy.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(2, steps.Count); // the step left empty is not a step
        Assert.Equal(("schedule", "10m"), (steps[0].GetProperty("notify")[0].GetProperty("type").GetString(), steps[0].GetProperty("wait").GetString()));
        Assert.Equal(["user", "team"], steps[1].GetProperty("notify").EnumerateArray().Select(t => t.GetProperty("type").GetString()));
        var id = policy.GetProperty("id").GetGuid();
        Assert.Equal([("created", "Alice Martin")], await AuditAsync(host, id));

        // Editing shows whom each step would notify now, and keeps the chain as it was saved.
        var edit = await alice.GetPageAsync($"/policies/edit/{id}");
        Assert.Contains("id=\"paged-now\"", edit, StringComparison.Ordinal);
        Assert.Contains("<strong>Bob Okafor</strong>", edit, StringComparison.Ordinal); // primary_engineer this week
        Assert.Contains("<option value=\"primary_engineer\" selected=\"selected\">", edit, StringComparison.Ordinal);
        Assert.Contains("<option value=\"team:Payments\" selected=\"selected\">", edit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongWaitIsShownBesideItsStepAndNothingIsWritten()
    {
        var (host, alice, _, team) = await ArrangeAsync();
        await using var _ = host;
        var before = await host.WithDbAsync((db, _) => db.AuditEntries.CountAsync());
        var refused = await alice.PostFormAsync("/policies/edit", "/policies/edit?handler=Save",
            ("Name", "payments-bad"), ("Team", team.ToString()), ("Repeat", "0"),
            ("Steps[0].Notify", "primary_engineer"), ("Steps[0].Wait", "5m"),
            ("Steps[1].Notify", "secondary_engineer"), ("Steps[1].Wait", "soon"));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        var second = html[html.IndexOf("id=\"step-1\"", StringComparison.Ordinal)..];
        Assert.Contains("<span class=\"field-error\">Wait &#x27;soon&#x27; must be a duration between 1m and 1d, like 5m.</span>", second, StringComparison.Ordinal);
        Assert.DoesNotContain("field-error", html[..html.IndexOf("id=\"step-1\"", StringComparison.Ordinal)], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Admin().GetAsync("/api/v1/escalation-policies/payments-bad")).StatusCode);
        Assert.Equal(before, await host.WithDbAsync((db, _) => db.AuditEntries.CountAsync()));
    }

    [Fact]
    public async Task AnAdminChangesAndDeletesAPolicyAndAResponderMayNot()
    {
        var (host, alice, bob, _) = await ArrangeAsync();
        await using var _ = host;
        var seed = (await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/escalation-policies/payments-oncall")).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.GetAsync($"/policies/edit/{seed}")).StatusCode);
        Assert.DoesNotContain("id=\"edit-policy\"", await bob.GetPageAsync($"/policies/{seed}"), StringComparison.Ordinal);

        var changed = await alice.PostFormAsync($"/policies/edit/{seed}", $"/policies/edit/{seed}?handler=Save",
            ("Name", "payments-oncall"), ("Repeat", "1"), ("Steps[0].Notify", "secondary_engineer"), ("Steps[0].Wait", "15m"));
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        var policy = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/escalation-policies/payments-oncall");
        var step = Assert.Single(policy.GetProperty("steps").EnumerateArray());
        Assert.Equal(("secondary_engineer", "15m"), (step.GetProperty("notify")[0].GetProperty("name").GetString(), step.GetProperty("wait").GetString()));
        Assert.Contains(("updated", "Alice Martin"), await AuditAsync(host, seed));

        // payments-api pages with it: refused beside the button; unwired, it goes.
        var refused = await alice.PostFormAsync($"/policies/{seed}", $"/policies/{seed}?handler=Delete");
        Assert.Contains("id=\"delete-error\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.PostFormAsync($"/policies/{seed}", $"/policies/{seed}?handler=Delete")).StatusCode);
        (await host.Admin().PatchAsJsonAsync("/api/v1/services/payments-api", new { escalationPolicy = "" })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Redirect, (await alice.PostFormAsync($"/policies/{seed}", $"/policies/{seed}?handler=Delete")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Admin().GetAsync("/api/v1/escalation-policies/payments-oncall")).StatusCode);
        Assert.Contains(("deleted", "Alice Martin"), await AuditAsync(host, seed));
    }

    [Fact]
    public async Task WhoWouldBePagedIsShownForTheStepsInTheFormBeforeAnythingIsSaved()
    {
        var (host, alice, _, team) = await ArrangeAsync();
        await using var _ = host;
        var before = (await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/escalation-policies")).GetArrayLength();
        var previewed = await alice.PostFormAsync("/policies/edit", "/policies/edit?handler=Preview",
            ("Name", ""), ("Team", team.ToString()), ("Description", ""), ("Repeat", "0"),
            ("Steps[0].Notify", "secondary_engineer"), ("Steps[0].Notify", ""), ("Steps[0].Wait", "5m"),
            ("Steps[1].Notify", "bob@example.com"), ("Steps[1].Wait", "10m"));
        Assert.Equal(HttpStatusCode.OK, previewed.StatusCode);
        var html = await previewed.Content.ReadAsStringAsync();
        Assert.Contains("As in the form, not saved yet.", html, StringComparison.Ordinal);
        Assert.Contains("<strong>Erin Manager</strong>", html, StringComparison.Ordinal); // secondary_engineer's office-hours layer, Tuesday 10:00 Berlin
        Assert.Contains("<strong>Bob Okafor</strong>", html, StringComparison.Ordinal);
        Assert.Contains("<option value=\"secondary_engineer\" selected=\"selected\">", html, StringComparison.Ordinal); // the form is kept
        Assert.Equal(before, (await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/escalation-policies")).GetArrayLength());

        // A wrong step is shown beside it, as Save would show it; still nothing saved.
        var refused = await alice.PostFormAsync("/policies/edit", "/policies/edit?handler=Preview",
            ("Name", "x"), ("Team", team.ToString()), ("Repeat", "0"), ("Steps[0].Notify", "primary_engineer"), ("Steps[0].Wait", "soon"));
        Assert.Contains("must be a duration between 1m and 1d", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // On a saved policy the preview is of the form's steps, not the saved ones, and the saved policy is unchanged.
        var seed = (await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/escalation-policies/payments-oncall")).GetProperty("id").GetGuid();
        var edited = await alice.PostFormAsync($"/policies/edit/{seed}", $"/policies/edit/{seed}?handler=Preview",
            ("Name", "payments-oncall"), ("Repeat", "0"), ("Steps[0].Notify", "bob@example.com"), ("Steps[0].Wait", "5m"));
        var page = await edited.Content.ReadAsStringAsync();
        Assert.Contains("As in the form, not saved yet.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<strong>Erin Manager</strong>", page, StringComparison.Ordinal);
        Assert.Equal(3, (await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/escalation-policies/payments-oncall")).GetProperty("steps").GetArrayLength());
        Assert.DoesNotContain(("updated", "Alice Martin"), await AuditAsync(host, seed));
    }
}
