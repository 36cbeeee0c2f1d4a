using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Steady.Core.OnCall;
using Steady.Server.Notify;
using Steady.Core.Paging;

namespace Steady.Server.Tests.Notify;

/// <summary>The generic webhook against a real HTTP receiver on loopback, and how every HTTP channel reads the answer.</summary>
public sealed class WebhookChannelTests
{
    private const string Secret = "whsec_s3cr3t-for-tests";

    [Fact]
    public async Task AWebhookIsPostedAsVersionedJsonWithTheIdempotencyKeyAndASignatureTheReceiverCanVerify()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver();

        var result = await kit.SendAsync(ContactKind.Webhook, receiver.Url(), settings: new() { ["secret"] = Secret });

        Assert.Equal(DeliveryOutcome.Sent, result.Outcome);
        var request = receiver.Single();
        Assert.Equal("POST", request.Method);
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal(Samples.Key, request.Header("Idempotency-Key"));
        Assert.Equal(Samples.Key, request.Header("X-Steady-Delivery"));
        var timestamp = request.Header("X-Steady-Timestamp");
        Assert.Equal(NotifyKit.Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), timestamp);

        // What docs/notifications.md tells a receiver to do, done here without Steady's code.
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(timestamp + ".").Concat(request.Body).ToArray()));
        Assert.Equal(expected, request.Header("X-Steady-Signature"));

        var body = request.Json();
        Assert.Equal("steady.notification", body.GetProperty("type").GetString());
        Assert.Equal(1, body.GetProperty("version").GetInt32());
        Assert.Equal("page", body.GetProperty("kind").GetString());
        Assert.Equal(Samples.Key, body.GetProperty("idempotencyKey").GetString());
        Assert.Equal(NotifyKit.Now, body.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal("Error rate above 5%", body.GetProperty("title").GetString());
        Assert.Equal("Checkout requests fail: 7.2% 5xx over 5 minutes", body.GetProperty("summary").GetString());
        Assert.Equal("critical", body.GetProperty("severity").GetString());
        Assert.Equal("payments-api", body.GetProperty("service").GetString());
        Assert.Equal(3, body.GetProperty("alertCount").GetInt32());
        Assert.Equal(Samples.Ack.AbsoluteUri, body.GetProperty("ackUrl").GetString());
        Assert.Equal(Samples.Resolve.AbsoluteUri, body.GetProperty("resolveUrl").GetString());
        Assert.Equal(Samples.Details.AbsoluteUri, body.GetProperty("detailsUrl").GetString());
        var links = body.GetProperty("links").EnumerateArray().Select(l => (l.GetProperty("href").GetString(), l.GetProperty("text").GetString())).ToList();
        Assert.Equal([("https://grafana.test/d/payments?orgId=1&var-env=prod", "Dashboard"), ("https://wiki.test/runbooks/payments", "Runbook")], links);
    }

    [Fact]
    public async Task AWebhookWithoutASecretCarriesNoSignature()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver();

        Assert.Equal(DeliveryOutcome.Sent, (await kit.SendAsync(ContactKind.Webhook, receiver.Url())).Outcome);

        var request = receiver.Single();
        Assert.Null(request.Header("X-Steady-Signature"));
        Assert.Equal(Samples.Key, request.Header("Idempotency-Key"));
    }

    [Fact]
    public async Task ARetriedDeliveryCarriesTheSameKeyAndBody()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver { Status = 503 };

        Assert.Equal(DeliveryOutcome.Retry, (await kit.SendAsync(ContactKind.Webhook, receiver.Url())).Outcome);
        receiver.Status = 200;
        Assert.Equal(DeliveryOutcome.Sent, (await kit.SendAsync(ContactKind.Webhook, receiver.Url())).Outcome);

        Assert.Equal(2, receiver.Requests.Count);
        Assert.Single(receiver.Requests.Select(r => r.Header("Idempotency-Key")).Distinct());
        Assert.Equal(receiver.Requests[0].Body, receiver.Requests[1].Body);
    }

    [Theory]
    [InlineData(200, DeliveryOutcome.Sent)]
    [InlineData(201, DeliveryOutcome.Sent)]
    [InlineData(202, DeliveryOutcome.Sent)]
    [InlineData(204, DeliveryOutcome.Sent)]
    [InlineData(408, DeliveryOutcome.Retry)]
    [InlineData(429, DeliveryOutcome.Retry)]
    [InlineData(500, DeliveryOutcome.Retry)]
    [InlineData(502, DeliveryOutcome.Retry)]
    [InlineData(503, DeliveryOutcome.Retry)]
    [InlineData(400, DeliveryOutcome.Failed)]
    [InlineData(401, DeliveryOutcome.Failed)]
    [InlineData(403, DeliveryOutcome.Failed)]
    [InlineData(404, DeliveryOutcome.Failed)]
    [InlineData(410, DeliveryOutcome.Failed)]
    public async Task TheReceiversStatusDecidesBetweenSentRetryAndFailed(int status, DeliveryOutcome outcome)
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver { Status = status };

        var result = await kit.SendAsync(ContactKind.Webhook, receiver.Url());

        Assert.Equal(outcome, result.Outcome);
        Assert.StartsWith($"HTTP {status}", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TooManyRequestsIsRetriedAfterTheDelayTheReceiverAskedFor()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver { Status = 429 };
        receiver.Headers["Retry-After"] = "120";

        var result = await kit.SendAsync(ContactKind.Webhook, receiver.Url());

        Assert.Equal(DeliveryOutcome.Retry, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(120), result.RetryAfter);
    }

    [Fact]
    public async Task ARetryAfterGivenAsADateIsReadAgainstTheClock()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver { Status = 503 };
        receiver.Headers["Retry-After"] = NotifyKit.Now.AddSeconds(90).ToString("R", CultureInfo.InvariantCulture);

        var result = await kit.SendAsync(ContactKind.Webhook, receiver.Url());

        Assert.Equal(DeliveryOutcome.Retry, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(90), result.RetryAfter);
    }

    [Fact]
    public async Task ARejectionSaysWhatTheReceiverAnswered()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver { Status = 400, Body = "invalid_payload\n" };

        var result = await kit.SendAsync(ContactKind.Webhook, receiver.Url());

        Assert.Equal(DeliveryOutcome.Failed, result.Outcome);
        Assert.Equal("HTTP 400: invalid_payload", result.Detail);
    }

    [Fact]
    public async Task ARedirectIsNotFollowed()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver { Status = 302 };
        receiver.Headers["Location"] = receiver.Url("elsewhere");

        var result = await kit.SendAsync(ContactKind.Webhook, receiver.Url());

        Assert.Equal(DeliveryOutcome.Failed, result.Outcome);
        Assert.Contains("redirects are not followed", result.Detail, StringComparison.Ordinal);
        Assert.Equal("/hook", receiver.Single().PathAndQuery);
    }

    [Fact]
    public async Task AReceiverThatDoesNotAnswerInTimeIsRetried()
    {
        await using var kit = NotifyKit.Create(new Dictionary<string, string?> { ["Steady:Notify:HttpTimeout"] = "00:00:00.300" });
        using var receiver = new LoopbackReceiver { Delay = TimeSpan.FromSeconds(3) };

        var result = await kit.SendAsync(ContactKind.Webhook, receiver.Url());

        Assert.Equal(DeliveryOutcome.Retry, result.Outcome);
        Assert.Equal("no answer within 0.3 s", result.Detail);
    }

    [Fact]
    public async Task AClosedPortIsRetried()
    {
        await using var kit = NotifyKit.Create();

        var result = await kit.SendAsync(ContactKind.Webhook, $"http://127.0.0.1:{LoopbackReceiver.FreePort()}/hook");

        Assert.Equal(DeliveryOutcome.Retry, result.Outcome);
        Assert.Equal("connection failed: ConnectionRefused", result.Detail);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://127.0.0.1/hook")]
    [InlineData("/relative/hook")]
    public async Task AnAddressThatIsNotAnHttpUrlFailsWithoutSending(string address)
    {
        await using var kit = NotifyKit.Create();

        var result = await kit.SendAsync(ContactKind.Webhook, address);

        Assert.Equal(DeliveryOutcome.Failed, result.Outcome);
        Assert.Equal("the address is not an http(s) URL", result.Detail);
    }

    [Fact]
    public async Task NoLogLineHoldsTheWebhookUrlOrTheSecret()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver { Status = 500 };
        var url = receiver.Url("services/T0001/B0002/TOKEN-IN-THE-PATH?sig=TOKEN-IN-THE-QUERY");

        await kit.SendAsync(ContactKind.Webhook, url, settings: new() { ["secret"] = Secret });
        receiver.Status = 200;
        await kit.SendAsync(ContactKind.Slack, url);

        Assert.NotEmpty(kit.Logs.Lines);
        Assert.All(kit.Logs.Lines, line =>
        {
            Assert.DoesNotContain("TOKEN-IN-THE", line, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, line, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void TheSignatureIsTheHexHmacOfTimestampDotBody()
    {
        // A fixed vector for docs/notifications.md, so receivers in any language can check their code.
        var signature = WebhookChannel.Signature("secret", "1795510800", Encoding.UTF8.GetBytes("{\"type\":\"steady.notification\"}"));

        Assert.Equal("sha256=0ec7a27c8569eeb7c7b814713ba40dfb0d314c17a67af656cb481bb99fa9741d", signature);
    }
}
