namespace Steady.Core.Postmortems;

/// <summary>A postmortem's statuses as they are written (draft, in-review, reviewed, published) and the moves between them.</summary>
public static class PostmortemStatuses
{
    public static readonly IReadOnlyList<PostmortemStatus> All = Enum.GetValues<PostmortemStatus>();

    public static string ToWire(this PostmortemStatus status) => status switch
    {
        PostmortemStatus.Draft => "draft",
        PostmortemStatus.InReview => "in-review",
        PostmortemStatus.Reviewed => "reviewed",
        PostmortemStatus.Published => "published",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>Whether the postmortem's writing is done (reviewed or published): its owner is no longer reminded.</summary>
    public static bool IsFinished(PostmortemStatus status) => status >= PostmortemStatus.Reviewed;

    public static PostmortemStatus? TryParse(string? text) =>
        All.Cast<PostmortemStatus?>().FirstOrDefault(s => string.Equals(s!.Value.ToWire(), text?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Why the move is refused, or null: one step forward at a time, or one step back (a review that
    /// asks for more work); publishing needs an owner and a summary.
    /// </summary>
    public static string? Check(PostmortemStatus from, PostmortemStatus to, bool hasOwner, bool hasSummary)
    {
        if (from == to)
            return null;
        if (Math.Abs((int)to - (int)from) != 1)
            return $"A postmortem moves one step at a time (draft → in-review → reviewed → published, or one back): it is {from.ToWire()}, not ready for {to.ToWire()}.";
        if (to == PostmortemStatus.Published && (!hasOwner || !hasSummary))
            return "Publishing needs an owner and a summary.";
        return null;
    }
}
