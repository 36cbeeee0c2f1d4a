using System.Text;
using Steady.Core.Alerts;
using Steady.Core.OnCall;
using Steady.Server.Notify;

namespace Steady.Server.Tests.Notify;

/// <summary>ntfy-style push against a loopback receiver standing in for a self-hosted ntfy server.</summary>
public sealed class NtfyChannelTests
{
    [Fact]
    public async Task APushCarriesTheSummaryAsBodyAndTitlePriorityTagsClickAndActionsAsHeaders()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver { Body = "{\"id\":\"abc\"}" };

        var result = await kit.SendAsync(ContactKind.Ntfy, receiver.Url("oncall-ann"));

        Assert.Equal(DeliveryOutcome.Sent, result.Outcome);
        var request = receiver.Single();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/oncall-ann", request.PathAndQuery);
        Assert.StartsWith("text/plain", request.Header("Content-Type"), StringComparison.Ordinal);
        Assert.StartsWith("Checkout requests fail: 7.2% 5xx over 5 minutes\n\nDashboard: https://grafana.test/d/payments?orgId=1&var-env=prod\nRunbook: https://wiki.test/runbooks/payments", request.Text, StringComparison.Ordinal);
        Assert.Equal("[CRITICAL] payments-api: Error rate above 5% (3 alerts)", request.Header("Title"));
        Assert.Equal("5", request.Header("Priority"));
        Assert.Equal("rotating_light,critical", request.Header("Tags"));
        Assert.Equal(Samples.Details.AbsoluteUri, request.Header("Click"));
        Assert.Equal($"view, Acknowledge, {Samples.Ack.AbsoluteUri}; view, Resolve, {Samples.Resolve.AbsoluteUri}", request.Header("Actions"));
        Assert.Null(request.Header("Authorization"));
    }

    [Theory]
    [InlineData(Severity.Critical, "5")]
    [InlineData(Severity.Error, "4")]
    [InlineData(Severity.Warning, "3")]
    [InlineData(Severity.Info, "2")]
    public async Task SeverityBecomesNtfyPriority(Severity severity, string priority)
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver();

        await kit.SendAsync(ContactKind.Ntfy, receiver.Url(), Samples.Page(severity));

        Assert.Equal(priority, receiver.Single().Header("Priority"));
    }

    [Fact]
    public async Task ATokenInTheSettingsIsSentAsABearerAuthorization()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver();

        await kit.SendAsync(ContactKind.Ntfy, receiver.Url(), settings: new() { ["token"] = "tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2" });

        Assert.Equal("Bearer tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2", receiver.Single().Header("Authorization"));
    }

    [Fact]
    public async Task ATitleBeyondAsciiIsSentAsAnEncodedWordNtfyDecodes()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver();
        var page = Samples.Page() with { ServiceName = "zahlungsdienst-münchen" };

        Assert.Equal(DeliveryOutcome.Sent, (await kit.SendAsync(ContactKind.Ntfy, receiver.Url(), page)).Outcome);

        var title = receiver.Single().Header("Title")!;
        Assert.StartsWith("=?UTF-8?B?", title, StringComparison.Ordinal);
        Assert.Equal("[CRITICAL] zahlungsdienst-münchen: Error rate above 5% (3 alerts)", Encoding.UTF8.GetString(Convert.FromBase64String(title["=?UTF-8?B?".Length..^2])));
    }

    [Fact]
    public async Task AnUnauthorizedTopicFailsAndAnOverloadedServerIsRetried()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver { Status = 403, Body = "{\"code\":40301,\"http\":403,\"error\":\"forbidden\"}" };

        var forbidden = await kit.SendAsync(ContactKind.Ntfy, receiver.Url());
        receiver.Status = 429;
        var limited = await kit.SendAsync(ContactKind.Ntfy, receiver.Url());

        Assert.Equal(DeliveryOutcome.Failed, forbidden.Outcome);
        Assert.Contains("forbidden", forbidden.Detail, StringComparison.Ordinal);
        Assert.Equal(DeliveryOutcome.Retry, limited.Outcome);
    }
}
