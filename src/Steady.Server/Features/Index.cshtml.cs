using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Accounts;
using Steady.Core.Alerts;
using Steady.Server.Data;
using Steady.Server.Features.Incidents;
using Steady.Server.Features.OnCall;
using Steady.Server.Features.OnCall.Schedules;

namespace Steady.Server.Features;

/// <summary>
/// Home is about the person signed in: whether they are on call now or next, the open alerts of
/// their teams' services, the open incidents they hold a role in, the updates they owe as
/// communications lead; the organization's counts come after.
/// </summary>
public sealed class HomeModel(SteadyDb db, TimeProvider time, Microsoft.Extensions.Options.IOptions<Backups.BackupOptions> backups) : ConsolePage
{
    public sealed record MyShift(Guid ScheduleId, string Schedule, string TimeZone, DateTimeOffset Start, DateTimeOffset End);

    public sealed record OwedUpdate(int Number, string Title, string Severity, DateTimeOffset? DueAt);

    public DateTimeOffset Now { get; private set; }

    /// <summary>The actor's shift going on now, if any.</summary>
    public MyShift? OnCallNow { get; private set; }

    /// <summary>The actor's next shift in the coming 14 days (after the current one).</summary>
    public MyShift? OnCallNext { get; private set; }

    public IReadOnlyList<Alert> MyAlerts { get; private set; } = [];

    public int MyAlertsTotal { get; private set; }

    public IReadOnlyDictionary<Guid, string> ServiceNames { get; private set; } = new Dictionary<Guid, string>();

    public IReadOnlyList<IncidentSummaryDto> MyIncidents { get; private set; } = [];

    public IReadOnlyList<OwedUpdate> UpdatesOwed { get; private set; } = [];

    public int OpenAlerts { get; private set; }

    public IReadOnlyList<OnCallSummary> OnCall { get; private set; } = [];

    public int Services { get; private set; }

    /// <summary>For organization admins: the last good backup and the next scheduled one.</summary>
    public Backups.BackupSummary? Backup { get; private set; }

    public int Teams { get; private set; }

    public int People { get; private set; }

    public IReadOnlyList<(Guid Id, string Name, TeamRole Role)> MyTeams { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        Now = time.GetUtcNow();
        await LoadMyShiftsAsync();
        await LoadMyAlertsAsync();
        var incidents = await IncidentsApi.ListAsync(db, Actor.UserId, new IncidentsApi.ListFilter("open", null, null, true), 50, null, RequestAborted);
        MyIncidents = incidents.Succeeded ? incidents.Value! : [];
        UpdatesOwed = MyIncidents.Where(i => i.MyRoles.Contains("communications-lead"))
            .Select(i => new OwedUpdate(i.Number, i.Title, i.Severity, i.NextUpdateDueAt)).OrderBy(u => u.DueAt ?? DateTimeOffset.MaxValue).ToList();

        OnCall = await OnCallSummary.ForAllAsync(db, Now, RequestAborted, max: 20);
        OpenAlerts = await db.Alerts.CountAsync(a => a.Status != AlertStatus.Resolved, RequestAborted);
        Services = await db.Services.CountAsync(RequestAborted);
        Teams = await db.Teams.CountAsync(RequestAborted);
        People = await db.Users.CountAsync(u => u.DisabledAt == null, RequestAborted);
        if (Actor.IsAdmin)
            Backup = await Backups.BackupSummary.LoadAsync(db, backups.Value, Now, RequestAborted);
        var mine = await db.Memberships.AsNoTracking().Where(m => m.UserId == Actor.UserId)
            .Join(db.Teams, m => m.TeamId, t => t.Id, (m, t) => new { t.Id, t.Name, m.Role }).ToListAsync(RequestAborted);
        MyTeams = mine.OrderBy(t => t.Name).Select(t => (t.Id, t.Name, t.Role)).ToList();
        return Page();
    }

    /// <summary>The actor's shifts over the next 14 days, from every schedule's final layer (overrides included).</summary>
    private async Task LoadMyShiftsAsync()
    {
        var shifts = new List<MyShift>();
        foreach (var schedule in await db.Schedules.AsNoTracking().OrderBy(s => s.Name).Take(200).ToListAsync(RequestAborted))
        {
            foreach (var shift in await SchedulesApi.FinalAsync(db, schedule, Now, Now.AddDays(14), RequestAborted))
            {
                if (shift.UserId == Actor.UserId)
                    shifts.Add(new MyShift(schedule.Id, schedule.Name, schedule.TimeZone, shift.Start, shift.End));
            }
        }
        OnCallNow = shifts.Where(s => s.Start <= Now && Now < s.End).OrderByDescending(s => s.End).FirstOrDefault();
        OnCallNext = shifts.Where(s => s.Start > Now && (OnCallNow is null || s.Start >= OnCallNow.End)).OrderBy(s => s.Start).FirstOrDefault();
    }

    /// <summary>Open alerts on the services of the actor's teams, the most severe first.</summary>
    private async Task LoadMyAlertsAsync()
    {
        var teamIds = Actor.Teams.Keys.ToList();
        var services = await db.Services.AsNoTracking().Where(s => teamIds.Contains(s.TeamId)).Select(s => new { s.Id, s.Name }).ToListAsync(RequestAborted);
        ServiceNames = services.ToDictionary(s => s.Id, s => s.Name);
        var ids = services.Select(s => s.Id).ToList();
        var open = db.Alerts.AsNoTracking().Where(a => ids.Contains(a.ServiceId) && a.Status != AlertStatus.Resolved);
        MyAlertsTotal = await open.CountAsync(RequestAborted);
        var rows = await open.OrderByDescending(a => a.LastSeenAt).Take(200).ToListAsync(RequestAborted);
        MyAlerts = rows.OrderByDescending(a => a.Severity).ThenBy(a => a.Status).ThenByDescending(a => a.LastSeenAt).Take(10).ToList();
    }
}
