using NodaTime;

namespace Steady.Server.Features.OnCall.Schedules;

/// <summary>
/// The final schedule drawn as one bar per day in the schedule's zone: the schedule page and the editor's preview
/// draw the same thing.
/// </summary>
public static class ScheduleTimeline
{
    public static IReadOnlyList<TimelineDay> Build(IReadOnlyList<ShiftDto> shifts, DateTimeZone zone, LocalDate today, int days, DateTimeOffset now)
    {
        var palette = shifts.Where(s => s.UserId is not null).Select(s => s.UserId!.Value).Distinct().Select((u, i) => (u, i)).ToDictionary(x => x.u, x => x.i % 6);
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
                return new TimelineSegment(
                    Math.Round((s0 - dayStart).TotalMinutes / length * 100, 3),
                    Math.Round((s1 - s0).TotalMinutes / length * 100, 3),
                    s.UserName ?? "gap",
                    s.UserId is { } user ? $"p{palette[user]}" : "gap",
                    $"{s.UserName ?? "Nobody on call (gap)"} {Zoned.Time(s0, zone)}–{Zoned.Time(s1, zone)}{(s.UserId is null ? "" : $" ({s.Source})")}");
            }).ToList();
            double? nowAt = now >= dayStart && now < dayEnd ? Math.Round((now - dayStart).TotalMinutes / length * 100, 3) : null;
            result.Add(new TimelineDay(date.ToString("ddd d MMM", null), d == 0, segments, nowAt));
        }
        return result;
    }
}

/// <summary>One day of the timeline; <c>Now</c> is where the current time falls in it (percent), on today's row.</summary>
public sealed record TimelineDay(string Label, bool IsToday, IReadOnlyList<TimelineSegment> Segments, double? Now);

/// <summary>A piece of a day's bar: where it starts and how wide it is (percent of the day), who, and a tooltip.</summary>
public sealed record TimelineSegment(double Left, double Width, string Name, string Css, string Title);
