using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Steady.Core.OnCall;
using Steady.Server.Tests.Config;
using Steady.Server.Tests.Notify;

namespace Steady.Server.Tests.OnCall;

/// <summary>The on-call console without JavaScript: forms post, pages show what the API says.</summary>
public sealed class ConsoleOnCallTests
{
    private const string Password = "a long enough password for tests";

    private static async Task<(SteadyHost Host, ConsoleClient Alice, ConsoleClient Bob)> ArrangeAsync()
    {
        var host = await SteadyHost.StartAsync(SteadyHost.AllowLoopbackReceivers); // Alice points her webhook and her SMS provider at the test receivers
        Assert.Equal(HttpStatusCode.OK, (await ConfigAsCodeTests.ApplyAsync(host.Admin(), ConfigAsCodeTests.File)).Status);
        foreach (var email in new[] { "alice@example.com", "bob@example.com" })
            (await host.Admin().PutAsJsonAsync($"/api/v1/users/{email}/password", new { newPassword = Password })).EnsureSuccessStatusCode();
        var alice = new ConsoleClient(host);
        await alice.SignInAsync("alice@example.com", Password);
        var bob = new ConsoleClient(host);
        await bob.SignInAsync("bob@example.com", Password);
        return (host, alice, bob);
    }

    private static Task<Guid> IdAsync(SteadyHost host, string path) =>
        host.Admin().GetFromJsonAsync<JsonElement>(path).ContinueWith(t => t.Result.GetProperty("id").GetGuid(), TaskScheduler.Default);

