using Steady.Core.Incidents;
using Steady.Core.Postmortems;

namespace Steady.Core.Tests.Postmortems;

public sealed class PostmortemFollowUpRulesTests
{
    private static readonly DateTimeOffset Tuesday = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ThePostmortemDeadlineComesFromTheSeverityTable()
    {
        Assert.Equal(new PostmortemDeadline(3, BusinessDays: false), SeverityTable.Default.PostmortemDeadlineOf("SEV1"));
        Assert.Equal(new PostmortemDeadline(5, BusinessDays: true), SeverityTable.Default.PostmortemDeadlineOf("sev2"));
        Assert.Equal(PostmortemDue.Fallback, SeverityTable.Default.PostmortemDeadlineOf("SEV3"));
        var custom = new SeverityTable([new("P1", "", "", "", null, true, true, true, PostmortemDue: new(2, BusinessDays: true)), new("P2", "", "", "", null, false, false, false)]);
        Assert.Equal(new PostmortemDeadline(2, BusinessDays: true), custom.PostmortemDeadlineOf("P1"));
        Assert.Equal(PostmortemDue.Fallback, custom.PostmortemDeadlineOf("P2"));
        Assert.Throws<ArgumentException>(() => new SeverityTable([new("P1", "", "", "", null, true, true, true, PostmortemDue: new(0, BusinessDays: false))]));
    }

    [Fact]
    public void APostmortemIsFollowedUpLikeAnActionItemUntilItIsReviewed()
    {
        var policy = ReminderPolicy.Default;
        var due = Tuesday.AddDays(3);
        Assert.Equal(due.AddDays(-2), ActionItemReminders.Next(PostmortemStatus.Draft, Guid.NewGuid(), due, Tuesday, 0, policy));
        Assert.Equal(due, ActionItemReminders.Next(PostmortemStatus.InReview, Guid.NewGuid(), due, Tuesday, 1, policy));
        Assert.Equal(due.AddDays(14), ActionItemReminders.Next(PostmortemStatus.Draft, Guid.NewGuid(), due, Tuesday, 3, policy));
        Assert.Null(ActionItemReminders.Next(PostmortemStatus.Reviewed, Guid.NewGuid(), due, Tuesday, 0, policy));
        Assert.Null(ActionItemReminders.Next(PostmortemStatus.Published, Guid.NewGuid(), due, Tuesday, 0, policy));
        Assert.Null(ActionItemReminders.Next(PostmortemStatus.Draft, null, due, Tuesday, 0, policy));
        Assert.Null(ActionItemReminders.Next(PostmortemStatus.Draft, Guid.NewGuid(), null, Tuesday, 0, policy));
    }

    [Fact]
    public void TheUnwrittenSectionsAreNamedInTemplateOrderWithWhatToWrite()
    {
        var postmortem = new Postmortem { Timeline = "[]", Responders = "[]", CreatedBy = "test", Summary = "Checkout was down", RootCause = "  " };
        var unfilled = PostmortemSections.Unfilled(postmortem);
        Assert.Equal(["impact", "trigger", "rootCause", "contributingFactors", "detection", "resolution", "wentWell", "wentWrong", "gotLucky"], unfilled.Select(s => s.Key));
        Assert.All(unfilled, s => Assert.False(string.IsNullOrWhiteSpace(s.Hint)));
        PostmortemSections.Find("rootCause")!.Set(postmortem, "A manual renewal step");
        Assert.Equal("A manual renewal step", postmortem.RootCause);
    }

    [Fact]
    public void ClosingASeverityThatRequiresAPostmortemNeedsOneWithAnOwnerAndADueDate()
    {
        var record = new ClosingRecord("x", "x", "x", "x", "x");
        var sev2 = SeverityTable.Default.Find("SEV2")!;
        var refused = Closing.Check(IncidentStatus.Resolved, record, sev2, postmortemWritten: false, enforcePostmortem: true)!;
        Assert.Equal(FailureKind.Conflict, refused.Kind);
        Assert.Contains("owner and a due date", refused.Detail, StringComparison.Ordinal);
        Assert.Null(Closing.Check(IncidentStatus.Resolved, record, sev2, postmortemWritten: true, enforcePostmortem: true));
    }
}
