using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using Steady.Core.OnCall;
using Steady.Server.Notify;
using Steady.Core.Paging;

namespace Steady.Server.Tests.Notify;

/// <summary>Email through a real SMTP server (aiosmtpd on loopback), read back and parsed as a mail client would.</summary>
public sealed class EmailChannelTests
{
    [Fact]
    public async Task APageArrivesAsMailWithSubjectBodiesLinksAndAMessageIdFromTheIdempotencyKey()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var kit = NotifyKit.Create(Smtp(smtp.Port));

        var result = await kit.SendAsync(ContactKind.Email, "Ann Oncall <ann@example.test>");

        Assert.Equal(DeliveryOutcome.Sent, result.Outcome);
        Assert.Equal("accepted by the SMTP server: 2.0.0 Message accepted for delivery", result.Detail);
        var mail = Assert.Single(smtp.Received());
        Assert.Equal("steady@example.test", mail.MailFrom);
        Assert.Equal(["ann@example.test"], mail.RcptTo);
        var message = mail.Message;
        Assert.Equal("[CRITICAL] payments-api: Error rate above 5% (3 alerts)", message.Subject);
        Assert.Equal($"{Samples.Key}@example.test", message.MessageId);
        Assert.Equal(NotifyKit.Now, message.Date);
        var from = Assert.IsType<MailboxAddress>(Assert.Single(message.From));
        Assert.Equal(("Steady", "steady@example.test"), (from.Name, from.Address));
        var to = Assert.IsType<MailboxAddress>(Assert.Single(message.To));
        Assert.Equal(("Ann Oncall", "ann@example.test"), (to.Name, to.Address));
        Assert.Equal(Samples.Key, message.Headers["X-Steady-Delivery"]);
        Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]);
        Assert.Equal(MessageImportance.High, message.Importance);

        var text = message.TextBody;
        Assert.Contains("CRITICAL · payments-api", text, StringComparison.Ordinal);
        Assert.Contains("Checkout requests fail: 7.2% 5xx over 5 minutes", text, StringComparison.Ordinal);
        Assert.Contains("Alerts in this group: 3", text, StringComparison.Ordinal);
        Assert.Contains($"Acknowledge: {Samples.Ack.AbsoluteUri}", text, StringComparison.Ordinal);
        Assert.Contains($"Resolve: {Samples.Resolve.AbsoluteUri}", text, StringComparison.Ordinal);
        Assert.Contains($"Details: {Samples.Details.AbsoluteUri}", text, StringComparison.Ordinal);
        Assert.Contains("- Runbook: https://wiki.test/runbooks/payments", text, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", text, StringComparison.Ordinal);

        var html = message.HtmlBody;
        Assert.Contains($"href=\"{WebUtility.HtmlEncode(Samples.Ack.AbsoluteUri)}\"", html, StringComparison.Ordinal);
        Assert.Contains(">Acknowledge</a>", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"{WebUtility.HtmlEncode(Samples.Resolve.AbsoluteUri)}\"", html, StringComparison.Ordinal);
        Assert.Contains(">Resolve</a>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://grafana.test/d/payments?orgId=1&amp;var-env=prod\"", html, StringComparison.Ordinal);
        Assert.Contains("Alerts in this group: <strong>3</strong>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("javascript:", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARetriedSendIsRecognisablyTheSameMessage()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var kit = NotifyKit.Create(Smtp(smtp.Port));

        await kit.SendAsync(ContactKind.Email, "ann@example.test");
        kit.Clock.Advance(TimeSpan.FromMinutes(2));
        await kit.SendAsync(ContactKind.Email, "ann@example.test");

        var received = smtp.Received();
        Assert.Equal(2, received.Count);
        Assert.Single(received.Select(m => m.Message.MessageId).Distinct());
        Assert.Single(received.Select(m => m.Message.Date).Distinct());
    }

    [Fact]
    public async Task AlertTextCannotInjectMarkupIntoTheHtmlBody()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var kit = NotifyKit.Create(Smtp(smtp.Port));

        await kit.SendAsync(ContactKind.Email, "ann@example.test", Samples.Page(summary: "<img src=x onerror=alert(1)> & \"quoted\""));

        var html = Assert.Single(smtp.Received()).Message.HtmlBody;
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARecipientTheServerRejectsPermanentlyFails()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var kit = NotifyKit.Create(Smtp(smtp.Port));

        var result = await kit.SendAsync(ContactKind.Email, "reject-me@example.test");

        Assert.Equal(DeliveryOutcome.Failed, result.Outcome);
        Assert.StartsWith("SMTP 550: ", result.Detail, StringComparison.Ordinal);
        Assert.Contains("No such user here", result.Detail, StringComparison.Ordinal);
        Assert.Empty(smtp.Received());
    }

    [Fact]
    public async Task ARecipientTheServerDefersIsRetried()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var kit = NotifyKit.Create(Smtp(smtp.Port));

        var result = await kit.SendAsync(ContactKind.Email, "later@example.test");

        Assert.Equal(DeliveryOutcome.Retry, result.Outcome);
        Assert.StartsWith("SMTP 451: ", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheConfiguredCredentialsAreUsedAndWrongOnesFail()
    {
        await using var smtp = await SmtpSink.StartAsync(credentials: "steady:correct horse");
        await using var good = NotifyKit.Create(Smtp(smtp.Port, ("Username", "steady"), ("Password", "correct horse")));
        await using var bad = NotifyKit.Create(Smtp(smtp.Port, ("Username", "steady"), ("Password", "wrong")));

        var accepted = await good.SendAsync(ContactKind.Email, "ann@example.test");
        var refused = await bad.SendAsync(ContactKind.Email, "ann@example.test");

        Assert.Equal(DeliveryOutcome.Sent, accepted.Outcome);
        Assert.Equal("steady", Assert.Single(smtp.Received()).Login);
        Assert.Equal(DeliveryOutcome.Failed, refused.Outcome);
        Assert.Equal("the SMTP server refused the username and password", refused.Detail);
        Assert.All(bad.Logs.Lines, line => Assert.DoesNotContain("wrong", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartTlsThatTheServerDoesNotOfferFailsRatherThanSendingInTheClear()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var kit = NotifyKit.Create(Smtp(smtp.Port, ("Security", "starttls")));

        var result = await kit.SendAsync(ContactKind.Email, "ann@example.test");

        Assert.Equal(DeliveryOutcome.Failed, result.Outcome);
        Assert.Contains("STARTTLS", result.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(smtp.Received());
    }

    [Fact]
    public async Task AClosedPortIsRetried()
    {
        await using var kit = NotifyKit.Create(Smtp(LoopbackReceiver.FreePort()));

        var result = await kit.SendAsync(ContactKind.Email, "ann@example.test");

        Assert.Equal(DeliveryOutcome.Retry, result.Outcome);
        Assert.Equal("could not connect to the SMTP server: ConnectionRefused", result.Detail);
    }

    [Fact]
    public async Task AServerThatNeverGreetsIsRetriedAfterTheTimeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        await using var kit = NotifyKit.Create(Smtp(port, ("Timeout", "00:00:00.500")));

        var result = await kit.SendAsync(ContactKind.Email, "ann@example.test");

        Assert.Equal(DeliveryOutcome.Retry, result.Outcome);
    }

    [Theory]
    [InlineData(null, "ann@example.test", "email is not set up: Steady:Smtp:Host is empty")]
    [InlineData("127.0.0.1", "not an address", "the address is not an email address")]
    [InlineData("127.0.0.1", "ann", "the address is not an email address")]
    public async Task MissingSettingsOrABadAddressFailWithAClearMessage(string? host, string address, string detail)
    {
        await using var kit = NotifyKit.Create(new Dictionary<string, string?> { ["Steady:Smtp:Host"] = host, ["Steady:Smtp:Security"] = "none", ["Steady:Smtp:Port"] = "1" });

        var result = await kit.SendAsync(ContactKind.Email, address);

        Assert.Equal(DeliveryOutcome.Failed, result.Outcome);
        Assert.Equal(detail, result.Detail);
    }

    [Fact]
    public void AKeyThatCannotBeAMessageIdIsHashedTheSameWayEveryTime()
    {
        var first = EmailMessage.MessageId("group 7/ann <sms>", "example.test");

        Assert.Matches("^steady-[0-9a-f]{32}@example.test$", first);
        Assert.Equal(first, EmailMessage.MessageId("group 7/ann <sms>", "example.test"));
        Assert.NotEqual(first, EmailMessage.MessageId("group 7/bob <sms>", "example.test"));
    }

    private static Dictionary<string, string?> Smtp(int port, params (string Name, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Steady:Smtp:Host"] = "127.0.0.1",
            ["Steady:Smtp:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Steady:Smtp:Security"] = "none",
            ["Steady:Smtp:From"] = "Steady <steady@example.test>",
            ["Steady:Smtp:Timeout"] = "00:00:10",
        };
        foreach (var (name, value) in more)
            settings["Steady:Smtp:" + name] = value;
        return settings;
    }
}
