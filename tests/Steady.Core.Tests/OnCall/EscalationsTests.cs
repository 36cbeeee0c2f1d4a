using NodaTime;
using Steady.Core.OnCall;

namespace Steady.Core.Tests.OnCall;

public sealed class EscalationsTests
{
    private static readonly Guid Primary = Guid.NewGuid();
    private static readonly Guid Secondary = Guid.NewGuid();
    private static readonly Guid Manager = Guid.NewGuid();
    private static readonly Guid EmptySchedule = Guid.NewGuid();

    private static EscalationStep Step(Guid who, int minutes, TargetKind kind = TargetKind.User) => new([new EscalationTarget(kind, who)], Duration.FromMinutes(minutes));

    private static IReadOnlyList<Guid> Resolve(EscalationTarget target) => target.Id == EmptySchedule ? [] : [target.Id];

    /// <summary>The seed's chain: primary, 5 min, secondary, 5 min, manager.</summary>
    private static readonly EscalationPolicy Seed = new("payments-oncall", [Step(Primary, 5), Step(Secondary, 5), Step(Manager, 5)]);

    [Fact]
    public void TheSeedsChainNotifiesPrimaryThenSecondaryThenManagerAndStops()
    {
        var first = Escalations.Run(Seed, new(0, 0), Resolve)!;
        Assert.Equal([Primary], first.Notify);
        Assert.Equal(Duration.FromMinutes(5), first.Wait);
        var second = Escalations.Run(Seed, first.Next!, Resolve)!;
        Assert.Equal([Secondary], second.Notify);
        var third = Escalations.Run(Seed, second.Next!, Resolve)!;
        Assert.Equal([Manager], third.Notify);
        Assert.Null(third.Next);
    }

    [Fact]
    public void ARepeatedPolicyStartsOverAfterItsLastStep()
    {
        var policy = Seed with { Repeat = 1 };
        var last = Escalations.Run(policy, new(2, 0), Resolve)!;
        Assert.Equal(new EscalationPosition(0, 1), last.Next);
        var again = Escalations.Run(policy, last.Next!, Resolve)!;
        Assert.Equal([Primary], again.Notify);
        Assert.Null(Escalations.Run(policy, new(2, 1), Resolve)!.Next);
    }

    [Fact]
    public void AStepWhoseTargetsResolveToNobodyIsSkipped()
    {
        var policy = new EscalationPolicy("gappy", [Step(EmptySchedule, 5, TargetKind.Schedule), Step(Secondary, 10)]);
        var run = Escalations.Run(policy, new(0, 0), Resolve)!;
        Assert.Equal([Secondary], run.Notify);
        Assert.Equal(1, run.SkippedSteps);
        Assert.Equal(new EscalationPosition(1, 0), run.Ran);
    }

    [Fact]
    public void APolicyOfOnlyEmptyStepsNotifiesNobodyAndEnds()
    {
        var policy = new EscalationPolicy("nobody", [Step(EmptySchedule, 5, TargetKind.Schedule)], Repeat: 3);
        Assert.Null(Escalations.Run(policy, new(0, 0), Resolve));
    }

    [Fact]
    public void ARunWhosePolicyWasShortenedUnderItGoesOnFromTheNewLastStep()
    {
        var shortened = new EscalationPolicy("payments-oncall", [Step(Primary, 5)]);
        Assert.Equal(new EscalationPosition(0, 0), Escalations.Fit(shortened, new(2, 0)));
        var run = Escalations.Run(shortened, new(2, 0), Resolve)!;
        Assert.Equal([Primary], run.Notify);
        Assert.Equal(new EscalationPosition(0, 0), run.Ran);
        Assert.Null(run.Next);
        // A repeated policy shortened under a run in its second pass goes on in that pass.
        var repeated = shortened with { Repeat = 2 };
        Assert.Equal(new EscalationPosition(0, 1), Escalations.Fit(repeated, new(5, 1)));
        Assert.Equal(new EscalationPosition(0, 2), Escalations.Run(repeated, new(5, 1), Resolve)!.Next);
    }

    [Fact]
    public void APositionThePolicyStillHasIsKeptAndOneItCannotHaveEndsTheRun()
    {
        Assert.Equal(new EscalationPosition(1, 0), Escalations.Fit(Seed, new(1, 0)));
        Assert.Equal(new EscalationPosition(0, 0), Escalations.Fit(Seed, new(-3, -1)));
        // Fewer repeats than the run already went through: nothing is left to run.
        Assert.Null(Escalations.Fit(Seed, new(0, 1)));
        Assert.Null(Escalations.Run(Seed, new(0, 1), Resolve));
        // No steps at all.
        var empty = new EscalationPolicy("empty", []);
        Assert.Null(Escalations.Fit(empty, new(0, 0)));
        Assert.Null(Escalations.Run(empty, new(0, 0), Resolve));
    }

    [Fact]
    public void SeveralTargetsInOneStepAreNotifiedOnceEach()
    {
        var policy = new EscalationPolicy("both", [new EscalationStep([new(TargetKind.User, Primary), new(TargetKind.Schedule, Primary), new(TargetKind.User, Secondary)], Duration.FromMinutes(5))]);
        Assert.Equal([Primary, Secondary], Escalations.Run(policy, new(0, 0), Resolve)!.Notify);
    }

    [Theory]
    [InlineData("5m", 300)]
    [InlineData("30s", 30)]
    [InlineData("2h", 7200)]
    [InlineData("1d", 86400)]
    [InlineData("1h30m", 5400)]
    [InlineData("15", 900)]
    public void DurationsReadTheWayPeopleWriteThem(string text, int seconds) =>
        Assert.Equal(Duration.FromSeconds(seconds), Durations.Parse(text));

    [Theory]
    [InlineData("five minutes")]
    [InlineData("5 m")]
    [InlineData("-5m")]
    [InlineData("5w")]
    public void DurationsThatAreNotDurationsAreRefused(string text) => Assert.Null(Durations.Parse(text));
}
