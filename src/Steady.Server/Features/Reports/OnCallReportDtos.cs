namespace Steady.Server.Features.Reports;

/// <summary>The on-call load report: per team, per person; hours to two decimals.</summary>
public sealed record OnCallReportDto(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<TeamLoadDto> Teams);

/// <summary>
/// One team's load: its people, the fairness of each of its rotations, the interruptions heatmap (weekday ×
/// hour in each person's zone, Monday first), its holidays, and — for its admins — its rates and the total.
/// </summary>
public sealed record TeamLoadDto(
    Guid Id,
    string Name,
    RatesDto? Rates,
    IReadOnlyList<HolidayDto> Holidays,
    IReadOnlyList<PersonLoadDto> People,
    IReadOnlyList<RotationFairnessDto> Fairness,
    IReadOnlyList<IReadOnlyList<int>> Heatmap,
    decimal? TotalAmount);

public sealed record PersonLoadDto(
    Guid UserId,
    string Name,
    string Email,
    string TimeZone,
    HoursDto Hours,
    int Pages,
    InterruptionsDto Interruptions,
    int Acknowledgements,
    int EscalatedPast,
    IReadOnlyList<RestWeekDto> BrokenRest,
    AmountDto? Compensation);

public sealed record HoursDto(decimal OnCall, decimal FirstLevel, decimal LaterLevel, decimal Business, decimal Off, decimal Sleep, decimal Weekend, decimal Holiday, decimal LongestStretch);

public sealed record InterruptionsDto(int Total, int Business, int Off, int Sleep);

/// <summary>A local week (its Monday) in which the person's rest was broken, and why.</summary>
public sealed record RestWeekDto(string Week, decimal Hours, int Interruptions, IReadOnlyList<string> ConsecutiveNights, bool OverWeeklyLimit, IReadOnlyList<string> Reasons);

public sealed record AmountDto(string Currency, decimal ForHours, decimal ForInterruptions, decimal Total);

public sealed record RotationMemberDto(Guid UserId, string Name, decimal Hours, int SleepInterruptions);

public sealed record SpreadDto(decimal Min, decimal Max, decimal Mean, decimal Range, Guid? Most, string? MostName, decimal ShareOfMost);

public sealed record RotationFairnessDto(Guid ScheduleId, string Schedule, bool FirstLevel, IReadOnlyList<RotationMemberDto> Members, SpreadDto Hours, SpreadDto SleepInterruptions);
