using Steady.Core.Postmortems;

namespace Steady.Core.Tests.Postmortems;

public sealed class ActionItemRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void NotDoingNeedsAReason()
    {
        Assert.Contains("needs a 'reason'", ActionItemRules.CheckStatus(ActionItemStatus.NotDoing, " "), StringComparison.Ordinal);
        Assert.Null(ActionItemRules.CheckStatus(ActionItemStatus.NotDoing, "the service is being retired"));
        Assert.Null(ActionItemRules.CheckStatus(ActionItemStatus.Done, null));
    }

    [Fact]
    public void ADueDateInThePastIsRefusedOnCreation()
    {
        Assert.Contains("in the past", ActionItemRules.CheckNewDueDate(Now.AddSeconds(-1), Now), StringComparison.Ordinal);
        Assert.Null(ActionItemRules.CheckNewDueDate(Now, Now));
        Assert.Null(ActionItemRules.CheckNewDueDate(Now.AddDays(7), Now));
    }

    [Fact]
    public void TypesAndStatusesAreReadAsTheyAreWritten()
    {
        Assert.Equal("mitigate, prevent, process, monitoring, backup, design", ActionItemRules.TypeNames);
        Assert.Equal("open, in-progress, done, not-doing", ActionItemRules.StatusNames);
        Assert.Equal(ActionItemType.Monitoring, ActionItemRules.ParseType("Monitoring"));
        Assert.Null(ActionItemRules.ParseType("blame"));
        Assert.Equal(ActionItemStatus.NotDoing, ActionItemRules.ParseStatus("not doing"));
        Assert.Equal(ActionItemStatus.InProgress, ActionItemRules.ParseStatus("in_progress"));
        Assert.Null(ActionItemRules.ParseStatus("closed"));
    }
}
