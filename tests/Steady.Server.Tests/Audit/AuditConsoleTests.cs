using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Steady.Server.Tests.Audit;

/// <summary>
/// The audit log read by a person: names instead of ids, each change a small before/after table
/// with JSON values shown as JSON (not escaped twice), fifty to a page with older and newer pages.
/// </summary>
public sealed partial class AuditConsoleTests
{
    private const string Password = "a sufficiently long password";

    [Fact]
    public async Task EntriesNameWhatChangedShowBeforeAndAfterAndPage()
    {
        await using var host = await SteadyHost.StartAsync();
        var admin = host.Admin();
        var team = (await (await admin.PostAsJsonAsync("/api/v1/teams", new { name = "Payments" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var email = "audit.reader@example.com";
        var user = (await (await admin.PostAsJsonAsync("/api/v1/users", new { name = "Ada Auditor", email, password = Password, isAdmin = true })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await admin.PutAsJsonAsync($"/api/v1/teams/{team}/members/{user}", new { role = "responder" })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync("/api/v1/escalation-policies", new { name = "payments-oncall", team = team.ToString(), escalation_chain = new object[] { new { notify = email, wait = "5m" } } })).EnsureSuccessStatusCode();
        (await admin.PatchAsJsonAsync("/api/v1/teams/" + team, new { name = "Payments and Ledger" })).EnsureSuccessStatusCode();
        var browser = new ConsoleClient(host);
        await browser.SignInAsync(email, Password);

        var page = await browser.GetPageAsync("/audit");
        // The membership is named by its team and person, not "guid/guid".
        Assert.Contains("<strong class=\"break-all\">Payments and Ledger/Ada Auditor</strong>", page, StringComparison.Ordinal);
        Assert.DoesNotContain($"{team}/{user}", page, StringComparison.Ordinal);
        // The rename as before and after.
        Assert.Matches(Row("name", "Payments", "Payments and Ledger"), page);
        // The policy's steps are JSON, shown once-escaped for HTML only: no \u0022 anywhere.
        Assert.DoesNotContain("\\u0022", page, StringComparison.Ordinal);
        Assert.Contains("&quot;targets&quot;", page, StringComparison.Ordinal);

        for (var i = 0; i < 55; i++)
            (await admin.PostAsJsonAsync("/api/v1/teams", new { name = $"Team {i:00}" })).EnsureSuccessStatusCode();
        page = await browser.GetPageAsync("/audit");
        Assert.Equal(50, Entries().Matches(page).Count);
        Assert.Contains("Team 54", page, StringComparison.Ordinal);
        var older = OlderLink().Match(page).Groups[1].Value;
        Assert.NotEmpty(older);
        var second = await browser.GetPageAsync(System.Net.WebUtility.HtmlDecode(older));
        Assert.DoesNotContain("Team 54", second, StringComparison.Ordinal);
        Assert.Contains("Payments and Ledger", second, StringComparison.Ordinal);
        var newer = NewerLink().Match(second).Groups[1].Value;
        var back = await browser.GetPageAsync(System.Net.WebUtility.HtmlDecode(newer));
        Assert.Contains("Team 54", back, StringComparison.Ordinal);
        Assert.Equal(50, Entries().Matches(back).Count);
    }

    private static Regex Row(string field, string before, string after) =>
        new($@"<tr><td>{field}</td><td class=""mono"">{Regex.Escape(before)}</td><td class=""mono"">{Regex.Escape(after)}</td></tr>");

    [GeneratedRegex("<li class=\"card\">\\s*<div class=\"audit-head\">")]
    private static partial Regex Entries();

    [GeneratedRegex("href=\"(/audit\\?before=[^\"]+)\"")]
    private static partial Regex OlderLink();

    [GeneratedRegex("href=\"(/audit\\?after=[^\"]+)\"")]
    private static partial Regex NewerLink();
}
