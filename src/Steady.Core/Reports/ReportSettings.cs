using System.Text.Json;
using NodaTime;
using NodaTime.Text;
using Steady.Core.Audit;

namespace Steady.Core.Reports;

/// <summary>
/// What a team's reports need to know that schedules do not say: its holidays (dates on which hours and
/// interruptions count as holiday ones, in each person's zone) and its compensation rates (none until an
/// admin of the team sets them). One row per team.
/// </summary>
public sealed class TeamReportSettings : IAudited
{
    public Guid TeamId { get; set; }

    /// <summary>ISO 4217 code; null: no rates set.</summary>
    public string? Currency { get; set; }

    public decimal OnCallHour { get; set; }

    public decimal OffHourInterruption { get; set; }

    public decimal SleepHourInterruption { get; set; }

    public decimal WeekendMultiplier { get; set; } = 1m;

    public decimal HolidayMultiplier { get; set; } = 1m;

    /// <summary>JSON array of <see cref="Holiday"/>, ordered by date.</summary>
    public string Holidays { get; set; } = "[]";

    public DateTimeOffset UpdatedAt { get; set; }

    [AuditIgnore]
    public int Version { get; set; }

    public CompensationRates? Rates => Currency is null ? null
        : new CompensationRates(Currency, OnCallHour, OffHourInterruption, SleepHourInterruption, WeekendMultiplier, HolidayMultiplier);

    public IReadOnlyList<Holiday> ReadHolidays() => ReadHolidays(Holidays);

    public static IReadOnlyList<Holiday> ReadHolidays(string json) =>
        (JsonSerializer.Deserialize<List<HolidayText>>(json, Json) ?? [])
            .Select(h => new Holiday(LocalDatePattern.Iso.Parse(h.Date).Value, h.Name))
            .ToList();

    public static string WriteHolidays(IEnumerable<Holiday> holidays) =>
        JsonSerializer.Serialize(holidays.OrderBy(h => h.Date).Select(h => new HolidayText(LocalDatePattern.Iso.Format(h.Date), h.Name)), Json);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record HolidayText(string Date, string? Name);
}

/// <summary>A day off for the whole team: New Year's Day, a national holiday.</summary>
public sealed record Holiday(LocalDate Date, string? Name);
