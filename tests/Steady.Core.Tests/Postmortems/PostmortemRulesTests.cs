using Steady.Core.Postmortems;

namespace Steady.Core.Tests.Postmortems;

public sealed class PostmortemRulesTests
{
    // Tuesday 24 November 2026, 09:00 UTC.
    private static readonly DateTimeOffset Tuesday = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ASev1PostmortemIsDueThreeCalendarDaysAfterResolution()
    {
        Assert.Equal(Tuesday.AddDays(3), PostmortemDue.For("SEV1", Tuesday));
        var friday = new DateTimeOffset(2026, 11, 27, 17, 30, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 17, 30, 0, TimeSpan.Zero), PostmortemDue.For("sev1", friday));
    }

    [Fact]
    public void ASev2PostmortemIsDueFiveBusinessDaysLaterSkippingTheWeekend()
    {
        // Tue → Wed, Thu, Fri, Mon, Tue.
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero), PostmortemDue.For("SEV2", Tuesday));
        // Resolved on Saturday: Mon, Tue, Wed, Thu, Fri.
        var saturday = new DateTimeOffset(2026, 11, 28, 22, 15, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 22, 15, 0, TimeSpan.Zero), PostmortemDue.For("SEV2", saturday));
        // Friday: Mon, Tue, Wed, Thu, Fri of the week after.
        var friday = new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero), PostmortemDue.For("SEV2", friday));
    }

    [Fact]
    public void OtherSeveritiesGetTenBusinessDays()
    {
        Assert.Equal(new PostmortemDeadline(10, BusinessDays: true), PostmortemDue.DefaultFor("SEV3"));
        Assert.Equal(new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.Zero), PostmortemDue.For("SEV3", Tuesday));
    }

    [Fact]
    public void ImpactDurationsCountFromTheFirstAlertToTheSecond()
    {
        var fired = Tuesday;
        var moments = ImpactTimes.From(fired.AddSeconds(95), fired, fired.AddSeconds(200), fired.AddMinutes(30).AddSeconds(7), fired.AddHours(2).AddSeconds(1));
        Assert.Equal(["first-alert", "declared", "acknowledged", "mitigated", "resolved"], moments.Select(m => m.Name));
        Assert.Equal(
            [TimeSpan.Zero, TimeSpan.FromSeconds(95), TimeSpan.FromSeconds(200), TimeSpan.FromSeconds(1807), TimeSpan.FromSeconds(7201)],
            moments.Select(m => m.SinceStart!.Value));
    }

    [Fact]
    public void WithoutAnAlertTheDeclarationIsTheStartAndMissingMomentsHaveNoDuration()
    {
        var moments = ImpactTimes.From(Tuesday, null, null, Tuesday.AddMinutes(10), null);
        Assert.Null(moments[0].At);
        Assert.Equal(TimeSpan.Zero, moments[1].SinceStart);
        Assert.Null(moments[2].SinceStart);
        Assert.Equal(TimeSpan.FromMinutes(10), moments[3].SinceStart);
        Assert.Null(moments[4].SinceStart);
    }

    [Theory]
    [InlineData(PostmortemStatus.Draft, PostmortemStatus.InReview, true, true, null)]
    [InlineData(PostmortemStatus.InReview, PostmortemStatus.Draft, false, false, null)]
    [InlineData(PostmortemStatus.Reviewed, PostmortemStatus.Published, true, true, null)]
    [InlineData(PostmortemStatus.Draft, PostmortemStatus.Published, true, true, "one step at a time")]
    [InlineData(PostmortemStatus.Reviewed, PostmortemStatus.Published, false, true, "needs an owner and a summary")]
    [InlineData(PostmortemStatus.Reviewed, PostmortemStatus.Published, true, false, "needs an owner and a summary")]
    public void APostmortemMovesOneStepAtATimeAndPublishesOnlyWithAnOwnerAndASummary(PostmortemStatus from, PostmortemStatus to, bool owner, bool summary, string? refused)
    {
        var problem = PostmortemStatuses.Check(from, to, owner, summary);
        if (refused is null)
            Assert.Null(problem);
        else
            Assert.Contains(refused, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void StatusesAreWrittenInLowercaseWithADash()
    {
        Assert.Equal(["draft", "in-review", "reviewed", "published"], PostmortemStatuses.All.Select(s => s.ToWire()));
        Assert.Equal(PostmortemStatus.InReview, PostmortemStatuses.TryParse(" In-Review "));
        Assert.Null(PostmortemStatuses.TryParse("done"));
    }
}
