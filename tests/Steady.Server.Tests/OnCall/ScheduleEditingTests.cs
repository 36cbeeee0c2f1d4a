using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steady.Server.Tests.Config;

namespace Steady.Server.Tests.OnCall;

/// <summary>Schedules made, changed and deleted in the console without JavaScript, through the API's command.</summary>
public sealed class ScheduleEditingTests
{
    private const string Password = "a long enough password for tests";

    private static async Task<(SteadyHost Host, ConsoleClient Alice, ConsoleClient Bob, Guid Team, Guid AliceId, Guid BobId)> ArrangeAsync()
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
        var aliceId = (await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/users/alice@example.com")).GetProperty("id").GetGuid();
        var bobId = (await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/users/bob@example.com")).GetProperty("id").GetGuid();
        return (host, alice, bob, team, aliceId, bobId);
    }

    /// <summary>The form's fields for a schedule of two layers: Alice and Bob weekly, and Bob daily only in office hours on weekdays.</summary>
    private static (string, string)[] TwoLayers(string name, Guid team, Guid alice, Guid bob, string secondHandoff = "2026-11-23T09:00") =>
    [
        ("Name", name), ("Team", team.ToString()), ("TimeZone", "Europe/Berlin"), ("Description", "made in the console"),
        ("Layers[0].Name", "weekly"), ("Layers[0].Participants", alice.ToString()), ("Layers[0].Participants", bob.ToString()), ("Layers[0].Participants", ""),
        ("Layers[0].Rotation", "weekly"), ("Layers[0].FirstHandoff", "2026-11-23T09:00"),
        ("Layers[0].Restrictions[0].Start", ""), ("Layers[0].Restrictions[0].End", ""),
        ("Layers[1].Name", "office"), ("Layers[1].Participants", ""), ("Layers[1].Participants", bob.ToString()),
        ("Layers[1].Rotation", "daily"), ("Layers[1].FirstHandoff", secondHandoff),
        ("Layers[1].Restrictions[0].Start", "09:00"), ("Layers[1].Restrictions[0].End", "17:00"),
        .. new[] { "monday", "tuesday", "wednesday", "thursday", "friday" }.Select(d => ("Layers[1].Restrictions[0].Days", d)),
        ("Layers[2].Name", ""), ("Layers[2].Participants", ""), ("Layers[2].Rotation", "weekly"), ("Layers[2].FirstHandoff", "2026-11-30T09:00"),
    ];

    private static Task<List<(string Action, string Actor, string Changes)>> AuditAsync(SteadyHost host, Guid id) =>
        host.WithDbAsync(async (db, _) => (await db.AuditEntries.AsNoTracking().Where(a => a.EntityType == "schedule" && a.EntityId == id.ToString()).OrderBy(a => a.At).ThenBy(a => a.Id).ToListAsync())
            .Select(a => (a.Action, a.ActorName, a.Changes)).ToList());

    [Fact]
    public async Task ATeamLeadMakesAScheduleOfTwoLayersWithARestrictionAndTheApiAndAuditLogShowIt()
    {
        var (host, alice, _, team, aliceId, bobId) = await ArrangeAsync();
        await using var _ = host;
        Assert.Contains("id=\"new-schedule\"", await alice.GetPageAsync("/schedules"), StringComparison.Ordinal);
        var saved = await alice.PostFormAsync("/schedules/edit", "/schedules/edit?handler=Save", TwoLayers("payments-rota", team, aliceId, bobId));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        var schedule = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/schedules/payments-rota");
        var id = schedule.GetProperty("id").GetGuid();
        Assert.Equal($"/schedules/{id}", saved.Headers.Location!.OriginalString);
        var layers = schedule.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(2, layers.Count); // the third, left blank, is not a layer
        Assert.Equal([aliceId, bobId], layers[0].GetProperty("participants").EnumerateArray().Select(p => p.GetGuid()));
        Assert.True(!layers[0].TryGetProperty("restrictions", out var none) || none.ValueKind == JsonValueKind.Null, "a restriction row left empty is no restriction");
        Assert.Equal("daily", layers[1].GetProperty("rotation").GetString());
        var restriction = Assert.Single(layers[1].GetProperty("restrictions").EnumerateArray());
        Assert.Equal(("09:00", "17:00", 5), (restriction.GetProperty("start").GetString(), restriction.GetProperty("end").GetString(), restriction.GetProperty("days").GetArrayLength()));

        // Tuesday 24 Nov 12:00 Berlin: the office-hours layer (Bob) is above the weekly one (Alice's week).
        var oncall = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/oncall?at=2026-11-24T11:00:00Z");
        Assert.Equal("Bob Okafor", oncall.EnumerateArray().Single(o => o.GetProperty("schedule").GetString() == "payments-rota").GetProperty("userName").GetString());

        var audit = Assert.Single(await AuditAsync(host, id));
        Assert.Equal(("created", "Alice Martin"), (audit.Action, audit.Actor));
        Assert.Contains("office", audit.Changes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThePreviewDrawsTheNextTwoWeeksAndSavesNothing()
    {
        var (host, alice, _, team, aliceId, bobId) = await ArrangeAsync();
        await using var _ = host;
        var before = await host.WithDbAsync((db, _) => db.AuditEntries.CountAsync());
        var preview = await alice.PostFormAsync("/schedules/edit", "/schedules/edit?handler=Preview", TwoLayers("previewed", team, aliceId, bobId));
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        var html = await preview.Content.ReadAsStringAsync();
        Assert.Contains("id=\"preview-timeline\"", html, StringComparison.Ordinal);
        Assert.Contains("Alice Martin", html, StringComparison.Ordinal);
        Assert.Contains("Bob Okafor 09:00&#x2013;17:00", html, StringComparison.Ordinal);
        Assert.Contains("value=\"previewed\"", html, StringComparison.Ordinal); // the form keeps what was typed
        Assert.Equal(HttpStatusCode.NotFound, (await host.Admin().GetAsync("/api/v1/schedules/previewed")).StatusCode);
        Assert.Equal(before, await host.WithDbAsync((db, _) => db.AuditEntries.CountAsync()));

        // "Add a layer" gives the form a fourth layer and saves nothing either.
        var added = await alice.PostFormAsync("/schedules/edit", "/schedules/edit?handler=AddLayer", TwoLayers("previewed", team, aliceId, bobId));
        Assert.Contains("id=\"layer-3\"", await added.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Admin().GetAsync("/api/v1/schedules/previewed")).StatusCode);
    }

    [Fact]
    public async Task BadInputIsShownNextToItsFieldAndNothingIsWritten()
    {
        var (host, alice, _, team, aliceId, bobId) = await ArrangeAsync();
        await using var _ = host;
        var before = await host.WithDbAsync((db, _) => db.AuditEntries.CountAsync());
        var fields = TwoLayers("broken", team, aliceId, bobId, secondHandoff: "")
            .Select(f => f.Item1 == "Layers[1].Restrictions[0].End" ? (f.Item1, "") : f).ToArray();
        var refused = await alice.PostFormAsync("/schedules/edit", "/schedules/edit?handler=Save", fields);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        var secondLayer = html[html.IndexOf("id=\"layer-1\"", StringComparison.Ordinal)..html.IndexOf("id=\"layer-2\"", StringComparison.Ordinal)];
        Assert.Contains("<span class=\"field-error\">Must be a local date and time like 2026-01-05T09:00.</span>", secondLayer, StringComparison.Ordinal);
        Assert.Contains("<span class=\"field-error\">Needs start and end like 09:00 and 17:00.</span>", secondLayer, StringComparison.Ordinal);
        Assert.DoesNotContain("field-error", html[..html.IndexOf("id=\"layer-1\"", StringComparison.Ordinal)], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Admin().GetAsync("/api/v1/schedules/broken")).StatusCode);
        Assert.Equal(before, await host.WithDbAsync((db, _) => db.AuditEntries.CountAsync()));
    }

    [Fact]
    public async Task AnAdminEditsAndDeletesAScheduleAndAResponderMayNot()
    {
        var (host, alice, bob, team, aliceId, bobId) = await ArrangeAsync();
        await using var _ = host;
        var primary = (await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/schedules/primary_engineer")).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.GetAsync($"/schedules/edit/{primary}")).StatusCode);
        Assert.DoesNotContain("id=\"edit-schedule\"", await bob.GetPageAsync($"/schedules/{primary}"), StringComparison.Ordinal);

        var form = await alice.GetPageAsync($"/schedules/edit/{primary}");
        Assert.Contains("value=\"primary_engineer\"", form, StringComparison.Ordinal);
        var changed = await alice.PostFormAsync($"/schedules/edit/{primary}", $"/schedules/edit/{primary}?handler=Save",
            ("Name", "primary_engineer"), ("TimeZone", "Europe/Berlin"), ("Description", ""),
            ("Layers[0].Name", "weekly"), ("Layers[0].Participants", bobId.ToString()), ("Layers[0].Participants", aliceId.ToString()),
            ("Layers[0].Rotation", "daily"), ("Layers[0].FirstHandoff", "2026-11-02T09:00"));
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        var layer = Assert.Single((await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/schedules/primary_engineer")).GetProperty("layers").EnumerateArray());
        Assert.Equal("daily", layer.GetProperty("rotation").GetString());
        Assert.Equal([bobId, aliceId], layer.GetProperty("participants").EnumerateArray().Select(p => p.GetGuid()));
        Assert.Contains(await AuditAsync(host, primary), a => a.Action == "updated" && a.Actor == "Alice Martin" && a.Changes.Contains("daily", StringComparison.Ordinal));

        // The seed's policy pages through primary_engineer: deleting it is refused by the button, nothing removed.
        var refused = await alice.PostFormAsync($"/schedules/{primary}", $"/schedules/{primary}?handler=Delete");
        Assert.Contains("id=\"delete-error\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await host.Admin().GetAsync("/api/v1/schedules/primary_engineer")).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await alice.PostFormAsync("/schedules/edit", "/schedules/edit?handler=Save", TwoLayers("short-lived", team, aliceId, bobId))).StatusCode);
        var shortLived = (await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/schedules/short-lived")).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.PostFormAsync($"/schedules/{shortLived}", $"/schedules/{shortLived}?handler=Delete")).StatusCode);
        var deleted = await alice.PostFormAsync($"/schedules/{shortLived}", $"/schedules/{shortLived}?handler=Delete");
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Admin().GetAsync("/api/v1/schedules/short-lived")).StatusCode);
        Assert.Contains(await AuditAsync(host, shortLived), a => a.Action == "deleted" && a.Actor == "Alice Martin");
    }

    [Fact]
    public async Task APersonKeepsOneColourOnEveryTimelineAndAnOverrideIsDrawnAsAnOverride()
    {
        var (host, alice, _, _, _, _) = await ArrangeAsync();
        await using var _ = host;
        var erin = (await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/users/erin@example.com")).GetProperty("id").GetGuid();
        var primary = (await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/schedules/primary_engineer")).GetProperty("id").GetGuid();
        var secondary = (await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/schedules/secondary_engineer")).GetProperty("id").GetGuid();
        // Erin covers primary_engineer tomorrow from 12:00 to 14:00 Berlin time.
        (await host.Admin().PostAsJsonAsync("/api/v1/schedules/primary_engineer/overrides", new { user = erin.ToString(), startsAt = "2026-11-25T11:00:00Z", endsAt = "2026-11-25T13:00:00Z" })).EnsureSuccessStatusCode();

        // The two schedules name Alice and Bob in opposite orders, and Erin only on one: each keeps one colour, and differs from the others.
        var first = await alice.GetPageAsync($"/schedules/{primary}");
        var second = await alice.GetPageAsync($"/schedules/{secondary}");
        // The bars are placed by one style element with the response's nonce: the policy allows no style attributes.
        var response = await alice.GetAsync($"/schedules/{primary}");
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var nonce = System.Text.RegularExpressions.Regex.Match(html, "<style nonce=\"([0-9a-f]{32})\">#timeline-b0\\{left:").Groups[1].Value;
        Assert.NotEmpty(nonce);
        Assert.Contains($"style-src 'self' 'nonce-{nonce}';", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("style-src-attr", policy, StringComparison.Ordinal);
        Assert.DoesNotContain(" style=\"", html, StringComparison.Ordinal);
        string ColourOf(string page, string name)
        {
            var drawn = System.Text.RegularExpressions.Regex.Matches(page, $"class=\"tl-seg (p\\d)\" id=\"[^\"]*\" title=\"{name} ").Select(m => m.Groups[1].Value).Distinct().ToList();
            var colour = Assert.Single(drawn);
            Assert.Contains($"<span class=\"tl-swatch tl-seg {colour}\" aria-hidden=\"true\"></span>{name}</li>", page, StringComparison.Ordinal);
            return colour;
        }
        var aliceColour = ColourOf(first, "Alice Martin");
        var bobColour = ColourOf(first, "Bob Okafor");
        Assert.Equal(aliceColour, ColourOf(second, "Alice Martin"));
        Assert.Equal(bobColour, ColourOf(second, "Bob Okafor"));
        var erinColour = ColourOf(second, "Erin Manager");
        Assert.Equal(3, new[] { aliceColour, bobColour, erinColour }.Distinct().Count());

        // The override: Erin's colour, striped (the override class), labelled as one, and explained in the key.
        Assert.Matches($"class=\"tl-seg {erinColour} override\" id=\"[^\"]*\" title=\"Erin Manager 12:00&#x2013;14:00 \\(override\\)\"><span>Override: Erin Manager</span>", first);
        Assert.Contains("override (someone covers)</li>", first, StringComparison.Ordinal);
        Assert.DoesNotContain("override (someone covers)", second, StringComparison.Ordinal);
    }
}
