using System.Text.Json;
using Steady.Core.OnCall;
using Steady.Server.Notify;

namespace Steady.Server.Tests.Notify;

/// <summary>Slack, Teams, Mattermost and Discord incoming webhooks, each in its product's documented format, against a loopback receiver.</summary>
public sealed class ChatChannelTests
{
    [Fact]
    public async Task SlackReceivesTextAndBlocksWithAcknowledgeAndResolveButtons()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver();

        var result = await kit.SendAsync(ContactKind.Slack, receiver.Url("services/T0/B0/x"));

        Assert.Equal(DeliveryOutcome.Sent, result.Outcome);
        var request = receiver.Single();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/services/T0/B0/x", request.PathAndQuery);
        var body = request.Json();
        Assert.Equal("[CRITICAL] payments-api: Error rate above 5% (3 alerts)", body.GetProperty("text").GetString());
        var blocks = body.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal(["header", "section", "context", "actions"], blocks.Select(b => b.GetProperty("type").GetString()));
        Assert.Equal("plain_text", blocks[0].GetProperty("text").GetProperty("type").GetString());
        var section = blocks[1].GetProperty("text");
        Assert.Equal("mrkdwn", section.GetProperty("type").GetString());
        Assert.Contains("Checkout requests fail: 7.2% 5xx over 5 minutes", section.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("<https://grafana.test/d/payments?orgId=1&var-env=prod|Dashboard>", section.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", section.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("Severity: critical · Service: payments-api · Alerts: 3", blocks[2].GetProperty("elements")[0].GetProperty("text").GetString());
        var buttons = blocks[3].GetProperty("elements").EnumerateArray().ToList();
        Assert.All(buttons, b => Assert.Equal("button", b.GetProperty("type").GetString()));
        Assert.Equal(["Acknowledge", "Resolve", "Details"], buttons.Select(b => b.GetProperty("text").GetProperty("text").GetString()));
        Assert.Equal([Samples.Ack.AbsoluteUri, Samples.Resolve.AbsoluteUri, Samples.Details.AbsoluteUri], buttons.Select(b => b.GetProperty("url").GetString()));
        Assert.Equal("primary", buttons[0].GetProperty("style").GetString());
        Assert.Equal(buttons.Count, buttons.Select(b => b.GetProperty("action_id").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task SlackMarkupInAnAlertIsEscapedSoItCannotPingTheChannel()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver();

        await kit.SendAsync(ContactKind.Slack, receiver.Url(), Samples.Page(summary: "<!channel> disk & <https://evil.test|click>"));

        var section = receiver.Single().Json().GetProperty("blocks")[1].GetProperty("text").GetProperty("text").GetString();
        Assert.StartsWith("&lt;!channel&gt; disk &amp; &lt;https://evil.test|click&gt;", section, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TeamsReceivesAMessageWithAnAdaptiveCardAndOpenUrlActions()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver { Status = 202, Body = "" };

        var result = await kit.SendAsync(ContactKind.Teams, receiver.Url("workflows/abc/triggers/manual/paths/invoke?sig=x"));

        Assert.Equal(DeliveryOutcome.Sent, result.Outcome);
        var body = receiver.Single().Json();
        Assert.Equal("message", body.GetProperty("type").GetString());
        var attachment = Assert.Single(body.GetProperty("attachments").EnumerateArray());
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.GetProperty("contentType").GetString());
        Assert.Equal(JsonValueKind.Null, attachment.GetProperty("contentUrl").ValueKind);
        var card = attachment.GetProperty("content");
        Assert.Equal("AdaptiveCard", card.GetProperty("type").GetString());
        Assert.Equal("1.4", card.GetProperty("version").GetString());
        Assert.Equal("http://adaptivecards.io/schemas/adaptive-card.json", card.GetProperty("$schema").GetString());
        var items = card.GetProperty("body").EnumerateArray().ToList();
        Assert.Equal(["TextBlock", "TextBlock", "FactSet", "TextBlock"], items.Select(i => i.GetProperty("type").GetString()));
        Assert.Equal("[CRITICAL] payments-api: Error rate above 5% (3 alerts)", items[0].GetProperty("text").GetString());
        Assert.Equal("Attention", items[0].GetProperty("color").GetString());
        Assert.Equal("Checkout requests fail: 7.2% 5xx over 5 minutes", items[1].GetProperty("text").GetString());
        var facts = items[2].GetProperty("facts").EnumerateArray().Select(f => (f.GetProperty("title").GetString(), f.GetProperty("value").GetString())).ToList();
        Assert.Equal([("Severity", "critical"), ("Service", "payments-api"), ("Alerts", "3")], facts);
        Assert.Equal("[Dashboard](https://grafana.test/d/payments?orgId=1&var-env=prod) · [Runbook](https://wiki.test/runbooks/payments)", items[3].GetProperty("text").GetString());
        var actions = card.GetProperty("actions").EnumerateArray().ToList();
        Assert.All(actions, a => Assert.Equal("Action.OpenUrl", a.GetProperty("type").GetString()));
        Assert.Equal([("Acknowledge", Samples.Ack.AbsoluteUri), ("Resolve", Samples.Resolve.AbsoluteUri), ("Details", Samples.Details.AbsoluteUri)],
            actions.Select(a => (a.GetProperty("title").GetString(), a.GetProperty("url").GetString())));
    }

    [Fact]
    public async Task MattermostReceivesTextAndAnAttachmentWithTheFactsAndLinks()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver();

        var result = await kit.SendAsync(ContactKind.Mattermost, receiver.Url("hooks/xyz"), Samples.Page(summary: "@channel replica lag 40 s"));

        Assert.Equal(DeliveryOutcome.Sent, result.Outcome);
        var body = receiver.Single().Json();
        Assert.Equal("[CRITICAL] payments-api: Error rate above 5% (3 alerts)", body.GetProperty("text").GetString());
        var attachment = Assert.Single(body.GetProperty("attachments").EnumerateArray());
        Assert.Equal("[CRITICAL] payments-api: Error rate above 5% (3 alerts)", attachment.GetProperty("fallback").GetString());
        Assert.Equal("#C62828", attachment.GetProperty("color").GetString());
        Assert.Equal("Error rate above 5%", attachment.GetProperty("title").GetString());
        Assert.Equal(Samples.Details.AbsoluteUri, attachment.GetProperty("title_link").GetString());
        var text = attachment.GetProperty("text").GetString()!;
        Assert.StartsWith("@channel replica lag 40 s\n\n", text, StringComparison.Ordinal);
        Assert.Contains($"**[Acknowledge]({Samples.Ack.AbsoluteUri})**", text, StringComparison.Ordinal);
        Assert.Contains($"**[Resolve]({Samples.Resolve.AbsoluteUri})**", text, StringComparison.Ordinal);
        Assert.Contains("[Runbook](https://wiki.test/runbooks/payments)", text, StringComparison.Ordinal);
        var fields = attachment.GetProperty("fields").EnumerateArray().Select(f => (f.GetProperty("title").GetString(), f.GetProperty("value").GetString(), f.GetProperty("short").GetBoolean())).ToList();
        Assert.Equal([("Severity", "critical", true), ("Service", "payments-api", true), ("Alerts", "3", true)], fields);
    }

    [Fact]
    public async Task DiscordReceivesContentAndAnEmbedAndItsNoContentAnswerCountsAsSent()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver { Status = 204 };

        var result = await kit.SendAsync(ContactKind.Discord, receiver.Url("api/webhooks/1/token"), Samples.Page(severity: Steady.Core.Alerts.Severity.Warning, summary: "@everyone queue depth 12k"));

        Assert.Equal(DeliveryOutcome.Sent, result.Outcome);
        Assert.Equal("HTTP 204", result.Detail);
        var body = receiver.Single().Json();
        Assert.Equal("[WARNING] payments-api: Error rate above 5% (3 alerts)", body.GetProperty("content").GetString());
        Assert.Empty(body.GetProperty("allowed_mentions").GetProperty("parse").EnumerateArray());
        var embed = Assert.Single(body.GetProperty("embeds").EnumerateArray());
        Assert.Equal("Error rate above 5%", embed.GetProperty("title").GetString());
        Assert.Equal(Samples.Details.AbsoluteUri, embed.GetProperty("url").GetString());
        Assert.Equal(0xF9A825, embed.GetProperty("color").GetInt32());
        Assert.Equal("2026-11-24T09:00:00.000Z", embed.GetProperty("timestamp").GetString());
        var description = embed.GetProperty("description").GetString()!;
        Assert.StartsWith("@everyone queue depth 12k", description, StringComparison.Ordinal);
        Assert.Contains($"**[Acknowledge]({Samples.Ack.AbsoluteUri})**", description, StringComparison.Ordinal);
        Assert.Contains($"**[Resolve]({Samples.Resolve.AbsoluteUri})**", description, StringComparison.Ordinal);
        var fields = embed.GetProperty("fields").EnumerateArray().Select(f => (f.GetProperty("name").GetString(), f.GetProperty("value").GetString(), f.GetProperty("inline").GetBoolean())).ToList();
        Assert.Equal([("Severity", "warning", true), ("Service", "payments-api", true), ("Alerts", "3", true)], fields);
    }

    [Fact]
    public async Task DiscordRateLimitingIsRetriedAfterItsRetryAfter()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver { Status = 429, Body = "{\"message\": \"You are being rate limited.\", \"retry_after\": 2, \"global\": false}" };
        receiver.Headers["Retry-After"] = "2";

        var result = await kit.SendAsync(ContactKind.Discord, receiver.Url());

        Assert.Equal(DeliveryOutcome.Retry, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(2), result.RetryAfter);
    }

