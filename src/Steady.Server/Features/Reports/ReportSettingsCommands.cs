using Microsoft.EntityFrameworkCore;
using NodaTime.Text;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Reports;
using Steady.Server.Data;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Reports;

/// <summary>A team's report settings as written: the rates (all absent, or a currency with them) and the holidays. Replaces what was there.</summary>
public sealed record ReportSettingsInput(
    string? Currency = null,
    decimal? OnCallHour = null,
    decimal? OffHourInterruption = null,
    decimal? SleepHourInterruption = null,
    decimal? WeekendMultiplier = null,
    decimal? HolidayMultiplier = null,
    IReadOnlyList<HolidayInput>? Holidays = null);

public sealed record HolidayInput(string? Date = null, string? Name = null);

public sealed record RatesDto(string Currency, decimal OnCallHour, decimal OffHourInterruption, decimal SleepHourInterruption, decimal WeekendMultiplier, decimal HolidayMultiplier)
{
    public static RatesDto? From(CompensationRates? rates) => rates is null ? null
        : new(rates.Currency, rates.OnCallHour, rates.OffHourInterruption, rates.SleepHourInterruption, rates.WeekendMultiplier, rates.HolidayMultiplier);
}

public sealed record HolidayDto(string Date, string? Name)
{
    public static HolidayDto From(Holiday h) => new(LocalDatePattern.Iso.Format(h.Date), h.Name);
}

public sealed record ReportSettingsDto(Guid TeamId, string Team, RatesDto? Rates, IReadOnlyList<HolidayDto> Holidays, DateTimeOffset? UpdatedAt);

/// <summary>Reads and replaces a team's holidays and compensation rates: its admins only (rates are pay). The API and the on-call report page use it.</summary>
public sealed class ReportSettingsCommands(SteadyDb db, TimeProvider time)
{
    public const int MaxHolidays = 400;

    public async Task<Outcome<ReportSettingsDto>> GetAsync(Actor actor, string team, CancellationToken cancellationToken)
    {
        var found = await db.TeamAsync(team, cancellationToken);
        if (found is null)
            return Failure.NotFound($"Team '{team}'");
        if (!Permissions.CanManageTeam(actor, found.Id))
            return Failure.Forbidden($"{found.Name}'s rates are for its admins.");
        var row = await db.Set<TeamReportSettings>().AsNoTracking().FirstOrDefaultAsync(s => s.TeamId == found.Id, cancellationToken);
        return Dto(found, row);
    }

    public async Task<Outcome<ReportSettingsDto>> ReplaceAsync(Actor actor, string team, ReportSettingsInput input, CancellationToken cancellationToken)
    {
        var found = await db.TeamAsync(team, cancellationToken);
        if (found is null)
            return Failure.NotFound($"Team '{team}'");
        if (!Permissions.CanManageTeam(actor, found.Id))
            return Failure.Forbidden($"Only admins of {found.Name} can set its rates and holidays.");
        var validation = new Validation();
        CompensationRates? rates = null;
        if (input.Currency is null)
        {
            if (input.OnCallHour is not null || input.OffHourInterruption is not null || input.SleepHourInterruption is not null || input.WeekendMultiplier is not null || input.HolidayMultiplier is not null)
                validation.Add("currency", "'currency' is required with rates (EUR, USD, …); leave every rate out to have none.");
        }
        else
        {
            rates = new CompensationRates(input.Currency.Trim().ToUpperInvariant(), input.OnCallHour ?? 0, input.OffHourInterruption ?? 0, input.SleepHourInterruption ?? 0, input.WeekendMultiplier ?? 1, input.HolidayMultiplier ?? 1);
            foreach (var (field, messages) in rates.Problems())
            {
                foreach (var message in messages)
                    validation.Add(field, message);
            }
        }
        var holidays = new List<Holiday>();
        var list = input.Holidays ?? [];
        if (list.Count > MaxHolidays)
            validation.Add("holidays", $"'holidays' holds at most {MaxHolidays} dates.");
        for (var i = 0; i < list.Count && i < MaxHolidays; i++)
        {
            var field = $"holidays[{i}]";
            var date = LocalDatePattern.Iso.Parse(list[i]?.Date?.Trim() ?? "");
            if (!date.Success || date.Value.Year is < 2000 or > 2100)
            {
                validation.Add($"{field}.date", $"'{field}.date' must be a date like 2026-12-25, between 2000 and 2100.");
                continue;
            }
            validation.Text($"{field}.name", list[i]!.Name, 100);
            if (list[i]!.Name?.Any(char.IsControl) == true)
                validation.Add($"{field}.name", $"'{field}.name' must not contain control characters.");
            if (holidays.Any(h => h.Date == date.Value))
                validation.Add($"{field}.date", $"{list[i]!.Date} is listed twice.");
            holidays.Add(new Holiday(date.Value, string.IsNullOrWhiteSpace(list[i]!.Name) ? null : list[i]!.Name!.Trim()));
        }
        if (validation.ToFailure() is { } invalid)
            return invalid;

        // Two admins saving at once: the later one reads again and replaces what the first saved (its version moved on, or its row appeared).
        var saved = await db.RetryAsync(async _ =>
        {
            var row = await db.Set<TeamReportSettings>().FirstOrDefaultAsync(s => s.TeamId == found.Id, cancellationToken);
            if (row is null)
            {
                row = new TeamReportSettings { TeamId = found.Id };
                db.Add(row);
            }
            else
            {
                row.Version++;
            }
            row.Currency = rates?.Currency;
            row.OnCallHour = rates?.OnCallHour ?? 0;
            row.OffHourInterruption = rates?.OffHourInterruption ?? 0;
            row.SleepHourInterruption = rates?.SleepHourInterruption ?? 0;
            row.WeekendMultiplier = rates?.WeekendMultiplier ?? 1;
            row.HolidayMultiplier = rates?.HolidayMultiplier ?? 1;
            row.Holidays = TeamReportSettings.WriteHolidays(holidays);
            row.UpdatedAt = time.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
            return row;
        }, e => ConcurrentChanges.IsConcurrentChange(e) || (e is DbUpdateException update && DbErrors.IsUniqueViolation(update)));
        return Dto(found, saved);
    }

    private static ReportSettingsDto Dto(Team team, TeamReportSettings? row) =>
        new(team.Id, team.Name, RatesDto.From(row?.Rates), (row?.ReadHolidays() ?? []).Select(HolidayDto.From).ToList(), row?.UpdatedAt);
}
