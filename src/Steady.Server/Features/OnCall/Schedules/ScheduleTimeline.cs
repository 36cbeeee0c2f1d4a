using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Steady.Server.Features.OnCall.Schedules;

/// <summary>
/// The final schedule drawn as one bar per day in the schedule's zone: the schedule page and the editor's preview
/// draw the same thing. A person keeps one colour everywhere (<see cref="ColoursAsync"/>); an override is drawn
/// striped and says so; a gap is red.
/// </summary>
public static class ScheduleTimeline
{
    /// <summary>How many person colours steady.css has (.tl-seg.p0 … p9).</summary>
    public const int Colours = 10;

    /// <summary>
    /// Each person's colour: their place among everyone, in the order they were added (ids are time-ordered), so it is
    /// the same in every window, on every schedule and page, whoever else is on the timeline; the first ten people
    /// added all differ, and people added one after another (a team) rarely share one.
    /// </summary>
    public static async Task<IReadOnlyDictionary<Guid, int>> ColoursAsync(Data.SteadyDb db, CancellationToken cancellationToken)
    {
        var people = await db.Users.AsNoTracking().OrderBy(u => u.Id).Select(u => u.Id).ToListAsync(cancellationToken);
        return people.Select((id, place) => (id, place)).ToDictionary(p => p.id, p => p.place % Colours);
    }

    public static IReadOnlyList<TimelineDay> Build(IReadOnlyList<ShiftDto> shifts, DateTimeZone zone, LocalDate today, int days, DateTimeOffset now, IReadOnlyDictionary<Guid, int> colours)
    {
        var result = new List<TimelineDay>();
        for (var d = 0; d < days; d++)
        {
            var date = today.PlusDays(d);
            var dayStart = zone.AtStartOfDay(date).ToDateTimeOffset();
            var dayEnd = zone.AtStartOfDay(date.PlusDays(1)).ToDateTimeOffset();
            var length = (dayEnd - dayStart).TotalMinutes;
            var segments = shifts.Where(s => s.End > dayStart && s.Start < dayEnd).Select(s =>
            {
                var s0 = s.Start < dayStart ? dayStart : s.Start;
                var s1 = s.End > dayEnd ? dayEnd : s.End;
                var isOverride = s.UserId is not null && s.Source == "override";
                return new TimelineSegment(
                    Math.Round((s0 - dayStart).TotalMinutes / length * 100, 3),
                    Math.Round((s1 - s0).TotalMinutes / length * 100, 3),
                    isOverride ? $"Override: {s.UserName}" : s.UserName ?? "gap",
                    s.UserId is { } user ? $"p{colours.GetValueOrDefault(user)}{(isOverride ? " override" : "")}" : "gap",
                    $"{s.UserName ?? "Nobody on call (gap)"} {Zoned.Time(s0, zone)}–{Zoned.Time(s1, zone)}{(s.UserId is null ? "" : $" ({s.Source})")}",
                    s.UserId is null ? null : s.UserName,
                    isOverride);
            }).ToList();
            double? nowAt = now >= dayStart && now < dayEnd ? Math.Round((now - dayStart).TotalMinutes / length * 100, 3) : null;
            result.Add(new TimelineDay(date.ToString("ddd d MMM", null), d == 0, segments, nowAt));
        }
        return result;
    }
}

/// <summary>One day of the timeline; <c>Now</c> is where the current time falls in it (percent), on today's row.</summary>
public sealed record TimelineDay(string Label, bool IsToday, IReadOnlyList<TimelineSegment> Segments, double? Now);

/// <summary>
/// A piece of a day's bar: where it starts and how wide it is (percent of the day), its label, its classes, a tooltip,
/// the person on call (null in a gap), and whether an override put them there.
/// </summary>
public sealed record TimelineSegment(double Left, double Width, string Name, string Css, string Title, string? Person = null, bool IsOverride = false);
