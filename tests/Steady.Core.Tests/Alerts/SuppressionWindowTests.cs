using Steady.Core.Alerts;

namespace Steady.Core.Tests.Alerts;

/// <summary>The one check of a silence's or maintenance window's start and end, and ending one early.</summary>
public sealed class SuppressionWindowTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);

    private static (DateTimeOffset StartsAt, DateTimeOffset EndsAt, string? Problem) Plan(WindowKind kind, DateTimeOffset? startsAt, DateTimeOffset? endsAt, int? minutes)
    {
        var validation = new Validation();
        var (starts, ends) = SuppressionWindow.Plan(kind, startsAt, endsAt, minutes, Now, validation);
        return (starts, ends, validation.ToFailure()?.Errors?["endsAt"].Single());
    }

    [Fact]
    public void AWindowStartsNowAndEndsAfterItsDurationWhenOnlyADurationIsGiven()
    {
        var (starts, ends, problem) = Plan(Silence.Kind, null, null, 90);

        Assert.Null(problem);
        Assert.Equal(Now, starts);
        Assert.Equal(Now.AddMinutes(90), ends);
    }

    [Fact]
    public void TimesGivenWithAnOffsetAreKeptInUtc()
    {
        var berlin = TimeSpan.FromHours(1);
        var (starts, ends, problem) = Plan(MaintenanceWindow.Kind, new DateTimeOffset(2026, 3, 2, 12, 0, 0, berlin), new DateTimeOffset(2026, 3, 2, 14, 0, 0, berlin), null);

        Assert.Null(problem);
        Assert.Equal(TimeSpan.Zero, starts.Offset);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 11, 0, 0, TimeSpan.Zero), starts);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 13, 0, 0, TimeSpan.Zero), ends);
    }

    [Fact]
    public void AWindowMustSayWhenItEnds()
    {
        Assert.Equal("Say when the silence ends: 'endsAt' or 'durationMinutes'.", Plan(Silence.Kind, null, null, null).Problem);
        Assert.Equal("Say when the maintenance ends: 'endsAt' or 'durationMinutes'.", Plan(MaintenanceWindow.Kind, null, null, null).Problem);
    }

    [Fact]
    public void AWindowMustEndInTheFutureAfterItStarts()
    {
        Assert.Equal("The silence must end in the future, after it starts.", Plan(Silence.Kind, Now.AddHours(2), Now.AddHours(1), null).Problem);
        Assert.Equal("The maintenance must end in the future, after it starts.", Plan(MaintenanceWindow.Kind, Now.AddHours(-2), Now.AddMinutes(-1), null).Problem);
    }

    [Fact]
    public void ASilenceLastsAtMostNinetyDaysAndAMaintenanceWindowThirty()
    {
        Assert.Null(Plan(Silence.Kind, null, Now.AddDays(90), null).Problem);
        Assert.Equal("A silence may last at most 90 days.", Plan(Silence.Kind, null, Now.AddDays(90).AddMinutes(1), null).Problem);
        Assert.Null(Plan(MaintenanceWindow.Kind, null, Now.AddDays(30), null).Problem);
        Assert.Equal("A maintenance window may last at most 30 days.", Plan(MaintenanceWindow.Kind, null, null, 30 * 24 * 60 + 1).Problem);
    }

    [Fact]
    public void EndingOneInForceEndsItNow()
    {
        var silence = new Silence { Matchers = "[]", Reason = "deploy", CreatedBy = "Dana", CreatedAt = Now.AddHours(-1), StartsAt = Now.AddHours(-1), EndsAt = Now.AddHours(1) };

        Assert.Null(silence.EndAt(Now, Silence.Kind));
        Assert.Equal(Now, silence.EndsAt);
        Assert.True(silence.IsOverAt(Now));
    }

    [Fact]
    public void EndingOneNotStartedYetCallsItOffAndThenThereIsNothingToEnd()
    {
        var window = new MaintenanceWindow { Reason = "upgrade", CreatedBy = "Dana", CreatedAt = Now, StartsAt = Now.AddHours(3), EndsAt = Now.AddHours(5) };

        Assert.Null(window.EndAt(Now.AddMinutes(5), MaintenanceWindow.Kind));
        Assert.Equal(Now.AddHours(3), window.EndsAt);
        Assert.Equal("This maintenance window was called off before it started (it was to start at 2026-03-02 12:30 UTC); there is nothing to end.",
            window.EndAt(Now.AddMinutes(6), MaintenanceWindow.Kind));
    }

    [Fact]
    public void EndingOneThatIsOverIsRefusedAndChangesNothing()
    {
        var silence = new Silence { Matchers = "[]", Reason = "deploy", CreatedBy = "Dana", CreatedAt = Now.AddHours(-2), StartsAt = Now.AddHours(-2), EndsAt = Now.AddHours(-1) };

        Assert.Equal("This silence already expired at 2026-03-02 08:30 UTC; there is nothing to expire.", silence.EndAt(Now, Silence.Kind));
        Assert.Equal(Now.AddHours(-1), silence.EndsAt);
    }
}