    [Fact]
    public async Task TheHomePageAndTheScheduleShowWhoIsOnCallAndAnOverrideFromTheFormTakesOver()
    {
        var (host, alice, bob) = await ArrangeAsync();
        await using var _ = host;
        // 2026-11-24 10:00 Berlin: the weekly rotation from 2026-11-02 has Alice, Bob, Alice, Bob... — week 4 is Bob's.
        var home = await alice.GetPageAsync("/");
        Assert.Matches(@"primary_engineer</a></td>\s*<td data-label=""On call now"">\s*<strong>Bob Okafor</strong>", home);

        var schedule = await IdAsync(host, "/api/v1/schedules/primary_engineer");
        var page = await alice.GetPageAsync($"/schedules/{schedule}");
        Assert.Contains("id=\"timeline\"", page, StringComparison.Ordinal);
        Assert.Contains("Alice Martin &#x2192; Bob Okafor", page, StringComparison.Ordinal);

        var alicesId = await IdAsync(host, "/api/v1/users/alice@example.com");
        var posted = await alice.PostFormAsync($"/schedules/{schedule}", $"/schedules/{schedule}?handler=Override",
            ("OverrideUser", alicesId.ToString()), ("OverrideStart", "2026-11-24T10:00"), ("OverrideEnd", "2026-11-24T18:00"));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var oncall = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/oncall?at=2026-11-24T12:00:00Z");
        var primary = oncall.EnumerateArray().Single(o => o.GetProperty("schedule").GetString() == "primary_engineer");
        Assert.Equal("Alice Martin", primary.GetProperty("userName").GetString());
        Assert.Equal("override", primary.GetProperty("source").GetString());
        // 10:00 Berlin is 09:00 UTC: the form's times are the schedule's local times.
        var overrides = await host.WithDbAsync((db, _) => Task.FromResult(db.ScheduleOverrides.Single()));
        Assert.Equal(DateTimeOffset.Parse("2026-11-24T09:00:00Z"), overrides.StartsAt);

        // A window that ends before it starts is refused next to the form, with the reason.
        var refused = await bob.PostFormAsync($"/schedules/{schedule}", $"/schedules/{schedule}?handler=Override",
            ("OverrideUser", alicesId.ToString()), ("OverrideStart", "2026-11-24T08:00"), ("OverrideEnd", "2026-11-24T07:00"));
        Assert.Contains("&#x27;endsAt&#x27; must be after", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProfileShowsContactMethodsOnlyToThePersonAndSendTestReachesTheReceiver()
    {
        using var receiver = new LoopbackReceiver();
        var (host, alice, bob) = await ArrangeAsync();
        await using var _ = host;
        var alicesId = await IdAsync(host, "/api/v1/users/alice@example.com");

        var seenByBob = await bob.GetPageAsync($"/users/{alicesId}");
        Assert.Contains("Contact details are private", seenByBob, StringComparison.Ordinal);
        Assert.DoesNotContain("ntfy.example.com", seenByBob, StringComparison.Ordinal);
        Assert.Contains("primary_engineer", seenByBob, StringComparison.Ordinal);

        var own = await alice.GetPageAsync($"/users/{alicesId}");
        Assert.Contains("https://ntfy.example.com/alice-pages", own, StringComparison.Ordinal);
        Assert.Contains("phone push", own, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await alice.PostFormAsync($"/users/{alicesId}", $"/users/{alicesId}?handler=Method",
            ("Kind", "webhook"), ("Address", receiver.Url("alice")), ("Label", "my hook"))).StatusCode);
        var method = await host.WithDbAsync((db, _) => Task.FromResult(db.ContactMethods.Single(m => m.Label == "my hook").Id));
        var tested = await alice.PostFormAsync($"/users/{alicesId}", $"/users/{alicesId}?handler=Test", ("methodId", method.ToString()));
        Assert.Equal(HttpStatusCode.Redirect, tested.StatusCode);
        Assert.Equal("test", receiver.Single().Json().GetProperty("kind").GetString());
        Assert.NotNull(await host.WithDbAsync((db, _) => Task.FromResult(db.ContactMethods.Single(m => m.Id == method).VerifiedAt)));
        Assert.Contains("verified", await alice.GetPageAsync($"/users/{alicesId}"), StringComparison.Ordinal);

        // Bob may not send tests to Alice's methods, even by posting the form himself.
        var forbidden = await bob.PostFormAsync($"/users/{alicesId}", $"/users/{alicesId}?handler=Test", ("methodId", method.ToString()));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task SmsAndVoiceAreAddedWithTheProvidersTemplateCheckedEditedAndTestedFromTheProfile()
    {
        using var provider = new LoopbackReceiver { Status = 201 };
        var (host, alice, bob) = await ArrangeAsync();
        await using var _ = host;
        var alicesId = await IdAsync(host, "/api/v1/users/alice@example.com");
        var page = $"/users/{alicesId}";
        var add = $"{page}?handler=Method";

        // Each mistake is a message on the form, and nothing is stored.
        var noUrl = await alice.PostFormAsync(page, add, ("Kind", "sms"), ("Address", "+4915112345678"), ("Label", "phone"));
        Assert.Equal(HttpStatusCode.OK, noUrl.StatusCode);
        Assert.Contains("give the request's URL", await TextAsync(noUrl), StringComparison.Ordinal);
        var badNumber = await alice.PostFormAsync(page, add, ("Kind", "sms"), ("Address", "0151 1234"), ("ProviderUrl", provider.Url("sms")));
        Assert.Contains("international form, like +4915112345678", await TextAsync(badNumber), StringComparison.Ordinal);
        var unknown = await alice.PostFormAsync(page, add, ("Kind", "sms"), ("Address", "+4915112345678"), ("ProviderUrl", provider.Url("sms")), ("ProviderBody", "to={{phone}}"));
        Assert.Contains("unknown placeholder {{phone}}", await TextAsync(unknown), StringComparison.Ordinal);
        var badHeaders = await alice.PostFormAsync(page, add, ("Kind", "voice"), ("Address", "+4915112345678"), ("ProviderUrl", provider.Url("call")), ("ProviderHeaders", "Authorization: Bearer x"));
        Assert.Contains("headers are not valid JSON", await TextAsync(badHeaders), StringComparison.Ordinal);
        Assert.Equal(0, await host.WithDbAsync((db, _) => Task.FromResult(db.ContactMethods.Count(m => m.Kind == ContactKind.Sms || m.Kind == ContactKind.Voice))));

        // A JSON SMS provider, then a test that reaches it with the number and the text filled in.
        Assert.Equal(HttpStatusCode.Redirect, (await alice.PostFormAsync(page, add, ("Kind", "sms"), ("Address", "+4915112345678"), ("Label", "phone"),
            ("ProviderUrl", provider.Url("sms")), ("ProviderHeaders", "{\"Authorization\": \"Bearer sms-secret\"}"), ("ProviderBody", "{\"to\": \"{{to}}\", \"text\": \"{{message}}\"}"))).StatusCode);
        var sms = await host.WithDbAsync((db, _) => Task.FromResult(db.ContactMethods.Single(m => m.Kind == ContactKind.Sms)));
        Assert.Equal(HttpStatusCode.Redirect, (await alice.PostFormAsync(page, $"{page}?handler=Test", ("methodId", sms.Id.ToString()))).StatusCode);
        var sent = provider.Single();
        Assert.Equal("/sms", sent.PathAndQuery);
        Assert.Equal("Bearer sms-secret", sent.Header("Authorization"));
        Assert.Equal("+4915112345678", sent.Json().GetProperty("to").GetString());
        Assert.Contains("test", sent.Json().GetProperty("text").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(await host.WithDbAsync((db, _) => Task.FromResult(db.ContactMethods.Single(m => m.Id == sms.Id).VerifiedAt)));

        // Editing: the form names what is set without showing it (credentials); an empty field keeps its value.
        var editing = System.Net.WebUtility.HtmlDecode(await alice.GetPageAsync($"{page}?edit={sms.Id}"));
        Assert.Contains("Set now: body, headers, url.", editing, StringComparison.Ordinal);
        Assert.DoesNotContain("sms-secret", editing, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await alice.PostFormAsync($"{page}?edit={sms.Id}", $"{page}?handler=EditMethod", ("methodId", sms.Id.ToString()),
            ("Address", "+4915187654321"), ("Label", "new phone"), ("ProviderBody", "to={{to}}&text={{message}}"))).StatusCode);
        var edited = await host.WithDbAsync((db, _) => Task.FromResult(db.ContactMethods.Single(m => m.Id == sms.Id)));
        Assert.Equal(("+4915187654321", "new phone"), (edited.Address, edited.Label));
        Assert.Null(edited.VerifiedAt); // changed: to be tested again
        var settings = JsonSerializer.Deserialize<Dictionary<string, string>>(edited.Settings!)!;
        Assert.Equal("{\"Authorization\": \"Bearer sms-secret\"}", settings["headers"]);
        Assert.Equal("to={{to}}&text={{message}}", settings["body"]);
        var badEdit = await alice.PostFormAsync($"{page}?edit={sms.Id}", $"{page}?handler=EditMethod", ("methodId", sms.Id.ToString()), ("Address", "nope"));
        Assert.Contains("international form", await TextAsync(badEdit), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.PostFormAsync($"{page}?edit={sms.Id}", $"{page}?handler=EditMethod", ("methodId", sms.Id.ToString()), ("Address", "+4915100000000"))).StatusCode);
    }

    private static async Task<string> TextAsync(HttpResponseMessage response) => System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
}
