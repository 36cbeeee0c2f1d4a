using Steady.Core.Audit;

namespace Steady.Core.StatusPage;

/// <summary>Where a planned maintenance stands: scheduled → in progress → verifying → completed.</summary>
public enum MaintenanceStatus
{
    Scheduled,
    InProgress,
    Verifying,
    Completed,
}

/// <summary>
/// Planned work shown on a page ahead of time: its window, its components (under maintenance while it
/// runs), how long before it starts subscribers are reminded, and whether it also made Steady's alert
/// maintenance windows for the components' services. <see cref="NextDueAt"/> is its due row: when the
/// worker must look at it next (remind, start, complete).
/// </summary>
public sealed class StatusMaintenance : IAudited
{
    public Guid Id { get; set; }

    public Guid PageId { get; set; }

    public required string Title { get; set; }

    public MaintenanceStatus Status { get; set; }

    public DateTimeOffset StartsAt { get; set; }

    public DateTimeOffset EndsAt { get; set; }

    /// <summary>How many minutes before the start subscribers are reminded (0: no reminder).</summary>
    public int NoticeMinutes { get; set; }

    /// <summary>Whether alert maintenance windows were made for the linked services, so nobody is paged for the planned work.</summary>
    public bool SilenceAlerts { get; set; }

    public DateTimeOffset? RemindedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    [AuditIgnore]
    public DateTimeOffset? NextDueAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    [AuditIgnore]
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Bumped by every change: two nodes never both start or complete it.</summary>
    [AuditIgnore]
    public int Version { get; set; }

    public bool IsActive => Status is MaintenanceStatus.InProgress or MaintenanceStatus.Verifying;
}

/// <summary>A component a maintenance puts under maintenance while it runs.</summary>
public sealed class StatusMaintenanceComponent
{
    public Guid MaintenanceId { get; set; }

    public Guid ComponentId { get; set; }
}

/// <summary>One update of a maintenance: scheduled, in progress, verifying, completed, with its words.</summary>
public sealed class StatusMaintenanceUpdate
{
    public Guid Id { get; set; }

    public Guid MaintenanceId { get; set; }

    public MaintenanceStatus Status { get; set; }

    public required string Body { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Author { get; set; }
}

/// <summary>An alert maintenance window a page maintenance made for one of its services.</summary>
public sealed class StatusMaintenanceWindow
{
    public Guid MaintenanceId { get; set; }

    public Guid WindowId { get; set; }
}

/// <summary>What the clock asks of a maintenance now.</summary>
public enum MaintenanceStep
{
    None,
    Remind,
    Start,
    Complete,
}

/// <summary>
/// The pure rules of a planned maintenance: checking its window, what is due at an instant (the reminder
/// before the start, the start, the completion at the end) and when it must be looked at next. A
/// maintenance whose window passed while nobody ran it (the server was down) still starts and completes,
/// in that order, so its history is whole.
/// </summary>
public static class MaintenanceClock
{
    public const int DefaultNoticeMinutes = 60;
    public const int LongestNoticeMinutes = 7 * 24 * 60;
    public static readonly TimeSpan Longest = TimeSpan.FromDays(30);

    /// <summary>Checks a new window; the problems are named on 'startsAt', 'endsAt' and 'noticeMinutes'.</summary>
    public static void Check(DateTimeOffset? startsAt, DateTimeOffset? endsAt, int? noticeMinutes, DateTimeOffset now, Validation validation)
    {
        if (startsAt is null)
            validation.Add("startsAt", "'startsAt' is required: when the maintenance starts.");
        if (endsAt is null)
            validation.Add("endsAt", "'endsAt' is required: when the maintenance ends.");
        if (startsAt is { } s && endsAt is { } e)
        {
            if (e <= s)
                validation.Add("endsAt", "The maintenance must end after it starts.");
            else if (e <= now)
                validation.Add("endsAt", "The maintenance must end in the future.");
            else if (e - s > Longest)
                validation.Add("endsAt", $"A maintenance may last at most {Longest.TotalDays:0} days.");
        }
        if (noticeMinutes is < 0 or > LongestNoticeMinutes)
            validation.Add("noticeMinutes", $"'noticeMinutes' must be between 0 (no reminder) and {LongestNoticeMinutes} (a week).");
    }

    /// <summary>What is due at <paramref name="now"/>, one step at a time.</summary>
    public static MaintenanceStep Due(StatusMaintenance m, DateTimeOffset now) => m.Status switch
    {
        MaintenanceStatus.Completed => MaintenanceStep.None,
        MaintenanceStatus.Scheduled when now >= m.StartsAt => MaintenanceStep.Start,
        MaintenanceStatus.Scheduled when m.RemindedAt is null && m.NoticeMinutes > 0 && now >= m.StartsAt.AddMinutes(-m.NoticeMinutes) => MaintenanceStep.Remind,
        MaintenanceStatus.Scheduled => MaintenanceStep.None,
        _ when now >= m.EndsAt => MaintenanceStep.Complete,
        _ => MaintenanceStep.None,
    };

    /// <summary>When the worker must look at it next; null once completed.</summary>
    public static DateTimeOffset? NextDue(StatusMaintenance m) => m.Status switch
    {
        MaintenanceStatus.Completed => null,
        MaintenanceStatus.Scheduled when m.RemindedAt is null && m.NoticeMinutes > 0 => m.StartsAt.AddMinutes(-m.NoticeMinutes),
        MaintenanceStatus.Scheduled => m.StartsAt,
        _ => m.EndsAt,
    };

    /// <summary>A person may move a maintenance forward (start early, verify, complete), never back.</summary>
    public static string? CheckMove(MaintenanceStatus from, MaintenanceStatus to) =>
        to <= from && !(from == to && to != MaintenanceStatus.Completed)
            ? $"The maintenance is {Wire(from)}; it can only move forward (scheduled → in_progress → verifying → completed)."
            : null;

    public static string Wire(MaintenanceStatus status) => status switch
    {
        MaintenanceStatus.Scheduled => "scheduled",
        MaintenanceStatus.InProgress => "in_progress",
        MaintenanceStatus.Verifying => "verifying",
        _ => "completed",
    };

    public static string Words(MaintenanceStatus status) => status switch
    {
        MaintenanceStatus.Scheduled => "Scheduled",
        MaintenanceStatus.InProgress => "In progress",
        MaintenanceStatus.Verifying => "Verifying",
        _ => "Completed",
    };

    public static MaintenanceStatus? Parse(string? value) =>
        Enum.GetValues<MaintenanceStatus>().Cast<MaintenanceStatus?>().FirstOrDefault(s => string.Equals(Wire(s!.Value), value?.Trim(), StringComparison.OrdinalIgnoreCase));

    public const string StatusChoices = "scheduled, in_progress, verifying or completed";
}
