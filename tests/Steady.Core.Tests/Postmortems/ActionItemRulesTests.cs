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

public sealed class ActionItemRemindersTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Due = Created.AddDays(10);

    [Fact]
    public void TheOwnerIsRemindedBeforeOnAndWeeklyAfterTheDueDate()
    {
        var times = Enumerable.Range(0, 5).Select(sent => ActionItemReminders.Next(ActionItemStatus.Open, Due, Created, sent, ReminderPolicy.Default)).ToList();
        Assert.Equal([Due.AddDays(-2), Due, Due.AddDays(7), Due.AddDays(14), Due.AddDays(21)], times);
    }

    [Fact]
    public void AnItemDueSoonerThanTheLeadTimeSkipsTheEarlyReminder()
    {
        var soon = Created.AddDays(1);
        Assert.Equal(soon, ActionItemReminders.Next(ActionItemStatus.InProgress, soon, Created, 0, ReminderPolicy.Default));
        Assert.Equal(soon.AddDays(7), ActionItemReminders.Next(ActionItemStatus.InProgress, soon, Created, 1, ReminderPolicy.Default));
    }

    [Fact]
    public void DoneOrDroppedItemsAreNotRemindedAndAdminsHearAfterTheConfiguredNumber()
    {
        Assert.Null(ActionItemReminders.Next(ActionItemStatus.Done, Due, Created, 0, ReminderPolicy.Default));
        Assert.Null(ActionItemReminders.Next(ActionItemStatus.NotDoing, Due, Created, 3, ReminderPolicy.Default));
        Assert.False(ActionItemReminders.TellsAdmins(3, ReminderPolicy.Default));
        Assert.True(ActionItemReminders.TellsAdmins(4, ReminderPolicy.Default));
    }
}
