namespace Steady.Core;

/// <summary>
/// The instants Steady takes from people and programs: 2000 to 2100. Nothing it does needs others, and
/// year 1 or 9999 only reaches arithmetic that overflows (a silence starting 9999-12-31T23:59:59Z was a 500).
/// </summary>
public static class SaneDates
{
    public static readonly DateTimeOffset Min = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The first instant after the range.</summary>
    public static readonly DateTimeOffset End = new(2101, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public const string Description = "2000-01-01 and 2100-12-31 (UTC)";

    public static bool Contains(DateTimeOffset value) => value >= Min && value < End;
}
