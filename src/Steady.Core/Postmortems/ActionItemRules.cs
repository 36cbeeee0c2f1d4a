namespace Steady.Core.Postmortems;

/// <summary>The words an action item's type, status and priority are written as, and the rules its changes keep.</summary>
public static class ActionItemRules
{
    public static readonly IReadOnlyList<string> Priorities = ["high", "medium", "low"];

    public static string ToWire(this ActionItemType type) => type.ToString().ToLowerInvariant();

    public static string ToWire(this ActionItemStatus status) => status switch
    {
        ActionItemStatus.Open => "open",
        ActionItemStatus.InProgress => "in-progress",
        ActionItemStatus.Done => "done",
        ActionItemStatus.NotDoing => "not-doing",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static ActionItemType? ParseType(string? text) =>
        Enum.GetValues<ActionItemType>().Cast<ActionItemType?>().FirstOrDefault(t => string.Equals(t!.Value.ToWire(), text?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>open, in-progress, done, not-doing (also with a space or underscore: "not doing").</summary>
    public static ActionItemStatus? ParseStatus(string? text)
    {
        var wire = text?.Trim().Replace(' ', '-').Replace('_', '-');
        return Enum.GetValues<ActionItemStatus>().Cast<ActionItemStatus?>().FirstOrDefault(s => string.Equals(s!.Value.ToWire(), wire, StringComparison.OrdinalIgnoreCase));
    }

    public static string TypeNames => string.Join(", ", Enum.GetValues<ActionItemType>().Select(t => t.ToWire()));

    public static string StatusNames => string.Join(", ", Enum.GetValues<ActionItemStatus>().Select(s => s.ToWire()));

    /// <summary>Why a due date is refused on creation (in the past), or null.</summary>
    public static string? CheckNewDueDate(DateTimeOffset dueAt, DateTimeOffset now) =>
        dueAt < now ? $"'dueAt' ({dueAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC) is in the past; give a date from now on." : null;

    /// <summary>Why the status is refused, or null: "not doing" needs a reason.</summary>
    public static string? CheckStatus(ActionItemStatus status, string? reason) =>
        status == ActionItemStatus.NotDoing && string.IsNullOrWhiteSpace(reason)
            ? "'not-doing' needs a 'reason': say why the item is dropped, so the decision is on record."
            : null;
}
