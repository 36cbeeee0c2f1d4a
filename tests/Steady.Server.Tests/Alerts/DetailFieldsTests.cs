using System.Text.Json;
using Steady.Server.Features.Alerts;

namespace Steady.Server.Tests.Alerts;

/// <summary>An alert's raw details read as keys and values on its page.</summary>
public sealed class DetailFieldsTests
{
    [Fact]
    public void NestedObjectsBecomeDottedPathsAndArraysAreIndexed()
    {
        using var doc = JsonDocument.Parse("""{"annotations":{"runbook_url":"https://r.example.com","description":"disk"},"alerts":[{"status":"firing","value":0.97}],"empty":{},"none":[],"ok":true}""");
        var fields = DetailFields.Flatten(doc.RootElement);
        Assert.Equal(
            [("annotations.runbook_url", "https://r.example.com"), ("annotations.description", "disk"), ("alerts[0].status", "firing"), ("alerts[0].value", "0.97"), ("empty", "{}"), ("none", "[]"), ("ok", "true")],
            fields);
    }

    [Fact]
    public void AHugeDocumentStopsAtTheCap()
    {
        using var doc = JsonDocument.Parse("[" + string.Join(",", Enumerable.Range(0, 1000)) + "]");
        Assert.Equal(DetailFields.Max, DetailFields.Flatten(doc.RootElement).Count);
    }
}
