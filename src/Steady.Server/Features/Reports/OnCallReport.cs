using Microsoft.EntityFrameworkCore;
using NodaTime;
using NodaTime.Text;
using Steady.Core.Reports;
using Steady.Server.Data;

namespace Steady.Server.Features.Reports;

/// <summary>
/// The on-call load report: from the final schedules (overrides included) and the pages actually sent, each
/// person's hours, interruptions, acknowledgements, broken rest and — for the team's admins — estimated
/// compensation, per team; the fairness of each rotation; the interruptions heatmap. Members of a team see
/// its people; everyone sees their own load; rates and amounts only the team's admins. The figures are
/// Core's (<see cref="OnCallLoad"/>, <see cref="Fairness"/>); this class only reads the rows they need.
/// </summary>
public sealed class OnCallReport(SteadyDb db, ReportRunner runner, IServiceScopeFactory scopes)
{
    /// <summary>
    /// The report of <paramref name="scope"/>. Computed in the report worker process (<see cref="ReportWorkerProcess"/>), on
    /// its runner's thread (<see cref="ReportRunner"/>); the server asks for it through <see cref="ReportWorker"/>.
    /// </summary>
    public async Task<OnCallReportDto> ComputeAsync(ReportScope scope, CancellationToken cancellationToken)
    {
        var teamIds = scope.TeamIds;
        var period = scope.Period;
        var schedules = await OnCallTime.LoadAsync(db, teamIds, period, cancellationToken);
        var pages = (await SentPages.LoadAsync(db, period, cancellationToken)).Where(p => teamIds.Contains(p.TeamId)).ToList();
        var escalated = await SentPages.EscalatedPastAsync(db, pages, cancellationToken);
        var acknowledged = await Acknowledgements.LoadAsync(db, scopes, period, runner.Scratch(Acknowledgements.Tally.For, t => t.Largest), cancellationToken);
        var settings = await db.Set<TeamReportSettings>().AsNoTracking().Where(s => teamIds.Contains(s.TeamId)).ToDictionaryAsync(s => s.TeamId, cancellationToken);

        var keys = schedules.SelectMany(s => s.Shifts.Select(x => (s.Schedule.TeamId, UserId: x.UserId!.Value)))
            .Concat(pages.Select(p => (p.TeamId, p.UserId)))
            .Concat(acknowledged.Keys.Where(k => teamIds.Contains(k.TeamId)))
            .Concat(schedules.SelectMany(s => s.Members.Select(m => (s.Schedule.TeamId, UserId: m))))
            .ToHashSet();
        var userIds = keys.Select(k => k.UserId).Distinct().ToList();
        var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, cancellationToken);
        var pagesOf = pages.ToLookup(p => (p.TeamId, p.UserId), p => p.At);

