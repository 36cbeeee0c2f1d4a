using System.Text.Json;
using System.Web;
using Steady.Core.OnCall;
using Steady.Server.Notify;

namespace Steady.Server.Tests.Notify;

/// <summary>SMS and voice through an HTTP provider described by a request template, against a loopback receiver.</summary>
public sealed class ProviderTemplateTests
{
    private const string Awkward = "db \"primary\" down\nline 2 & 50% = bad <now> ü";

    [Fact]
    public async Task AnSmsGoesThroughAJsonTemplateWithEveryPlaceholderJsonEscaped()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver { Status = 201 };
        var settings = new Dictionary<string, string>
        {
            ["url"] = receiver.Url("v1/messages"),
            ["headers"] = "{\"Authorization\": \"Basic QUM6c2VjcmV0\", \"Content-Type\": \"application/json\", \"Idempotency-Key\": \"{{idempotency_key}}\"}",
            ["body"] = "{\"to\": \"{{to}}\", \"text\": \"{{message}}\", \"summary\": \"{{ summary }}\", \"ack\": \"{{ack_url}}\"}",
        };

        var result = await kit.SendAsync(ContactKind.Sms, "+4915112345678", Samples.Page(summary: Awkward), settings);

        Assert.Equal(DeliveryOutcome.Sent, result.Outcome);
        var request = receiver.Single();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/messages", request.PathAndQuery);
        Assert.Equal("Basic QUM6c2VjcmV0", request.Header("Authorization"));
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.Equal(Samples.Key, request.Header("Idempotency-Key"));
        var body = request.Json();
        Assert.Equal("+4915112345678", body.GetProperty("to").GetString());
        Assert.Equal(Awkward, body.GetProperty("summary").GetString());
        Assert.Equal(Samples.Ack.AbsoluteUri, body.GetProperty("ack").GetString());
        Assert.Equal(NotificationText.Sms(Samples.Page(summary: Awkward)), body.GetProperty("text").GetString());
    }

    [Fact]
    public async Task AnSmsGoesThroughAFormTemplateWithEveryPlaceholderUrlEncoded()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver();
        var settings = new Dictionary<string, string>
        {
            ["url"] = receiver.Url("2010-04-01/Accounts/AC1/Messages.json"),
            ["body"] = "To={{to}}&From=%2B15005550006&Body={{message}}&Summary={{summary}}",
        };

        var result = await kit.SendAsync(ContactKind.Sms, "+1 (415) 555-0100", Samples.Page(summary: Awkward), settings);

        Assert.Equal(DeliveryOutcome.Sent, result.Outcome);
        var request = receiver.Single();
        Assert.Equal("application/x-www-form-urlencoded", request.Header("Content-Type"));
        var form = HttpUtility.ParseQueryString(request.Text);
        Assert.Equal(["To", "From", "Body", "Summary"], form.AllKeys);
        Assert.Equal("+1 (415) 555-0100", form["To"]);
        Assert.Equal("+15005550006", form["From"]);
        Assert.Equal(Awkward, form["Summary"]);
        Assert.Equal(NotificationText.Sms(Samples.Page(summary: Awkward)), form["Body"]);
    }

    [Fact]
    public async Task PlaceholdersInTheUrlAreUrlEncodedForAProviderThatTakesAGet()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver();
        var settings = new Dictionary<string, string> { ["method"] = "get", ["url"] = receiver.Url("send?to={{to}}&text={{message}}") };

        Assert.Equal(DeliveryOutcome.Sent, (await kit.SendAsync(ContactKind.Sms, "+44 7700 900123", settings: settings)).Outcome);

        var request = receiver.Single();
        Assert.Equal("GET", request.Method);
        Assert.Empty(request.Body);
        var query = HttpUtility.ParseQueryString(new Uri("http://x" + request.PathAndQuery).Query);
        Assert.Equal("+44 7700 900123", query["to"]);
        Assert.Equal(NotificationText.Sms(Samples.Page()), query["text"]);
    }

    [Fact]
    public void TheSmsTextIsShortAndSaysSeverityServiceSummaryAndTheAckLink()
    {
        var text = NotificationText.Sms(Samples.Page());

        Assert.Equal($"[CRIT] payments-api: Checkout requests fail: 7.2% 5xx over 5 minutes (+2 more) - ack: {Samples.Ack.AbsoluteUri}", text);
        Assert.True(text.Length <= NotificationText.SmsLength, text);

        var long_ = NotificationText.Sms(Samples.Page(summary: new string('x', 400)));
        Assert.Equal(NotificationText.SmsLength, long_.Length);
        Assert.Contains("... - ack: " + Samples.Ack.AbsoluteUri, long_, StringComparison.Ordinal);
        Assert.All(long_, c => Assert.True(c < 128, $"'{c}' is outside ASCII and would make the SMS UCS-2"));
    }

    [Fact]
    public async Task AVoiceCallSpeaksTheSummaryWithoutLinks()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver();
        var settings = new Dictionary<string, string>
        {
            ["url"] = receiver.Url("calls"),
            ["body"] = "{\"to\": \"{{to}}\", \"say\": \"{{message}}\"}",
        };

        Assert.Equal(DeliveryOutcome.Sent, (await kit.SendAsync(ContactKind.Voice, "+4930123456", settings: settings)).Outcome);

        var say = receiver.Single().Json().GetProperty("say").GetString();
        Assert.Equal("This is Steady. A critical page for payments-api. Checkout requests fail: 7.2% 5xx over 5 minutes. 3 alerts in this group. Acknowledge from the link in your messages.", say);
    }

    [Fact]
    public async Task AnXmlBodyGetsXmlEscapedValues()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver();
        var settings = new Dictionary<string, string>
        {
            ["url"] = receiver.Url("calls"),
            ["contentType"] = "application/xml",
            ["body"] = "<Response><Say>{{summary}}</Say></Response>",
        };

        await kit.SendAsync(ContactKind.Voice, "+4930123456", Samples.Page(summary: Awkward), settings);

        var xml = System.Xml.Linq.XDocument.Parse(receiver.Single().Text);
        Assert.Equal(Awkward, xml.Root!.Element("Say")!.Value);
    }

    [Theory]
    [InlineData("{\"url\": \"URL/send\", \"body\": \"to={{phone}}\"}", "the provider template uses an unknown placeholder {{phone}}")]
    [InlineData("{\"body\": \"to={{to}}\"}", "the provider template has no url setting")]
    [InlineData("{\"url\": \"URL/send\", \"headers\": \"[1]\"}", "the provider template's headers are not a JSON object")]
    [InlineData("{\"url\": \"URL/send\", \"headers\": \"{nope\"}", "the provider template's headers are not valid JSON")]
    [InlineData("{\"url\": \"URL/send\", \"method\": \"PO ST\"}", "the provider template's method is not an HTTP method")]
    [InlineData("{\"url\": \"file:///etc/passwd\"}", "the provider template's url is not an http(s) URL")]
    public async Task ABrokenTemplateFailsWithoutSendingAndSaysWhy(string settingsJson, string detail)
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver();
        var settings = JsonSerializer.Deserialize<Dictionary<string, string>>(settingsJson.Replace("URL/", receiver.Root, StringComparison.Ordinal))!;

        var result = await kit.SendAsync(ContactKind.Sms, "+4915112345678", settings: settings);

        Assert.Equal(DeliveryOutcome.Failed, result.Outcome);
        Assert.StartsWith(detail, result.Detail, StringComparison.Ordinal);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task AProviderErrorIsClassifiedLikeAnyHttpAnswer()
    {
        await using var kit = NotifyKit.Create();
        using var receiver = new LoopbackReceiver { Status = 503 };
        var settings = new Dictionary<string, string> { ["url"] = receiver.Url("send"), ["body"] = "to={{to}}&text={{message}}" };

        var unavailable = await kit.SendAsync(ContactKind.Sms, "+4915112345678", settings: settings);
        receiver.Status = 422;
        var rejected = await kit.SendAsync(ContactKind.Sms, "+4915112345678", settings: settings);

        Assert.Equal(DeliveryOutcome.Retry, unavailable.Outcome);
        Assert.Equal(DeliveryOutcome.Failed, rejected.Outcome);
    }
}
