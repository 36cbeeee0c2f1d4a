using System.Globalization;
using Microsoft.AspNetCore.Mvc;

namespace Steady.Server.Features.Reports;

/// <summary>
/// /reports/oncall: hours per person by band (a bar each), the interruptions heatmap, the table, fairness per
/// rotation and broken rest; for a team's admins the amounts, the compensation CSV and the form for its
/// rates and holidays (saved through <see cref="ReportSettingsCommands"/>, as the API does).
/// </summary>
public sealed class OnCallModel(ReportWorker reports, ReportSettingsCommands settings) : ReportPage
{
    public OnCallReportDto? Report { get; private set; }

    /// <summary>The selected team's settings, for its admins.</summary>
    public ReportSettingsDto? Settings { get; private set; }

    [BindProperty]
    public SettingsForm Form { get; set; } = new();

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnGetCsvAsync()
    {
        if (!await ResolveAsync(ownLoad: true))
            return BadRequest();
        var outcome = await CompensationExport.BuildAsync(Scope!, reports, RequestAborted);
        if (!outcome.Succeeded)
            return StatusCode(StatusCodes.Status403Forbidden);
        return File(System.Text.Encoding.UTF8.GetBytes(outcome.Value.Text), "text/csv; charset=utf-8", outcome.Value.FileName);
    }

    public async Task<IActionResult> OnPostSettingsAsync()
    {
        var saved = await settings.ReplaceAsync(Actor, Team ?? "", Form.ToInput(), RequestAborted);
        if (saved.Succeeded)
        {
            Notice($"Saved the rates and holidays of {saved.Value!.Team}.");
            return Redirect("/reports/oncall" + Query());
        }
        ShowFailure(saved.Failure!, "Form.");
        await LoadAsync(keepForm: true);
        return Page();
    }

    private async Task LoadAsync(bool keepForm = false)
    {
        if (!await ResolveAsync(ownLoad: true))
            return;
        Report = await reports.OnCallAsync(Scope!, RequestAborted);
        if (Scope!.Teams.Count == 1 && Scope.SeesAmountsOf(Scope.Teams[0].Id))
        {
            var current = await settings.GetAsync(Actor, Scope.Teams[0].Id.ToString(), RequestAborted);
            Settings = current.Value;
            if (!keepForm && Settings is not null)
                Form = SettingsForm.From(Settings);
        }
    }

    public string CsvLink => "/reports/oncall" + Query() + (Query().Length == 0 ? "?" : "&") + "handler=Csv";

    /// <summary>The rates and holidays as the form writes them: holidays one per line, "2026-12-25 Christmas Day".</summary>
    public sealed class SettingsForm
    {
        public string? Currency { get; set; }

        public decimal? OnCallHour { get; set; }

        public decimal? OffHourInterruption { get; set; }

        public decimal? SleepHourInterruption { get; set; }

        public decimal? WeekendMultiplier { get; set; }

        public decimal? HolidayMultiplier { get; set; }

        public string? Holidays { get; set; }

        public static SettingsForm From(ReportSettingsDto dto) => new()
        {
            Currency = dto.Rates?.Currency,
            OnCallHour = dto.Rates?.OnCallHour,
            OffHourInterruption = dto.Rates?.OffHourInterruption,
            SleepHourInterruption = dto.Rates?.SleepHourInterruption,
            WeekendMultiplier = dto.Rates?.WeekendMultiplier,
            HolidayMultiplier = dto.Rates?.HolidayMultiplier,
            Holidays = string.Join("\n", dto.Holidays.Select(h => h.Name is null ? h.Date : $"{h.Date} {h.Name}")),
        };

        public ReportSettingsInput ToInput()
        {
            var holidays = new List<HolidayInput>();
            foreach (var line in (Holidays ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var space = line.IndexOf(' ', StringComparison.Ordinal);
                holidays.Add(space < 0 ? new HolidayInput(line) : new HolidayInput(line[..space], line[(space + 1)..].Trim()));
            }
            var currency = string.IsNullOrWhiteSpace(Currency) ? null : Currency.Trim();
            return currency is null
                ? new ReportSettingsInput(Holidays: holidays)
                : new ReportSettingsInput(currency, OnCallHour, OffHourInterruption, SleepHourInterruption, WeekendMultiplier, HolidayMultiplier, holidays);
        }

        public static string Text(decimal? value) => value?.ToString("0.####", CultureInfo.InvariantCulture) ?? "";
    }
}