        var teams = new List<TeamLoadDto>();
        foreach (var team in scope.Teams)
        {
            var whole = scope.Sees(team.Id);
            var withAmounts = scope.SeesAmountsOf(team.Id);
            var row = settings.GetValueOrDefault(team.Id);
            var holidays = row?.ReadHolidays() ?? [];
            var rates = withAmounts ? row?.Rates : null;
            var teamSchedules = schedules.Where(s => s.Schedule.TeamId == team.Id).ToList();
            var loads = new Dictionary<Guid, Load>();
            var calendars = new Dictionary<Guid, WorkCalendar>();
            foreach (var (_, userId) in keys.Where(k => k.TeamId == team.Id))
            {
                if (!users.TryGetValue(userId, out var user))
                    continue;
                var calendar = new WorkCalendar(DateTimeZoneProviders.Tzdb.GetZoneOrNull(user.TimeZone) ?? DateTimeZone.Utc, holidays.Select(h => h.Date));
                calendars[userId] = calendar;
                loads[userId] = OnCallLoad.Of(new LoadInput(
                    calendar,
                    period,
                    teamSchedules.Where(s => s.FirstLevel).SelectMany(s => s.Of(userId)).ToList(),
                    teamSchedules.Where(s => !s.FirstLevel).SelectMany(s => s.Of(userId)).ToList(),
                    pagesOf[(team.Id, userId)].ToList(),
                    acknowledged.GetValueOrDefault((team.Id, userId)),
                    escalated.GetValueOrDefault((team.Id, userId)),
                    rates));
            }
            var shown = loads.Where(l => whole || l.Key == scope.Actor.UserId)
                .Where(l => l.Value.OnCall > Duration.Zero || l.Value.Pages > 0 || l.Value.Acknowledgements > 0 || !whole)
                .ToList();
            if (!whole && shown.Count == 0)
                continue;
            var heatmap = Enumerable.Range(0, 7).Select(_ => new int[24]).ToArray();
            foreach (var (userId, load) in shown)
                OnCallLoad.Heatmap(calendars[userId], load.Interruptions, heatmap);
            var people = shown
                .OrderByDescending(l => l.Value.OnCall).ThenByDescending(l => l.Value.Pages).ThenBy(l => users[l.Key].Name, StringComparer.OrdinalIgnoreCase)
                .Select(l => Person(users[l.Key], l.Value, rates))
                .ToList();
            var fairness = whole ? teamSchedules.Select(s => FairnessOf(s, loads, users)).ToList() : [];
            teams.Add(new TeamLoadDto(team.Id, team.Name, RatesDto.From(rates), holidays.Select(HolidayDto.From).ToList(), people, fairness, heatmap,
                rates is null ? null : people.Sum(p => p.Compensation!.Total)));
        }
        return new OnCallReportDto(period.Start.ToDateTimeOffset(), period.End.ToDateTimeOffset(), teams);
    }

    private static PersonLoadDto Person(Core.Accounts.User user, Load load, CompensationRates? rates) => new(
        user.Id,
        user.Name,
        user.Email,
        user.TimeZone,
        new HoursDto(Hours(load.OnCall), Hours(load.FirstLevel), Hours(load.LaterLevel), Hours(load.Hours.In(Band.Business)), Hours(load.Hours.In(Band.Off)),
            Hours(load.Hours.In(Band.Sleep)), Hours(load.Weekend), Hours(load.Holiday), Hours(load.LongestStretch)),
        load.Pages,
        new InterruptionsDto(load.Interruptions.Count, load.InterruptionsIn(Band.Business), load.InterruptionsIn(Band.Off), load.InterruptionsIn(Band.Sleep)),
        load.Acknowledgements,
        load.EscalatedPast,
        load.BrokenRest.Select(w => new RestWeekDto(LocalDatePattern.Iso.Format(w.Monday), Hours(w.OnCall), w.Interruptions,
            w.ConsecutiveNights.Select(n => LocalDatePattern.Iso.Format(n)).ToList(), w.OverWeeklyLimit, w.Reasons)).ToList(),
        rates is null || load.Amount is null ? null : new AmountDto(rates.Currency, load.Amount.ForHours, load.Amount.ForInterruptions, load.Amount.Total));

    private static RotationFairnessDto FairnessOf(ScheduleTime schedule, Dictionary<Guid, Load> loads, Dictionary<Guid, Core.Accounts.User> users)
    {
        var members = schedule.Members.Where(users.ContainsKey)
            .Select(m => new RotationMember(m, Spans.Total(Spans.Union(schedule.Of(m))), loads.TryGetValue(m, out var load) ? load.InterruptionsIn(Band.Sleep) : 0))
            .ToList();
        var figures = Fairness.Of(members);
        SpreadDto Spread(Spread s) => new(Round(s.Min), Round(s.Max), Round(s.Mean), Round(s.Range), s.Most, s.Most is { } id ? users[id].Name : null, Round(s.ShareOfMost, 4));
        return new RotationFairnessDto(schedule.Schedule.Id, schedule.Schedule.Name, schedule.FirstLevel,
            members.Select(m => new RotationMemberDto(m.UserId, users[m.UserId].Name, Hours(m.Hours), m.SleepInterruptions)).ToList(),
            Spread(figures.Hours), Spread(figures.SleepInterruptions));
    }

    /// <summary>Hours to two decimals (half away from zero): what the JSON and the CSV both show.</summary>
    public static decimal Hours(Duration duration) => Math.Round(HoursByBand.Hours(duration), 2, MidpointRounding.AwayFromZero);

    private static decimal Round(double value, int decimals = 2) => Math.Round((decimal)value, decimals, MidpointRounding.AwayFromZero);
}
