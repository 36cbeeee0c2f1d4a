using NodaTime;

namespace Steady.Core.Reports;

/// <summary>One member of a rotation: their hours on call in it and their sleep-hour interruptions in the period.</summary>
public sealed record RotationMember(Guid UserId, Duration Hours, int SleepInterruptions);

/// <summary>The spread of a figure across a rotation's members: lowest, highest, mean, highest minus lowest, and who had the most.</summary>
public sealed record Spread(double Min, double Max, double Mean, double Range, Guid? Most, double ShareOfMost);

/// <summary>How evenly a rotation's members carried it: hours on call, and sleep-hour interruptions.</summary>
public sealed record FairnessFigures(Spread Hours, Spread SleepInterruptions);

/// <summary>
/// Fairness across a rotation's members (everyone listed in one of its layers, and anyone who covered it by
/// an override): for hours (in hours) and for sleep interruptions, the lowest, the highest, the mean, the
/// range (highest − lowest), and who carried the most with their share of the total (0 when the total is 0;
/// ties go to the member listed first).
/// </summary>
public static class Fairness
{
    public static FairnessFigures Of(IReadOnlyList<RotationMember> members) => new(
        SpreadOf(members, m => m.Hours.TotalHours),
        SpreadOf(members, m => m.SleepInterruptions));

    private static Spread SpreadOf(IReadOnlyList<RotationMember> members, Func<RotationMember, double> value)
    {
        if (members.Count == 0)
            return new Spread(0, 0, 0, 0, null, 0);
        var values = members.Select(value).ToList();
        var max = values.Max();
        var total = values.Sum();
        var most = members[values.IndexOf(max)];
        return new Spread(values.Min(), max, total / values.Count, max - values.Min(), total > 0 ? most.UserId : null, total > 0 ? max / total : 0);
    }
}
