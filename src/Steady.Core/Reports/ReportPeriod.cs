using NodaTime;
using NodaTime.Text;

namespace Steady.Core.Reports;

/// <summary>
/// The period a report covers, [from, to): each given as a date (the start of that day in the reader's
/// zone, so from 2026-11-01 to 2026-12-01 is November) or as an instant with its offset
/// (2026-11-01T08:00:00Z). Without <c>to</c>, up to now; without <c>from</c>, the 28 days before <c>to</c>.
/// At most 400 days, within 2000–2100.
/// </summary>
public static class ReportPeriod
{
    public static readonly Duration Longest = Duration.FromDays(400);

    public static readonly Duration Default = Duration.FromDays(28);

    private static readonly LocalDatePattern Date = LocalDatePattern.Iso;
    private static readonly OffsetDateTimePattern Offset = OffsetDateTimePattern.ExtendedIso;
    private static readonly InstantPattern Utc = InstantPattern.ExtendedIso;

    public static Outcome<Span> Parse(string? from, string? to, DateTimeZone zone, Instant now)
    {
        var errors = new Dictionary<string, string[]>();
        var end = Read("to", to, zone, errors) ?? now;
        var start = Read("from", from, zone, errors) ?? end - Default;
        if (errors.Count > 0)
            return Failure.Invalid(errors);
        foreach (var (name, value) in new[] { ("from", start), ("to", end) })
        {
            if (!SaneDates.Contains(value.ToDateTimeOffset()))
                return Failure.Invalid(name, $"'{name}' must be between {SaneDates.Description}.");
        }
        if (end <= start)
            return Failure.Invalid("to", "'to' must be after 'from'.");
        if (end - start > Longest)
            return Failure.Invalid("to", $"A report covers at most {Longest.Days} days; from {Text(start)} to {Text(end)} is {Math.Ceiling((end - start).TotalDays):0}.");
        return new Span(start, end);
    }

    private static Instant? Read(string name, string? text, DateTimeZone zone, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        text = text.Trim();
        if (text.Length <= 10 && Date.Parse(text) is { Success: true } date)
            return new WorkCalendar(zone).At(date.Value, LocalTime.Midnight);
        if (Utc.Parse(text) is { Success: true } instant)
            return instant.Value;
        if (Offset.Parse(text) is { Success: true } offset)
            return offset.Value.ToInstant();
        errors[name] = [$"'{name}' must be a date like 2026-11-01 or an instant like 2026-11-01T08:00:00Z."];
        return null;
    }

    private static string Text(Instant at) => Utc.Format(at);
}
