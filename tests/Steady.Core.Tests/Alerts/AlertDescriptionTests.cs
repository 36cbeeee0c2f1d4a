using System.Text.Json;
using Steady.Core.Alerts;
using Steady.Core.Alerts.Formats;

namespace Steady.Core.Tests.Alerts;

/// <summary>What a monitoring tool said about an alert beyond its summary, read from what each intake format stores.</summary>
public sealed class AlertDescriptionTests
{
    private static IncomingAlert Parse(IntakeParse parse) => Assert.Single(parse.Alerts, a => parse.IsValid);

    private static AlertDescription Of(IncomingAlert alert) => AlertDescription.Read(alert.Details, alert.Summary, alert.Links.Select(l => l.Href));

    [Fact]
    public void AnAlertmanagerDescriptionIsTheTextAndTheOtherAnnotationsAreFieldsWithoutTheSummaryOrTheRunbookLink()
    {
        using var body = JsonDocument.Parse("""
            {"version": "4", "status": "firing", "alerts": [{"status": "firing", "fingerprint": "a1",
              "labels": {"alertname": "DiskFull", "instance": "web-1", "severity": "critical"},
              "annotations": {"summary": "Disk full on web-1", "description": "/var is 99% full; writes fail in about 10 minutes.",
                              "runbook_url": "https://wiki.example.com/disk", "value": "99.2"}}]}
            """);
        var about = Of(Parse(AlertmanagerFormat.Parse(body.RootElement)));

        Assert.Equal("/var is 99% full; writes fail in about 10 minutes.", about.Text);
        Assert.Equal([new AlertField("value", "99.2")], about.Fields);
    }

    [Fact]
    public void ADescriptionThatOnlyRepeatsTheSummaryIsLeftOut()
    {
        var about = AlertDescription.Read("""{"summary": "Disk full on web-1", "description": "Disk full on web-1"}""", "Disk full on web-1");

        Assert.True(about.IsEmpty);
        Assert.Equal(AlertDescription.None, AlertDescription.Read(null, "x"));
        Assert.Equal(AlertDescription.None, AlertDescription.Read("{not json", "x"));
    }

    [Fact]
    public void PagerDutyCustomDetailsBecomeFieldsWithNestedValuesAsCompactJsonAndPlainTextDetailsBecomeTheText()
    {
        using var body = JsonDocument.Parse("""
            {"routing_key": "k", "event_action": "trigger", "dedup_key": "pd-1",
             "payload": {"summary": "Payments 5xx rate 12%", "source": "lb-1", "severity": "critical",
                         "custom_details": {"rate": 0.12, "region": "eu-west", "top paths": ["/pay", "/refund"], "paused": false, "note": null}}}
            """);
        var about = Of(Parse(PagerDutyFormat.Parse(body.RootElement, () => "new")));

        Assert.Null(about.Text);
        Assert.Equal([new AlertField("rate", "0.12"), new AlertField("region", "eu-west"), new AlertField("top paths", """["/pay","/refund"]"""), new AlertField("paused", "false")], about.Fields);

        using var text = JsonDocument.Parse("""{"routing_key": "k", "event_action": "trigger", "payload": {"summary": "Backup failed", "source": "db-1", "severity": "error", "custom_details": "pg_dump exited 1: disk quota exceeded"}}""");
        Assert.Equal("pg_dump exited 1: disk quota exceeded", Of(Parse(PagerDutyFormat.Parse(text.RootElement, () => "new"))).Text);
    }

    [Fact]
    public void GrafanasLegacyMessageIsTheTextBesideItsMatchesAndUnifiedAlertingKeepsTheValueString()
    {
        using var legacy = JsonDocument.Parse("""
            {"ruleId": 7, "ruleName": "CPU hot", "state": "alerting", "title": "[Alerting] CPU hot",
             "message": "CPU above 95% for 10 minutes on the checkout hosts.", "evalMatches": [{"metric": "cpu", "value": 97}]}
            """);
        var about = Of(Parse(GrafanaFormat.Parse(legacy.RootElement)));
        Assert.Equal("CPU above 95% for 10 minutes on the checkout hosts.", about.Text);
        Assert.Equal([new AlertField("evalMatches", """[{"metric":"cpu","value":97}]""")], about.Fields);

        using var unified = JsonDocument.Parse("""
            {"receiver": "steady", "status": "firing", "alerts": [{"status": "firing", "fingerprint": "g1",
              "labels": {"alertname": "HighErrorRate"}, "annotations": {"summary": "Error rate 7%", "description": "Checkout errors over 5% for 5 minutes."},
              "valueString": "[ var='A' value=7 ]"}]}
            """);
        about = Of(Parse(GrafanaFormat.Parse(unified.RootElement)));
        Assert.Equal("Checkout errors over 5% for 5 minutes.", about.Text);
        Assert.Equal([new AlertField("valueString", "[ var='A' value=7 ]")], about.Fields);
    }

    [Fact]
    public void AGenericAlertsDetailsAreReadAsTheyCameAndAFieldTheSummaryAlreadySaysIsLeftOut()
    {
        using var body = JsonDocument.Parse("""{"summary": "Check 'health' failing: HTTP 503, expected 2xx", "details": {"Message": "HTTP 503, expected 2xx", "StatusCode": 503, "Details": "upstream timed out"}}""");
        var about = Of(Parse(GenericFormat.Parse(body.RootElement)));

        Assert.Equal("upstream timed out", about.Text);
        Assert.Equal([new AlertField("StatusCode", "503")], about.Fields);
    }

    [Fact]
    public void ManyFieldsStopAfterTwentyAndLongTextIsCut()
    {
        var details = JsonSerializer.Serialize(Enumerable.Range(1, 30).ToDictionary(i => $"field{i:00}", i => new string('x', i == 1 ? 2000 : 3)));
        var about = AlertDescription.Read(details, "summary");

        Assert.Equal(21, about.Fields.Count);
        Assert.Equal(new AlertField("…", "more in the alert's details"), about.Fields[^1]);
        Assert.Equal(AlertDescription.MaxValueLength, about.Fields[0].Value.Length);
        Assert.EndsWith("…", about.Fields[0].Value, StringComparison.Ordinal);
        Assert.Equal(new string('x', 5000)[..(AlertDescription.MaxTextLength - 1)] + "…", AlertDescription.Read(JsonSerializer.Serialize(new string('x', 5000)), "s").Text);
    }

    [Fact]
    public void AnAlertsStoredLinksInAnyLetterCaseAreNotRepeatedAsFields()
    {
        var alert = new Alert
        {
            DedupKey = "k", Summary = "Queue deep", Labels = "{}", Format = "generic",
            Details = """{"dashboard": "https://grafana.example.com/d/q", "depth": 12000}""",
            Links = """[{"Href": "https://grafana.example.com/d/q", "Text": "Dashboard"}]""",
        };

        Assert.Equal([new AlertField("depth", "12000")], AlertDescription.Of(alert).Fields);
    }
}
