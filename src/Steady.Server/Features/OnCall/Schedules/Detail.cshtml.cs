using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using NodaTime.Text;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Server.Features.OnCall;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.OnCall.Schedules;

/// <summary>One schedule: its layers, the final schedule on a 14-day timeline with gaps marked, overrides, and its calendar feed.</summary>
public sealed class ScheduleDetailModel(SteadyDb db, TimeProvider time, OverrideCommands overrides, ScheduleCommands schedules) : ConsolePage
{
    public const int Days = 14;

    public Schedule Schedule { get; private set; } = null!;

    public DateTimeZone Zone { get; private set; } = DateTimeZone.Utc;

    public string TeamName { get; private set; } = "";

    public IReadOnlyList<(LayerDefinition Layer, IReadOnlyList<string> People)> Layers { get; private set; } = [];

    public IReadOnlyList<TimelineDay> Timeline { get; private set; } = [];

    public IReadOnlyList<ShiftDto> Shifts { get; private set; } = [];

    public IReadOnlyList<(Guid Id, string Person, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string CreatedBy)> Overrides { get; private set; } = [];

    public IReadOnlyList<(Guid Id, string Name)> People { get; private set; } = [];

    public bool CanRespond { get; private set; }

    public bool CanManage { get; private set; }

    /// <summary>Why the schedule could not be deleted, shown by the delete button.</summary>
    public string? DeleteError { get; private set; }

    [BindProperty]
    public Guid OverrideUser { get; set; }

    [BindProperty]
    public string? OverrideStart { get; set; }

    [BindProperty]
    public string? OverrideEnd { get; set; }

    /// <summary><paramref name="cover"/>: a shift's start and end ("START_END" in local time) to fill the override form with, from the shift's "Cover" link.</summary>
    public async Task<IActionResult> OnGetAsync(Guid id, string? cover)
    {
        if (!await LoadAsync(id))
            return NotFound();
        if (cover?.Split('_') is [var coverFrom, var coverTo])
        {
            OverrideStart = coverFrom;
            OverrideEnd = coverTo;
            return Page();
        }
        var start = time.GetUtcNow();
        var hour = Instant.FromDateTimeOffset(start).InZone(Zone).LocalDateTime;
        var from = Zone.ResolveLocal(hour.Date.At(new LocalTime(hour.Hour, 0)).PlusHours(1), ScheduleCalculator.Resolver).ToDateTimeOffset();
        OverrideStart = Zoned.Input(from, Zone);
        OverrideEnd = Zoned.Input(from.AddHours(8), Zone);
        return Page();
    }

