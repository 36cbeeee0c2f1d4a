using System.Text.Json;
using Steady.Core.Alerts;
using Steady.Core.Alerts.Formats;

namespace Steady.Core.Tests.Alerts;

public sealed class GroupingTests
{
    private static IncomingAlert Alert(string dedupKey, string summary, Dictionary<string, string>? labels = null, string? senderGroup = null) =>
        new(IntakeAction.Trigger, dedupKey, summary, Severity.Warning, null, labels ?? [], null, [], null, "generic") { SenderGroup = senderGroup };

    [Fact]
    public void NotSetFollowsTheSendersGroupElseEachDedupKeyIsItsOwnGroup()
    {
        var am = Grouping.SenderGroup("{}:{alertname=\"DiskFull\"}");
        Assert.Equal(Grouping.KeyFor(null, Alert("f1", "a", senderGroup: am)).Key, Grouping.KeyFor(null, Alert("f2", "b", senderGroup: am)).Key);
        Assert.NotEqual(Grouping.KeyFor(null, Alert("f1", "a", senderGroup: am)).Key, Grouping.KeyFor(null, Alert("f1", "a", senderGroup: Grouping.SenderGroup("{}:{alertname=\"Load\"}"))).Key);
        Assert.NotEqual(Grouping.KeyFor(null, Alert("k1", "a")).Key, Grouping.KeyFor(null, Alert("k2", "a")).Key);
        Assert.Equal(new GroupKey("key:k1", "{}", "Disk full"), Grouping.KeyFor(null, Alert("k1", "Disk full")));
    }

    [Fact]
    public void SetToNothingIsOneGroupForTheServiceAndLabelsGroupByTheirValues()
    {
        Assert.Equal(new GroupKey(Grouping.WholeService, "{}", "a"), Grouping.KeyFor([], Alert("k1", "a", senderGroup: Grouping.SenderGroup("x"))));
        Assert.Equal(Grouping.WholeService, Grouping.KeyFor([], Alert("k2", "b")).Key);
        var eu = Grouping.KeyFor(["cluster"], Alert("k1", "a", new() { ["cluster"] = "eu-1", ["node"] = "1" }));
        Assert.Equal(eu.Key, Grouping.KeyFor(["cluster"], Alert("k2", "b", new() { ["cluster"] = "eu-1", ["node"] = "2" })).Key);
        Assert.NotEqual(eu.Key, Grouping.KeyFor(["cluster"], Alert("k3", "c", new() { ["cluster"] = "us-1" })).Key);
        Assert.Equal("cluster=eu-1", eu.Title);
    }

    [Theory]
    [InlineData(Severity.Warning, Severity.Warning, true, JoinOutcome.TellAcknowledger)]
    [InlineData(Severity.Info, Severity.Critical, true, JoinOutcome.TellAcknowledger)]
    [InlineData(Severity.Critical, Severity.Warning, true, JoinOutcome.Retrigger)]
    [InlineData(Severity.Warning, Severity.Warning, false, JoinOutcome.Retrigger)]
    public void ANewAlertInAnAcknowledgedGroupTellsTheAcknowledgerUnlessItIsWorseOrNobodyCanBeTold(Severity alert, Severity worst, bool person, JoinOutcome expected) =>
        Assert.Equal(expected, Grouping.WhenANewAlertJoinsAnAcknowledgedGroup(alert, worst, person));

    [Fact]
    public void AnAlertmanagerWebhooksGroupKeyIsEachAlertsSenderGroup()
    {
        using var body = JsonDocument.Parse("""
            {"version":"4","groupKey":"{}:{alertname=\"DiskFull\"}","status":"firing",
             "alerts":[{"labels":{"alertname":"DiskFull","instance":"db1"}},{"labels":{"alertname":"DiskFull","instance":"db2"}}]}
            """);
        var parsed = AlertmanagerFormat.Parse(body.RootElement);
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        Assert.All(parsed.Alerts, a => Assert.Equal(Grouping.SenderGroup("{}:{alertname=\"DiskFull\"}"), a.SenderGroup));
        using var without = JsonDocument.Parse("""{"version":"4","alerts":[{"labels":{"alertname":"X"}}]}""");
        Assert.Null(Assert.Single(AlertmanagerFormat.Parse(without.RootElement).Alerts).SenderGroup);
    }
}
