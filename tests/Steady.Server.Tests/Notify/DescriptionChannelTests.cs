using System.Text.RegularExpressions;
using Steady.Core.Alerts;
using Steady.Core.OnCall;
using Steady.Server.Notify;

namespace Steady.Server.Tests.Notify;

/// <summary>
/// What the monitoring tool said about the alert (its description and other fields) reaches every
/// channel, and a page whose title is its summary says the summary once, not twice.
/// </summary>
public sealed class DescriptionChannelTests
{
    private const string Description = "/var is 99% full; writes fail in about 10 minutes.";

    /// <summary>A one-alert group under the default grouping: its title is the alert's summary.</summary>
    private static Notification Page() => Samples.Page(summary: "Error rate above 5%", alertCount: 1) with
    {
        About = new AlertDescription(Description, [new AlertField("value", "99.2"), new AlertField("mount", "/var")]),
    };

    private static int Count(string text, string what) => Regex.Matches(text, Regex.Escape(what)).Count;

    [Theory]
    [InlineData(ContactKind.Slack)]
    [InlineData(ContactKind.Teams)]
    [InlineData(ContactKind.Mattermost)]
    [InlineData(ContactKind.Discord)]
    [InlineData(ContactKind.Ntfy)]
    public async Task ChatAndPushShowTheDescriptionAndFieldsAndTheSummaryOnlyInTheHeadline(ContactKind kind)
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver();

        Assert.Equal(DeliveryOutcome.Sent, (await kit.SendAsync(kind, receiver.Url("hook"), Page())).Outcome);

        var request = receiver.Single();
        var text = kind == ContactKind.Ntfy ? request.Text : Regex.Unescape(request.Text);
        Assert.Contains(Description, text, StringComparison.Ordinal);
        Assert.Contains("value: 99.2\nmount: /var", text, StringComparison.Ordinal);
        // The headline (and the title where the product has one) carries the summary; the body does not repeat it.
        var expected = kind switch { ContactKind.Mattermost => 3, ContactKind.Discord => 2, ContactKind.Ntfy => 0, _ => kind == ContactKind.Slack ? 2 : 1 };
        Assert.Equal(expected, Count(text, "Error rate above 5%"));
        if (kind == ContactKind.Ntfy)
            Assert.Equal("[CRITICAL] payments-api: Error rate above 5%", request.Header("Title"));
    }

    [Fact]
    public void AnEmailSaysTheSummaryOnceThenTheDescriptionAndTheFields()
    {
        var text = EmailMessage.Text(Page());
        Assert.Equal(1, Count(text, "Error rate above 5%"));
        Assert.Contains($"Error rate above 5%\n\n{Description}\n\nvalue: 99.2\nmount: /var\n\n", text, StringComparison.Ordinal);
        var html = EmailMessage.Html(Page());
        Assert.Contains($"{Description}</p>", html, StringComparison.Ordinal);
        Assert.Contains(">value</td><td style=\"padding:0 0 4px;white-space:pre-wrap;word-break:break-word\">99.2</td>", html, StringComparison.Ordinal);
        Assert.Equal(2, Count(html, "Error rate above 5%")); // the <title> and the heading
    }

    [Fact]
    public async Task TheWebhookCarriesTheDescriptionAndTheFieldsAsAnObject()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver();

        await kit.SendAsync(ContactKind.Webhook, receiver.Url("hook"), Page());

        var body = receiver.Single().Json();
        Assert.Equal(Description, body.GetProperty("description").GetString());
        Assert.Equal("99.2", body.GetProperty("details").GetProperty("value").GetString());
        Assert.Equal("/var", body.GetProperty("details").GetProperty("mount").GetString());
        Assert.Equal("Error rate above 5%", body.GetProperty("summary").GetString());
    }

    [Fact]
    public void WithoutADescriptionAPageWhoseTitleIsItsSummaryHasNoBodyAndSlackLeavesOutItsSection()
    {
        var page = Samples.Page(summary: "Error rate above 5%", alertCount: 1) with { Links = [] };

        Assert.Equal("", NotificationText.Body(page));
        var blocks = SlackChannel.Payload(page)["blocks"]!.AsArray().Select(b => b!["type"]!.GetValue<string>());
        Assert.Equal(["header", "context", "actions"], blocks);
        Assert.Equal("Checkout requests fail: 7.2% 5xx over 5 minutes", NotificationText.Body(Samples.Page()));
    }
}
