using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Steady.Server.Tests.Notify;

namespace Steady.Server.Tests.Incidents;

/// <summary>Every message about an incident leads to it: handoffs, reminders, pages and the acknowledge link's page carry a link that opens the incident.</summary>
public sealed partial class IncidentMessageLinkTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<ReceivedRequest> MessageAsync(IncidentWorld world, string who, string text) =>
        IncidentWorld.EventuallyAsync(() => world.Phone(who).FirstOrDefault(r => r.Text.Contains(text, StringComparison.Ordinal)), $"'{text}' to reach {who}");

    /// <summary>Follows a message's link as a signed-in person would, and checks it opens the incident.</summary>
    private static async Task<string> FollowAsync(IncidentWorld world, ConsoleClient browser, string link, int number, string title)
    {
        var url = new Uri(link);
        Assert.True(url.IsAbsoluteUri);
        Assert.Equal(new Uri(world.Host.BaseAddress, $"/incidents/{number}"), url);
        var response = await browser.GetAsync(url.AbsoluteUri);
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Cancel));
        Assert.True(response.StatusCode == HttpStatusCode.OK, page);
        Assert.Contains($"#{number} {title}", page, StringComparison.Ordinal);
        return page;
    }

    [Fact]
    public async Task HandingOverCommandTellsTheNewAndTheOldCommanderWithALinkToTheIncident()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var number = (await world.DeclareAsync(new { title = "Slow search", severity = "SEV3", services = new[] { world.Alerts.Service } }, who: "Cleo")).GetProperty("number").GetInt32();
        var handed = await world.As("Dev").PostAsJsonAsync($"/api/v1/incidents/{number}/roles", new { role = "commander", user = world.People["Ben"].Id.ToString() }, Cancel);
        Assert.Equal(HttpStatusCode.OK, handed.StatusCode);

        var toBen = (await MessageAsync(world, "Ben", "You are now the incident commander")).Json();
        Assert.Equal("incident", toBen.GetProperty("kind").GetString());
        Assert.Equal($"You are now the incident commander of #{number} (SEV3)", toBen.GetProperty("title").GetString());
        Assert.Contains("Dev handed you command", toBen.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains("Cleo held it until now", toBen.GetProperty("summary").GetString(), StringComparison.Ordinal);
        var toCleo = (await MessageAsync(world, "Cleo", "is now the incident commander")).Json();
        Assert.Equal($"Incident #{number}: Ben is now the incident commander", toCleo.GetProperty("title").GetString());
        Assert.Empty(world.Phone("Dev")); // who made the change knows

        var browser = await IncidentAlertGroupTests.SignInAsync(world, "Ana");
        var page = await FollowAsync(world, browser, toBen.GetProperty("detailsUrl").GetString()!, number, "Slow search");
        Assert.Contains("data-testid=\"commander\">Ben<", page, StringComparison.Ordinal);
        await FollowAsync(world, browser, toCleo.GetProperty("detailsUrl").GetString()!, number, "Slow search");

        // Taking command yourself tells only the one who had it.
        (await world.As("Cleo").PostAsJsonAsync($"/api/v1/incidents/{number}/roles", new { role = "commander", user = world.People["Cleo"].Id.ToString() }, Cancel)).EnsureSuccessStatusCode();
        await MessageAsync(world, "Ben", "Cleo is now the incident commander");
        Assert.Single(world.Phone("Cleo"));
    }

    [Fact]
    public async Task AnOverdueUpdatesReminderLinksToTheIncident()
    {
        await using var world = await IncidentWorld.CreateAsync();
        var number = (await world.DeclareAsync(new { title = "Login flaky", severity = "SEV2", services = new[] { world.Alerts.Service } }, who: "Cleo")).GetProperty("number").GetInt32();
        await world.Host.AdvanceAsync(TimeSpan.FromMinutes(61));
        var reminder = (await MessageAsync(world, "Cleo", "Update overdue")).Json();
        Assert.Equal("incident", reminder.GetProperty("kind").GetString());
        var browser = await IncidentAlertGroupTests.SignInAsync(world, "Cleo");
        var page = await FollowAsync(world, browser, reminder.GetProperty("detailsUrl").GetString()!, number, "Login flaky");
        Assert.Contains("Update overdue by", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSummaryReachesTheChannelsAndTheSev1PageWhoseAcknowledgeLinkSpeaksOfTheIncidentAndLeadsToIt()
    {
        await using var world = await IncidentWorld.CreateAsync();
        const string known = "Checkout answers 502 since the 14:02 deploy";
        var number = (await world.DeclareAsync(new { title = "Checkout down", severity = "SEV1", services = new[] { world.Alerts.Service }, summary = known }, who: "Cleo")).GetProperty("number").GetInt32();

        // The declaration to the incident channels and the SEV1 page carry what is known, and the incident's link.
        var declaration = (await IncidentWorld.EventuallyAsync(() => world.Channel.FirstOrDefault(r => r.Text.Contains("declared SEV1", StringComparison.Ordinal)), "the declaration")).Json();
        Assert.Contains($"Known so far: {known}", declaration.GetProperty("summary").GetString(), StringComparison.Ordinal);
        var page = (await MessageAsync(world, "Ana", "SEV1 declared: Checkout down")).Json();
        Assert.Contains($"Known so far: {known}", page.GetProperty("summary").GetString(), StringComparison.Ordinal);
        var browser = await IncidentAlertGroupTests.SignInAsync(world, "Ana");
        await FollowAsync(world, browser, declaration.GetProperty("detailsUrl").GetString()!, number, "Checkout down");
        var incidentPage = await FollowAsync(world, browser, page.GetProperty("detailsUrl").GetString()!, number, "Checkout down");
        Assert.Contains($"Known when declared:</strong> {known}", incidentPage, StringComparison.Ordinal);

        // The acknowledge link's page (no sign-in) speaks of the incident, not of alerts, and links to it.
        var ack = new Uri(page.GetProperty("ackUrl").GetString()!);
        var anonymous = new ConsoleClient(world.Host);
        var linkPage = WebUtility.HtmlDecode(await anonymous.GetPageAsync(ack.PathAndQuery));
        Assert.Contains($"incident <strong>#{number}</strong> · triage · commander Cleo", linkPage, StringComparison.Ordinal);
        Assert.Contains("Checkout down", linkPage, StringComparison.Ordinal);
        Assert.Contains($"Known so far: {known}", linkPage, StringComparison.Ordinal);
        Assert.Contains("Its pages are still escalating", linkPage, StringComparison.Ordinal);
        Assert.DoesNotContain("critical</span> on", linkPage, StringComparison.Ordinal);
        Assert.DoesNotContain(" open · ", linkPage, StringComparison.Ordinal);
        var href = IncidentLink().Match(linkPage);
        Assert.True(href.Success, linkPage);
        await FollowAsync(world, browser, new Uri(ack, href.Groups[1].Value).AbsoluteUri, number, "Checkout down");

        var acked = WebUtility.HtmlDecode(await (await anonymous.PostFormAsync(ack.PathAndQuery, ack.PathAndQuery)).Content.ReadAsStringAsync(Cancel));
        Assert.Contains($"Acknowledged incident #{number}", acked, StringComparison.Ordinal);
        Assert.Contains("Nothing is paging for it any more", acked, StringComparison.Ordinal);
        Assert.Matches(IncidentLink(), acked);
    }

    [GeneratedRegex("href=\"(/incidents/\\d+)\" data-testid=\"incident-link\"")]
    private static partial Regex IncidentLink();
}
