using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Server.Data;
using Steady.Server.Features.OnCall;

namespace Steady.Server.Features.OnCall.Schedules;

/// <summary>Every schedule with who is on call now and who comes next.</summary>
public sealed class SchedulesModel(SteadyDb db, TimeProvider time) : ConsolePage
{
    public IReadOnlyList<OnCallSummary> Schedules { get; private set; } = [];

    /// <summary>Whether the person administers a team, so can make schedules.</summary>
    public bool CanCreate { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        Schedules = await OnCallSummary.ForAllAsync(db, time.GetUtcNow(), RequestAborted);
        CanCreate = Actor.IsAdmin || Actor.Teams.Values.Any(role => role == Steady.Core.Accounts.TeamRole.Admin);
        return Page();
    }
}

/// <summary>A schedule at a glance: who is on call now, until when (null: the next 14 days at least), and who is next (shared by the home page and the schedules list).</summary>
public sealed record OnCallSummary(Guid ScheduleId, string Schedule, string Team, string TimeZone, string? Now, DateTimeOffset? Until, string? Next, DateTimeOffset? NextFrom, int Gaps)
{
    public static async Task<IReadOnlyList<OnCallSummary>> ForAllAsync(SteadyDb db, DateTimeOffset now, CancellationToken cancellationToken, int max = 200)
    {
        var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
        var result = new List<OnCallSummary>();
        foreach (var schedule in await db.Schedules.AsNoTracking().OrderBy(s => s.Name).Take(max).ToListAsync(cancellationToken))
        {
            var shifts = await SchedulesApi.FinalAsync(db, schedule, now, now.AddDays(14), cancellationToken);
            var current = shifts.FirstOrDefault();
            var next = shifts.Skip(1).FirstOrDefault(s => s.UserId != current?.UserId);
            result.Add(new OnCallSummary(schedule.Id, schedule.Name, teams.GetValueOrDefault(schedule.TeamId, "?"), schedule.TimeZone,
                current?.UserName, next is null ? null : current?.End, next?.UserName, next?.Start, shifts.Count(s => s.UserId is null)));
        }
        return result;
    }
}
