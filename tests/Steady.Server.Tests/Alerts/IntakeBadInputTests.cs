using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Steady.Server.Tests.Alerts;

/// <summary>Malformed payloads for every intake endpoint: each answered with the status named, a problem detail, and nothing stored.</summary>
public sealed class IntakeBadInputTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly SteadyHost _host = fixture.Host;

    private static string ManyLabels(int count) =>
        "{" + string.Join(",", Enumerable.Range(0, count).Select(i => $"\"l{i}\":\"v\"")) + "}";

    private static readonly string BigLabel = "{\"big\":\"" + new string('x', 4097) + "\"}";

    public static TheoryData<string, string, int, string> Corpus() => new()
    {
        // endpoint (KEY is replaced), body, status, a word the detail contains
        { "/intake/KEY/alertmanager", "{", 400, "JSON" },
        { "/intake/KEY/alertmanager", "[]", 400, "JSON object" },
        { "/intake/KEY/alertmanager", "{\"alerts\": {}}", 400, "$.alerts" },
        { "/intake/KEY/alertmanager", "{\"version\":\"3\",\"alerts\":[]}", 400, "version 4" },
        { "/intake/KEY/alertmanager", "{\"alerts\":[{\"status\":\"burning\",\"labels\":{\"a\":\"b\"}}]}", 400, "status" },
        { "/intake/KEY/alertmanager", "{\"alerts\":[{\"status\":\"firing\",\"labels\":{}}]}", 400, "labels must not be empty" },
        { "/intake/KEY/alertmanager", "{\"alerts\":[{\"status\":\"firing\",\"labels\":{\"a\":[1]}}]}", 400, "$.alerts[0].labels.a" },
        { "/intake/KEY/alertmanager", "{\"alerts\":[{\"status\":\"firing\",\"labels\":" + ManyLabels(65) + "}]}", 400, "at most 64" },
        { "/intake/KEY/alertmanager", "{\"alerts\":[{\"status\":\"firing\",\"labels\":" + BigLabel + "}]}", 400, "4 KiB" },
        { "/intake/KEY/alertmanager", "{\"alerts\":[{\"status\":\"firing\",\"labels\":{\"a\":\"b\"},\"startsAt\":\"yesterday\"}]}", 400, "startsAt" },
        { "/intake/KEY/alertmanager", "{\"alerts\":[{\"status\":\"firing\",\"labels\":{\"a\":\"b\"},\"generatorURL\":\"javascript:alert(1)\"}]}", 400, "generatorURL" },
        { "/intake/KEY/alertmanager", "{\"alerts\":[{\"status\":\"firing\",\"labels\":{\"a\":\"b\"}},{\"status\":\"firing\",\"labels\":[]}]}", 400, "$.alerts[1].labels" },
        { "/intake/KEY/events", "{\"event_action\":\"explode\"}", 400, "event_action" },
        { "/intake/KEY/events", "{}", 400, "event_action is required" },
        { "/intake/KEY/events", "{\"event_action\":\"trigger\"}", 400, "payload is required" },
        { "/intake/KEY/events", "{\"event_action\":\"trigger\",\"payload\":{\"summary\":\"\",\"source\":\"x\",\"severity\":\"info\"}}", 400, "summary must not be empty" },
        { "/intake/KEY/events", "{\"event_action\":\"trigger\",\"payload\":{\"summary\":\"s\",\"source\":\"x\",\"severity\":\"apocalyptic\"}}", 400, "severity" },
        { "/intake/KEY/events", "{\"event_action\":\"trigger\",\"payload\":{\"summary\":5,\"source\":\"x\",\"severity\":\"info\"}}", 400, "summary must be a string" },
        { "/intake/KEY/events", "{\"event_action\":\"trigger\",\"payload\":{\"summary\":\"s\",\"source\":\"x\",\"severity\":\"info\",\"timestamp\":\"noon\"}}", 400, "timestamp" },
        { "/intake/KEY/events", "{\"event_action\":\"resolve\"}", 400, "dedup_key is required" },
        { "/intake/KEY/events", "{\"event_action\":\"trigger\",\"dedup_key\":\"" + new string('k', 256) + "\",\"payload\":{\"summary\":\"s\",\"source\":\"x\",\"severity\":\"info\"}}", 400, "255" },
        { "/intake/KEY/events", "{\"event_action\":\"trigger\",\"payload\":{\"summary\":\"s\",\"source\":\"x\",\"severity\":\"info\"},\"links\":[{\"text\":\"no href\"}]}", 400, "href" },
        { "/intake/KEY/events", "{\"event_action\":\"trigger\",\"payload\":{\"summary\":\"s\",\"source\":\"x\",\"severity\":\"info\"},\"images\":\"nope\"}", 400, "images" },
        { "/v2/enqueue", "{\"event_action\":\"trigger\"}", 400, "routing_key" },
        { "/v2/enqueue", "{\"routing_key\":\"KEY\",\"event_action\":\"trigger\",\"payload\":{\"source\":\"x\",\"severity\":\"info\"}}", 400, "summary is required" },
        { "/intake/KEY/grafana", "{\"state\":\"melting\",\"ruleId\":1}", 400, "state" },
        { "/intake/KEY/grafana", "{\"state\":\"alerting\"}", 400, "ruleName" },
        { "/intake/KEY/grafana", "\"just a string\"", 400, "JSON object" },
        { "/intake/KEY/generic", "[]", 400, "empty array" },
        { "/intake/KEY/generic", "{\"severity\":\"info\"}", 400, "summary is required" },
        { "/intake/KEY/generic", "{\"summary\":\"s\",\"status\":\"sleeping\"}", 400, "status" },
        { "/intake/KEY/generic", "{\"summary\":\"s\",\"severity\":\"catastrophic\"}", 400, "severity" },
        { "/intake/KEY/generic", "{\"summary\":\"s\",\"labels\":\"env=prod\"}", 400, "labels must be a JSON object" },
        { "/intake/KEY/generic", "{\"summary\":\"s\",\"labels\":" + ManyLabels(65) + "}", 400, "at most 64" },
        { "/intake/KEY/generic", "{\"summary\":\"s\",\"links\":{\"href\":\"x\"}}", 400, "links must be an array" },
        { "/intake/KEY/generic", "[{\"summary\":\"ok\"},{\"summary\":7}]", 400, "$[1].summary" },
        { "/intake/KEY/generic", "{\"summary\":\"s\",\"details\":" + new string('[', 100) + new string(']', 100) + "}", 400, "depth" },

        // Text must be valid Unicode without NUL, in every field of every format, read or not: a 400 naming it (these were 500s,
        // or stored and then broke every alert list).
        { "/intake/KEY/generic", "{\"summary\":\"a\\ud800\"}", 400, "$.summary holds an unpaired surrogate" },
        { "/intake/KEY/generic", "{\"summary\":\"s\",\"labels\":{\"env\":\"\\udc00\"}}", 400, "$.labels.env holds an unpaired surrogate" },
        { "/intake/KEY/generic", "{\"summary\":\"poison\",\"dedup_key\":\"p1\",\"details\":{\"note\":\"\\ud800\"}}", 400, "$.details.note holds an unpaired surrogate" },
        { "/intake/KEY/generic", "{\"summary\":\"s\",\"labels\":{\"env\":\"a\\u0000b\"}}", 400, "$.labels.env holds a NUL character" },
        { "/intake/KEY/alertmanager", "{\"alerts\":[{\"status\":\"firing\",\"labels\":{\"a\":\"b\"},\"annotations\":{\"summary\":\"\\ud800\"}}]}", 400, "$.alerts[0].annotations.summary holds an unpaired surrogate" },
        { "/intake/KEY/alertmanager", "{\"receiver\":\"\\ud800\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"a\":\"b\"}}]}", 400, "$.receiver holds an unpaired surrogate" },
        { "/intake/KEY/events", "{\"event_action\":\"trigger\",\"payload\":{\"summary\":\"s\",\"source\":\"x\",\"severity\":\"info\",\"custom_details\":{\"k\":\"\\udfff\"}}}", 400, "$.payload.custom_details.k holds an unpaired surrogate" },
        { "/v2/enqueue", "{\"routing_key\":\"\\ud800\",\"event_action\":\"trigger\"}", 400, "$.routing_key holds an unpaired surrogate" },
        { "/intake/KEY/grafana", "{\"state\":\"alerting\",\"ruleName\":\"\\ud800\"}", 400, "$.ruleName holds an unpaired surrogate" },

        // A field over its limit is refused whole, the same in every format (generic, events and v2/enqueue cut it to 1,024).
        { "/intake/KEY/generic", "{\"summary\":\"" + new string('x', 100_000) + "\"}", 400, "$.summary is 100000 characters; at most 1024" },
        { "/intake/KEY/events", "{\"event_action\":\"trigger\",\"payload\":{\"summary\":\"" + new string('x', 100_000) + "\",\"source\":\"x\",\"severity\":\"info\"}}", 400, "$.payload.summary is 100000 characters; at most 1024" },
        { "/v2/enqueue", "{\"routing_key\":\"KEY\",\"event_action\":\"trigger\",\"payload\":{\"summary\":\"" + new string('x', 100_000) + "\",\"source\":\"x\",\"severity\":\"info\"}}", 400, "$.payload.summary is 100000 characters; at most 1024" },
        { "/intake/KEY/grafana", "{\"state\":\"alerting\",\"ruleId\":1,\"title\":\"" + new string('x', 100_000) + "\"}", 400, "$.title is 100000 characters; at most 1024" },
        { "/intake/KEY/alertmanager", "{\"alerts\":[{\"status\":\"firing\",\"labels\":{\"a\":\"b\"},\"annotations\":{\"summary\":\"" + new string('x', 100_000) + "\"}}]}", 400, "$.alerts[0].annotations.summary is over 4 KiB" },
        { "/intake/KEY/events", "{\"event_action\":\"trigger\",\"payload\":{\"summary\":\"s\",\"source\":\"" + new string('x', 256) + "\",\"severity\":\"info\"}}", 400, "$.payload.source is 256 characters; at most 255" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task AMalformedPayloadIsRefusedAndNothingIsStored(string endpoint, string body, int status, string mentions)
    {
        var world = await AlertWorld.CreateAsync(_host);
        var before = await StoredAsync();
        var response = await world.PostRawAsync(endpoint.Replace("KEY", world.Key, StringComparison.Ordinal), body.Replace("KEY", world.Key, StringComparison.Ordinal));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(mentions, JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString() ?? "", StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await StoredAsync());
    }

    [Theory]
    [InlineData("/intake/KEY/alertmanager")]
    [InlineData("/intake/KEY/events")]
    [InlineData("/intake/KEY/grafana")]
    [InlineData("/intake/KEY/generic")]
    public async Task InvalidUtf8IsRefusedAndNothingIsStored(string endpoint)
    {
        var world = await AlertWorld.CreateAsync(_host);
        var before = await StoredAsync();
        var bytes = Encoding.UTF8.GetBytes("{\"summary\":\"caf").Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes("\"}")).ToArray();
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/json");
        var response = await _host.Anonymous().PostAsync(endpoint.Replace("KEY", world.Key, StringComparison.Ordinal), content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, await StoredAsync());
    }

    [Theory]
    [InlineData("/intake/KEY/alertmanager")]
    [InlineData("/intake/KEY/generic")]
    [InlineData("/v2/enqueue")]
    public async Task ABodyOverOneMebibyteIsRefusedWith413(string endpoint)
    {
        var world = await AlertWorld.CreateAsync(_host);
        var body = "{\"summary\":\"" + new string('x', 1024 * 1024 + 1) + "\"}";
        var response = await world.PostRawAsync(endpoint.Replace("KEY", world.Key, StringComparison.Ordinal), body);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task AnAlertmanagerEndOfYearOneOrTenThousandIsAsIfNotGivenAndTheAlertIsStillTaken()
    {
        var world = await AlertWorld.CreateAsync(_host);
        (await world.PostAsync("alertmanager", AlertWorld.Alertmanager("firing", ("Ends", "eeee000000000001")))).EnsureSuccessStatusCode();
        var resolved = "{\"version\":\"4\",\"status\":\"resolved\",\"alerts\":[{\"status\":\"resolved\",\"labels\":{\"alertname\":\"Ends\"},\"fingerprint\":\"eeee000000000001\",\"endsAt\":\"9999-12-31T23:59:59Z\"}]}";
        Assert.Equal(HttpStatusCode.Accepted, (await world.PostRawAsync($"/intake/{world.Key}/alertmanager", resolved)).StatusCode);
        var alert = await world.AlertAsync("eeee000000000001", "resolved");
        Assert.Equal(_host.Clock.GetUtcNow(), alert.GetProperty("resolvedAt").GetDateTimeOffset());
    }

    private Task<string> StoredAsync() => _host.WithDbAsync(async (db, _) =>
        $"{await db.Alerts.CountAsync()},{await db.AlertGroups.CountAsync()},{await db.AlertEvents.CountAsync()},{await db.Alerts.SumAsync(a => a.EventCount)}");
}
