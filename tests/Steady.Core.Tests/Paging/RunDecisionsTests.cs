using NodaTime;
using Steady.Core.OnCall;
using Steady.Core.Paging;

namespace Steady.Core.Tests.Paging;

public sealed class RunDecisionsTests
{
    private static readonly BusinessHours Berlin = new("Europe/Berlin",
        [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday],
        new LocalTime(9, 0), new LocalTime(17, 0));

    /// <summary>Tuesday 2026-11-24, 10:00 UTC: 11:00 in Berlin, open.</summary>
    private static readonly DateTimeOffset TuesdayMorning = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    /// <summary>Tuesday 2026-11-24, 20:00 UTC: 21:00 in Berlin, closed until Wednesday 09:00 (08:00 UTC).</summary>
    private static readonly DateTimeOffset TuesdayNight = new(2026, 11, 24, 20, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ARunWhoseGroupResolvedEndsResolvedWhateverItsState()
    {
        foreach (var state in new[] { RunState.Active, RunState.Acknowledged, RunState.Exhausted })
            Assert.Equal(RunDecision.End(RunState.Resolved, "resolved"), RunDecisions.OnDue(state, groupOpen: false));
    }

    [Fact]
    public void AnAcknowledgedRunFallingDueIsItsAcknowledgementTimingOut() =>
        Assert.Equal(RunAction.Retrigger, RunDecisions.OnDue(RunState.Acknowledged, groupOpen: true).Action);

    [Fact]
    public void AnActiveRunGoesOnToItsStepAndAStoppedOneHasNothingToDo()
    {
        Assert.Equal(RunAction.Step, RunDecisions.OnDue(RunState.Active, groupOpen: true).Action);
        foreach (var state in new[] { RunState.Exhausted, RunState.Suppressed, RunState.Failed })
            Assert.Equal(RunAction.Idle, RunDecisions.OnDue(state, groupOpen: true).Action);
    }

    [Fact]
    public void AnAcknowledgementThatTimedOutRetriggersOnlyWhileAnAlertIsStillAcknowledged()
    {
        Assert.Equal(RunAction.Retrigger, RunDecisions.AfterAcknowledgement(anyAcknowledged: true, "acknowledged by Ada").Action);
        Assert.Equal(RunDecision.End(RunState.Acknowledged, "acknowledged by Ada"), RunDecisions.AfterAcknowledgement(anyAcknowledged: false, "acknowledged by Ada"));
        Assert.Equal(RunDecision.End(RunState.Acknowledged, "acknowledged"), RunDecisions.AfterAcknowledgement(anyAcknowledged: false, null));
    }

    [Fact]
    public void AFlappingGroupHoldsItsRunUntilItStopsFlappingBeforeAnythingElse()
    {
        var until = TuesdayNight.AddMinutes(10);
        var decision = RunDecisions.BeforeStep(until, paging: false, acknowledged: false, Urgency.Low, Berlin, TuesdayNight);
        Assert.Equal(RunDecision.Hold(until, "held while the group is flapping"), decision);
    }

    [Fact]
    public void AGroupThatStoppedFlappingIsNotHeld() =>
        Assert.Equal(RunDecision.Step, RunDecisions.BeforeStep(TuesdayMorning, paging: true, acknowledged: false, Urgency.High, null, TuesdayMorning));

    [Fact]
    public void NothingLeftToPageEndsAcknowledgedWhenSomeoneHasItElseSuppressed()
    {
        Assert.Equal(RunDecision.End(RunState.Acknowledged, "acknowledged"),
            RunDecisions.BeforeStep(null, paging: false, acknowledged: true, Urgency.High, null, TuesdayMorning));
        Assert.Equal(RunDecision.End(RunState.Suppressed, "every triggered alert is silenced or in maintenance"),
            RunDecisions.BeforeStep(null, paging: false, acknowledged: false, Urgency.High, null, TuesdayMorning));
    }

    [Fact]
    public void ALowUrgencyRunWaitsForTheNextOpeningOfBusinessHours()
    {
        var decision = RunDecisions.BeforeStep(null, paging: true, acknowledged: false, Urgency.Low, Berlin, TuesdayNight);
        Assert.Equal(RunDecision.Hold(new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero), "low urgency: waits for business hours (Mon–Fri 09:00–17:00 Europe/Berlin)"), decision);
    }

    [Fact]
    public void ALowUrgencyRunStepsDuringBusinessHoursOrWithoutAny()
    {
        Assert.Equal(RunDecision.Step, RunDecisions.BeforeStep(null, paging: true, acknowledged: false, Urgency.Low, Berlin, TuesdayMorning));
        Assert.Equal(RunDecision.Step, RunDecisions.BeforeStep(null, paging: true, acknowledged: false, Urgency.Low, null, TuesdayNight));
    }

    [Fact]
    public void AHighUrgencyRunPagesAtAnyHour() =>
        Assert.Equal(RunDecision.Step, RunDecisions.BeforeStep(null, paging: true, acknowledged: false, Urgency.High, Berlin, TuesdayNight));
}
