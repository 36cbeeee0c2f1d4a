using Steady.Core.Alerts;

namespace Steady.Core.Tests.Alerts;

/// <summary>An alert's state changes, each returning the history event it caused.</summary>
public sealed class AlertTransitionsTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);
    private static readonly Guid EventId = Guid.Parse("0190a000-0000-7000-8000-000000000001");
    private static readonly Guid Dana = Guid.Parse("0190a000-0000-7000-8000-0000000000da");

    private static Alert Triggered() => new()
    {
        Id = Guid.Parse("0190a000-0000-7000-8000-0000000000a1"),
        ServiceId = Guid.Parse("0190a000-0000-7000-8000-0000000000c1"),
        GroupId = Guid.Parse("0190a000-0000-7000-8000-0000000000b1"),
        DedupKey = "disk-web-1",
        Status = AlertStatus.Triggered,
        Summary = "Disk full on web-1",
        Labels = "{}",
        Format = "events",
        Version = 4,
    };

    private static AlertGroup Group(int open) => new() { GroupKey = "disk", Labels = "{}", Title = "Disk full", OpenCount = open, AlertCount = open, Version = 7 };

    [Fact]
    public void AcknowledgingATriggeredAlertSaysWhoAndWhenAndReturnsItsHistoryEvent()
    {
        var alert = Triggered();

        var happened = alert.Acknowledge(EventId, Now, Dana, "Dana", "from the link in a notification");

        Assert.Equal(AlertStatus.Acknowledged, alert.Status);
        Assert.Equal(Now, alert.AcknowledgedAt);
        Assert.Equal(Dana, alert.AcknowledgedById);
        Assert.Equal("Dana", alert.AcknowledgedBy);
        Assert.Equal(5, alert.Version);
        Assert.Equal(EventId, happened.Id);
        Assert.Equal(alert.Id, happened.AlertId);
        Assert.Equal(alert.ServiceId, happened.ServiceId);
        Assert.Equal("disk-web-1", happened.DedupKey);
        Assert.Equal(AlertEventKinds.Acknowledged, happened.Kind);
        Assert.Equal(Now, happened.At);
        Assert.Equal(Dana, happened.ActorId);
        Assert.Equal("Dana", happened.ActorName);
        Assert.Equal("from the link in a notification", happened.Note);
    }

    [Theory]
    [InlineData(AlertStatus.Acknowledged)]
    [InlineData(AlertStatus.Resolved)]
    public void OnlyATriggeredAlertCanBeAcknowledged(AlertStatus status)
    {
        var alert = Triggered();
        alert.Status = status;

        Assert.Throws<InvalidOperationException>(() => alert.Acknowledge(EventId, Now, Dana, "Dana"));
        Assert.Equal(status, alert.Status);
        Assert.Equal(4, alert.Version);
    }

    [Fact]
    public void ResolvingTheLastOpenAlertOfAGroupClosesTheGroup()
    {
        var alert = Triggered();
        var group = Group(open: 1);

        var happened = alert.Resolve(group, EventId, Now, null, "Alertmanager", "fixed");

        Assert.Equal(AlertStatus.Resolved, alert.Status);
        Assert.Equal(Now, alert.ResolvedAt);
        Assert.Null(alert.ResolvedById);
        Assert.Equal("Alertmanager", alert.ResolvedBy);
        Assert.Equal(5, alert.Version);
        Assert.Equal(AlertEventKinds.Resolved, happened.Kind);
        Assert.Equal("Alertmanager", happened.ActorName);
        Assert.Equal("fixed", happened.Note);
        Assert.False(group.IsOpen);
        Assert.Equal(Now, group.ResolvedAt);
        Assert.Equal(0, group.OpenCount);
        Assert.Equal(8, group.Version);
    }

    [Fact]
    public void ResolvingOneOfSeveralOpenAlertsLeavesTheGroupOpen()
    {
        var alert = Triggered();
        alert.Status = AlertStatus.Acknowledged;
        var group = Group(open: 3);

        alert.Resolve(group, EventId, Now, Dana, "Dana");

        Assert.Equal(AlertStatus.Resolved, alert.Status);
        Assert.True(group.IsOpen);
        Assert.Null(group.ResolvedAt);
        Assert.Equal(2, group.OpenCount);
        Assert.Equal(8, group.Version);
    }

    [Fact]
    public void AResolvedAlertCannotBeResolvedAgain()
    {
        var alert = Triggered();
        var group = Group(open: 1);
        alert.Resolve(group, EventId, Now, null, "Grafana");

        Assert.Throws<InvalidOperationException>(() => alert.Resolve(group, EventId, Now.AddMinutes(1), null, "Grafana"));
        Assert.Equal(Now, alert.ResolvedAt);
        Assert.Equal(0, group.OpenCount);
    }

    [Fact]
    public void ReTriggeringTakesTheAcknowledgementOffAndTheHistorySaysWhoseItWas()
    {
        var alert = Triggered();
        alert.Acknowledge(EventId, Now, Dana, "Dana");

        var happened = alert.Retrigger(EventId, Now.AddMinutes(30));

        Assert.Equal(AlertStatus.Triggered, alert.Status);
        Assert.Null(alert.AcknowledgedAt);
        Assert.Null(alert.AcknowledgedById);
        Assert.Null(alert.AcknowledgedBy);
        Assert.Equal(6, alert.Version);
        Assert.Equal(AlertEventKinds.Retriggered, happened.Kind);
        Assert.Equal(Now.AddMinutes(30), happened.At);
        Assert.Null(happened.ActorId);
        Assert.Equal("steady", happened.ActorName);
        Assert.Equal("acknowledged by Dana at 09:30 UTC and not resolved within the acknowledgement timeout", happened.Note);
    }

    [Theory]
    [InlineData(AlertStatus.Triggered)]
    [InlineData(AlertStatus.Resolved)]
    public void OnlyAnAcknowledgedAlertCanTriggerAgain(AlertStatus status)
    {
        var alert = Triggered();
        alert.Status = status;

        Assert.Throws<InvalidOperationException>(() => alert.Retrigger(EventId, Now));
        Assert.Equal(status, alert.Status);
    }
}
