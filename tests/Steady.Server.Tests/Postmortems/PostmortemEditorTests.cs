using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Steady.Server.Features.Postmortems;
using Steady.Server.Tests.Incidents;

namespace Steady.Server.Tests.Postmortems;

/// <summary>
/// The postmortem editor in the console: hints for what is not written, a preview that saves nothing, no
/// script ever running from a section, action items added, dropped only with a reason and done, status
/// moves — through the commands the API uses.
/// </summary>
public sealed class PostmortemEditorTests
{
    private const string Password = "a sufficiently long password";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<ConsoleClient> SignInAsync(IncidentWorld world, string who)
    {
        (await world.Admin.PutAsJsonAsync($"/api/v1/users/{world.People[who].Id}/password", new { newPassword = Password }, Cancel)).EnsureSuccessStatusCode();
        var email = (await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{world.People[who].Id}", Cancel)).GetProperty("email").GetString()!;
        var browser = new ConsoleClient(world.Host);
        await browser.SignInAsync(email, Password);
        return browser;
    }

    private static async Task<JsonElement> PostmortemAsync(IncidentWorld world) =>
        await world.Admin.GetFromJsonAsync<JsonElement>("/api/v1/incidents/1/postmortem", Cancel);

    [Fact]
    public async Task TheEditorPreviewsSavesAndManagesActionItemsAndNoScriptRunsFromASection()
    {
        await using var world = await IncidentWorld.CreateAsync();
        await world.DeclareAsync(new { title = "Gateway refused TLS", severity = "SEV1", services = new[] { world.Alerts.Service } }, who: "Ben");
        (await world.As("Ben").PostAsJsonAsync("/api/v1/incidents/1/status", new { status = "resolved", @override = "renewed" }, Cancel)).EnsureSuccessStatusCode();
        var browser = await SignInAsync(world, "Ben");
        const string Editor = "/incidents/1/postmortem";

        var page = await browser.GetPageAsync(Editor);
        Assert.Contains("data-testid=\"pm-status\">draft<", page, StringComparison.Ordinal);
        Assert.Contains($"data-testid=\"hint-impact\">{Steady.Core.Postmortems.PostmortemSections.Find("impact")!.Hint}<", page, StringComparison.Ordinal);

        const string Hostile = "the DBA forgot to renew the certificate <script>alert(1)</script> [details](javascript:alert(2)) <img src=x onerror=alert(3)>";
        var preview = await browser.PostFormAsync(Editor, Editor + "?handler=Preview", ("Sections[rootCause]", Hostile), ("Sections[summary]", "**Checkout** was down"));
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        var previewed = await preview.Content.ReadAsStringAsync(Cancel);
        Assert.Contains("data-testid=\"previewing\"", previewed, StringComparison.Ordinal);
        Assert.Contains("<strong>Checkout</strong> was down", previewed, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", previewed, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"javascript:", previewed, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", previewed, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"blame-rootCause\"", previewed, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, (await PostmortemAsync(world)).GetProperty("rootCause").ValueKind);

        var saved = await browser.PostFormAsync(Editor, Editor + "?handler=Sections", ("Sections[rootCause]", Hostile));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(Hostile, (await PostmortemAsync(world)).GetProperty("rootCause").GetString());
        page = await browser.GetPageAsync(Editor);
        Assert.DoesNotContain("<script>alert", page, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"javascript:", page, StringComparison.Ordinal);

        var added = await browser.PostFormAsync(Editor, Editor + "?handler=AddItem", ("title", "Alert 21 days before expiry"), ("type", "monitoring"),
            ("owner", world.People["Cleo"].Id.ToString()), ("priority", "high"), ("dueAt", "2026-12-10T17:00"));
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var item = Assert.Single((await world.Admin.GetFromJsonAsync<JsonElement>("/api/v1/action-items?incident=1", Cancel)).EnumerateArray());
        // Ben reads in Europe/Berlin: 17:00 there is 16:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 12, 10, 16, 0, 0, TimeSpan.Zero), item.GetProperty("dueAt").GetDateTimeOffset());
        var id = item.GetProperty("id").GetString()!;

        var past = await browser.PostFormAsync(Editor, Editor + "?handler=AddItem", ("title", "Too late"), ("type", "process"), ("owner", world.People["Cleo"].Id.ToString()), ("dueAt", "2026-11-01T09:00"));
        Assert.Equal(HttpStatusCode.OK, past.StatusCode);
        Assert.Contains("is in the past", await past.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);

        var noReason = await browser.PostFormAsync(Editor, Editor + "?handler=ItemDrop", ("id", id), ("reason", ""));
        Assert.Equal(HttpStatusCode.OK, noReason.StatusCode);
        Assert.Contains("needs a &#x27;reason&#x27;", await noReason.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal("open", (await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/action-items/{id}", Cancel)).GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostFormAsync(Editor, Editor + "?handler=ItemDone", ("id", id))).StatusCode);
        Assert.Equal("done", (await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/action-items/{id}", Cancel)).GetProperty("status").GetString());

        var skipped = await browser.PostFormAsync(Editor, Editor + "?handler=Status", ("status", "published"));
        Assert.Contains("one step at a time", await skipped.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostFormAsync(Editor, Editor + "?handler=Status", ("status", "in-review"))).StatusCode);
        Assert.Equal("in-review", (await PostmortemAsync(world)).GetProperty("status").GetString());

        var markdown = await browser.GetAsync(Editor + "?handler=Markdown");
        Assert.Equal("text/markdown", markdown.Content.Headers.ContentType?.MediaType);
        Assert.Contains("## Root cause\n\nthe DBA forgot", await markdown.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);

        // The incident page: the postmortem's state, and "make this an action item" from its timeline.
        var incident = await browser.GetPageAsync("/incidents/1");
        Assert.Contains("data-testid=\"incident-pm-status\">in-review<", incident, StringComparison.Ordinal);
        var entry = (await world.TimelineAsync(1)).First(e => e.GetProperty("kind").GetString() == "declared").GetProperty("id").GetGuid();
        Assert.Contains($"/incidents/1/postmortem?from={entry}#add-item", incident, StringComparison.Ordinal);
        var prefilled = await browser.GetPageAsync($"/incidents/1/postmortem?from={entry}");
        Assert.Contains("name=\"title\" value=\"Declared SEV1", prefilled, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[a](javascript:alert(1))")]
    [InlineData("[a](JaVaScRiPt:alert(1))")]
    [InlineData("[a](java\tscript:alert(1))")]
    [InlineData("[a](javascript&#58;alert(1))")]
    [InlineData("[a](data:text/html;base64,PHNjcmlwdD4=)")]
    [InlineData("![a](vbscript:msgbox)")]
    [InlineData("<javascript:alert(1)>")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<a href=\"javascript:alert(1)\">a</a>")]
    public void RenderedMarkdownNeverCarriesAScript(string markdown)
    {
        var html = PostmortemMarkdown.ToHtml(markdown);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"(?i)<[a-z]+\s[^>]*(href|src|on[a-z]+)\s*=\s*""?\s*(java|vbscript|data|alert)", html);
    }

    [Fact]
    public void SafeLinksAndFormattingAreKept()
    {
        var html = PostmortemMarkdown.ToHtml("See [the dashboard](https://grafana.example.com/d/1) and [the runbook](/services) — **bold**\n\n- one\n- two");
        Assert.Contains("<a href=\"https://grafana.example.com/d/1\">the dashboard</a>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/services\">the runbook</a>", html, StringComparison.Ordinal);
        Assert.Contains("<strong>bold</strong>", html, StringComparison.Ordinal);
        Assert.Contains("<li>one</li>", html, StringComparison.Ordinal);
    }
}
