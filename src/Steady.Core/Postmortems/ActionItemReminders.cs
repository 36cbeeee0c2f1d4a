namespace Steady.Core.Postmortems;

/// <summary>How an action item's owner is followed up: a reminder <see cref="Before"/> the due date, one on it, then every <see cref="Every"/> while overdue; from the reminder after <see cref="TellAdminsAfter"/> on, the team's admins are told too.</summary>
public sealed record ReminderPolicy(TimeSpan Before, TimeSpan Every, int TellAdminsAfter)
{
    public static readonly ReminderPolicy Default = new(TimeSpan.FromDays(2), TimeSpan.FromDays(7), 3);
}

/// <summary>When an open action item's next reminder falls due, and whom it reaches. Pure: the worker stores the answer as the item's due row.</summary>
public static class ActionItemReminders
{
    /// <summary>
    /// The time of reminder number <paramref name="sent"/> + 1: before the due date, on it, then every
    /// cadence after it. A "before" reminder that would come earlier than the item was created is
    /// skipped (the owner has just been given it). Null when the item is done or dropped.
    /// </summary>
    public static DateTimeOffset? Next(ActionItemStatus status, DateTimeOffset dueAt, DateTimeOffset createdAt, int sent, ReminderPolicy policy) =>
        Next(finished: status is ActionItemStatus.Done or ActionItemStatus.NotDoing, dueAt, createdAt, sent, policy);

    /// <summary>
    /// A postmortem's next reminder to its owner, on the same policy as an action item's: until it is
    /// reviewed (or published); none without an owner or a due date.
    /// </summary>
    public static DateTimeOffset? Next(PostmortemStatus status, Guid? ownerId, DateTimeOffset? dueAt, DateTimeOffset createdAt, int sent, ReminderPolicy policy) =>
        ownerId is null || dueAt is not { } due ? null : Next(finished: PostmortemStatuses.IsFinished(status), due, createdAt, sent, policy);

    /// <summary>The follow-up of anything with a due date: before it, on it, then every cadence after it, until <paramref name="finished"/>.</summary>
    public static DateTimeOffset? Next(bool finished, DateTimeOffset dueAt, DateTimeOffset createdAt, int sent, ReminderPolicy policy)
    {
        if (finished)
            return null;
        var before = dueAt - policy.Before;
        var skipBefore = before < createdAt;
        var step = skipBefore ? sent + 1 : sent; // step 0: before, 1: on the due date, k ≥ 2: (k − 1) cadences after
        return step switch
        {
            0 => before,
            1 => dueAt,
            _ => dueAt + (policy.Every * (step - 1)),
        };
    }

    /// <summary>Whether reminder number <paramref name="number"/> (1-based) reaches the team's admins as well as the owner.</summary>
    public static bool TellsAdmins(int number, ReminderPolicy policy) => number > policy.TellAdminsAfter;
}