    public async Task<IActionResult> OnPostOverrideAsync(Guid id)
    {
        if (!await LoadAsync(id))
            return NotFound();
        var pattern = LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm");
        var start = pattern.Parse(OverrideStart ?? "");
        var end = pattern.Parse(OverrideEnd ?? "");
        if (!start.Success || !end.Success)
        {
            ModelState.AddModelError(string.Empty, "Give the override's start and end as dates and times.");
            return Page();
        }
        if (start.Value.Year is < 2000 or > 2100 || end.Value.Year is < 2000 or > 2100)
        {
            // Before they become instants: year 1 or 9999 in a zone with an offset is no instant .NET can hold (a 500).
            ModelState.AddModelError(string.Empty, $"An override must start and end between {SaneDates.Description}.");
            return Page();
        }
        var outcome = await overrides.AddAsync(Actor, Schedule, new OverrideInput(OverrideUser.ToString(),
            Zone.ResolveLocal(start.Value, ScheduleCalculator.Resolver).ToDateTimeOffset(), Zone.ResolveLocal(end.Value, ScheduleCalculator.Resolver).ToDateTimeOffset()), RequestAborted);
        if (!outcome.Succeeded)
        {
            ShowFailure(outcome.Failure!);
            return Page();
        }
        Notice($"{outcome.Value.UserName} covers {Schedule.Name} from {Zoned.Format(outcome.Value.Row.StartsAt, Schedule.TimeZone)} to {Zoned.Format(outcome.Value.Row.EndsAt, Schedule.TimeZone)}.");
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostRemoveOverrideAsync(Guid id, Guid overrideId)
    {
        if (!await LoadAsync(id))
            return NotFound();
        var outcome = await overrides.RemoveAsync(Actor, Schedule, overrideId, RequestAborted);
        if (outcome.Failure is { Kind: FailureKind.Forbidden })
            return StatusCode(StatusCodes.Status403Forbidden);
        if (outcome.Succeeded)
            Notice("Override removed.");
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id)
    {
        if (!await LoadAsync(id))
            return NotFound();
        var outcome = await schedules.DeleteAsync(Actor, id, RequestAborted);
        if (outcome.Failure is { Kind: FailureKind.Forbidden })
            return StatusCode(StatusCodes.Status403Forbidden);
        if (!outcome.Succeeded)
        {
            DeleteError = outcome.Failure!.Detail;
            return Page();
        }
        Notice($"Schedule {Schedule.Name} deleted.");
        return Redirect("/schedules");
    }

    public async Task<IActionResult> OnPostFeedAsync(Guid id)
    {
        if (!await LoadAsync(id))
            return NotFound();
        if (!CanRespond)
            return StatusCode(StatusCodes.Status403Forbidden);
        var feed = await CalendarFeeds.IssueAsync(db, CalendarFeed.ScheduleKind, id, Actor.Name, HttpContext.PublicUrl(), time, RequestAborted);
        TempData["FeedUrl"] = feed.Url;
        Notice("A new calendar feed URL was made; any earlier one no longer works. Copy it now: it is not shown again.");
        return RedirectToPage(new { id });
    }

    private async Task<bool> LoadAsync(Guid id)
    {
        var schedule = await db.Schedules.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, RequestAborted);
        if (schedule is null)
            return false;
        Schedule = schedule;
        Zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(schedule.TimeZone) ?? DateTimeZone.Utc;
        TeamName = await db.Teams.Where(t => t.Id == schedule.TeamId).Select(t => t.Name).FirstAsync(RequestAborted);
        CanRespond = Permissions.CanRespondFor(Actor, schedule.TeamId);
        CanManage = Permissions.CanManageTeam(Actor, schedule.TeamId);
        var users = await db.Users.AsNoTracking().ToDictionaryAsync(u => u.Id, u => u, RequestAborted);
        Layers = Core.OnCall.Layers.Read(schedule.Layers).Select(l => (l, (IReadOnlyList<string>)l.Participants.Select(p => users.TryGetValue(p, out var u) ? u.Name : "(deleted)").ToList())).ToList();
        People = users.Values.Where(u => u.DisabledAt is null).OrderBy(u => u.Name).Select(u => (u.Id, u.Name)).ToList();

        var now = time.GetUtcNow();
        var today = Instant.FromDateTimeOffset(now).InZone(Zone).Date;
        var from = Zone.AtStartOfDay(today).ToDateTimeOffset();
        var to = Zone.AtStartOfDay(today.PlusDays(Days)).ToDateTimeOffset();
        var shifts = await SchedulesApi.FinalAsync(db, schedule, from, to, RequestAborted);
        Shifts = shifts.Where(s => s.End > now).ToList();
        Timeline = ScheduleTimeline.Build(shifts, Zone, today, Days, now, await ScheduleTimeline.ColoursAsync(db, RequestAborted));
        var overrides = await db.ScheduleOverrides.AsNoTracking().Where(o => o.ScheduleId == id && o.EndsAt > now).OrderBy(o => o.StartsAt).ToListAsync(RequestAborted);
        Overrides = overrides.Select(o => (o.Id, users.TryGetValue(o.UserId, out var u) ? u.Name : "(deleted)", o.StartsAt, o.EndsAt, o.CreatedBy)).ToList();
        return true;
    }
}