    [Theory]
    [InlineData(ContactKind.Slack, 500, DeliveryOutcome.Retry)]
    [InlineData(ContactKind.Slack, 404, DeliveryOutcome.Failed)]
    [InlineData(ContactKind.Teams, 502, DeliveryOutcome.Retry)]
    [InlineData(ContactKind.Teams, 400, DeliveryOutcome.Failed)]
    [InlineData(ContactKind.Mattermost, 503, DeliveryOutcome.Retry)]
    [InlineData(ContactKind.Mattermost, 400, DeliveryOutcome.Failed)]
    [InlineData(ContactKind.Discord, 500, DeliveryOutcome.Retry)]
    [InlineData(ContactKind.Discord, 401, DeliveryOutcome.Failed)]
    public async Task ChatWebhooksRetryServerErrorsAndFailOnRejections(ContactKind kind, int status, DeliveryOutcome outcome)
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver { Status = status };

        Assert.Equal(outcome, (await kit.SendAsync(kind, receiver.Url())).Outcome);
    }

    [Theory]
    [InlineData(ContactKind.Slack)]
    [InlineData(ContactKind.Teams)]
    [InlineData(ContactKind.Mattermost)]
    [InlineData(ContactKind.Discord)]
    public async Task ATestNotificationHasNoButtonsToAcknowledge(ContactKind kind)
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver();

        var result = await kit.Registry.SendTestAsync(new ContactTarget(kind, receiver.Url()), null, TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryOutcome.Sent, result.Outcome);
        var text = receiver.Single().Text;
        Assert.Contains("This is a test from Steady", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Acknowledge", text, StringComparison.Ordinal);
    }
}
