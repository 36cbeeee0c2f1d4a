using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Steady.Core.OnCall;
using Steady.Server.Notify;

namespace Steady.Server.Tests.Notify;

/// <summary>The registry the paging engine and the "send test" action go through, wired as the server wires it.</summary>
public sealed class ChannelRegistryTests
{
    [Fact]
    public async Task EveryContactKindHasExactlyOneChannel()
    {
        await using var kit = NotifyKit.Create();

        Assert.Equal(Enum.GetValues<ContactKind>().Order(), kit.Registry.Kinds.Order());
        Assert.All(Enum.GetValues<ContactKind>(), kind => Assert.Equal(kind, kit.Registry.For(kind).Kind));
    }

    [Fact]
    public async Task SendTestDeliversATestNotificationWithAFreshKey()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver();
        var target = new ContactTarget(ContactKind.Webhook, receiver.Url());
        var profile = new Uri("https://steady.test/profile");

        var first = await kit.Registry.SendTestAsync(target, profile, TestContext.Current.CancellationToken);
        var second = await kit.Registry.SendTestAsync(target, profile, TestContext.Current.CancellationToken);

        Assert.Equal(DeliveryOutcome.Sent, first.Outcome);
        Assert.Equal(DeliveryOutcome.Sent, second.Outcome);
        var body = receiver.Requests[0].Json();
        Assert.Equal("test", body.GetProperty("kind").GetString());
        Assert.StartsWith("This is a test from Steady", body.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Equal("info", body.GetProperty("severity").GetString());
        Assert.Equal(0, body.GetProperty("alertCount").GetInt32());
        Assert.Equal(profile.AbsoluteUri, body.GetProperty("detailsUrl").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("ackUrl").ValueKind);
        Assert.StartsWith("test-", receiver.Requests[0].Header("Idempotency-Key"), StringComparison.Ordinal);
        Assert.NotEqual(receiver.Requests[0].Header("Idempotency-Key"), receiver.Requests[1].Header("Idempotency-Key"));
    }

    [Fact]
    public async Task EachOutcomeIsLoggedWithItsKeyAndDetail()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver { Status = 503 };

        await kit.SendAsync(ContactKind.Webhook, receiver.Url());
        receiver.Status = 410;
        await kit.SendAsync(ContactKind.Webhook, receiver.Url());
        receiver.Status = 200;
        await kit.SendAsync(ContactKind.Webhook, receiver.Url());

        var lines = kit.Logs.Lines.Where(l => l.Contains(nameof(ChannelRegistry), StringComparison.Ordinal)).ToList();
        Assert.Equal(3, lines.Count);
        Assert.StartsWith($"Warning Steady.Server.Notify.ChannelRegistry[701] Notification {Samples.Key} by Webhook to be retried", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"Warning Steady.Server.Notify.ChannelRegistry[702] Notification {Samples.Key} by Webhook failed: HTTP 410", lines[1], StringComparison.Ordinal);
        Assert.StartsWith($"Information Steady.Server.Notify.ChannelRegistry[700] Notification {Samples.Key} sent by Webhook: HTTP 200", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task SmtpAndHttpSettingsAreReadFromConfiguration()
    {
        await using var kit = NotifyKit.Create(new Dictionary<string, string?>
        {
            ["Steady:Smtp:Host"] = "mail.example.test",
            ["Steady:Smtp:Security"] = "tls",
            ["Steady:Smtp:Username"] = "steady",
            ["Steady:Smtp:From"] = "Pager <pager@example.test>",
            ["Steady:Smtp:Timeout"] = "00:00:45",
            ["Steady:Notify:HttpTimeout"] = "00:00:07",
        });

        var smtp = kit.Services.GetRequiredService<IOptions<SmtpOptions>>().Value;
        Assert.Equal("mail.example.test", smtp.Host);
        Assert.Equal(SmtpSecurity.Tls, smtp.Security);
        Assert.Equal(465, smtp.EffectivePort);
        Assert.Equal("steady", smtp.Username);
        Assert.Equal("Pager <pager@example.test>", smtp.From);
        Assert.Equal(TimeSpan.FromSeconds(45), smtp.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(7), kit.Services.GetRequiredService<IOptions<NotifyOptions>>().Value.HttpTimeout);
        Assert.Equal(587, new SmtpOptions { Security = SmtpSecurity.StartTls }.EffectivePort);
        Assert.Equal(25, new SmtpOptions { Security = SmtpSecurity.None }.EffectivePort);
    }

    [Fact]
    public async Task AStoredContactMethodBecomesATargetWithANestedTemplateKeptAsJson()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver();
        var stored = """{"url": "URL", "headers": {"Authorization": "Bearer sms-token"}, "body": "{\"to\": \"{{to}}\"}", "note": null}""".Replace("URL", receiver.Url("send"), StringComparison.Ordinal);

        var target = ContactTarget.FromStored("sms", "+4915112345678", stored);
        var result = await kit.Registry.SendAsync(target, Samples.Page(), TestContext.Current.CancellationToken);

        Assert.Equal(ContactKind.Sms, target.Kind);
        Assert.Equal("", target.Settings["note"]);
        Assert.Equal(DeliveryOutcome.Sent, result.Outcome);
        Assert.Equal("Bearer sms-token", receiver.Single().Header("Authorization"));
        Assert.Equal("+4915112345678", receiver.Single().Json().GetProperty("to").GetString());
    }

    [Theory]
    [InlineData("pager", null)]
    [InlineData("3", null)]
    [InlineData("email", "[1, 2]")]
    [InlineData("email", "{not json")]
    public void AStoredContactMethodThatMakesNoSenseIsAFormatError(string kind, string? settings)
    {
        Assert.Throws<FormatException>(() => ContactTarget.FromStored(kind, "ann@example.test", settings));
    }
}
