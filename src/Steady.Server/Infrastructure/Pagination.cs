namespace Steady.Server.Infrastructure;

/// <summary>A page of a list: items in id order (ids are time-ordered), and the cursor for the next page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);

public static class Pagination
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    public static int Limit(int? requested) => Math.Clamp(requested ?? DefaultLimit, 1, MaxLimit);

    public static Page<T> Of<T>(List<T> fetched, int limit, Func<T, Guid> id)
    {
        if (fetched.Count <= limit)
            return new Page<T>(fetched, null);
        fetched.RemoveAt(fetched.Count - 1);
        return new Page<T>(fetched, id(fetched[^1]).ToString());
    }
}
