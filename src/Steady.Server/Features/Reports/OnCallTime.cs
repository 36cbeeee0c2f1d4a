using Microsoft.EntityFrameworkCore;
using NodaTime;
using Steady.Core.OnCall;
using Steady.Core.Reports;
using Steady.Server.Data;
using Steady.Server.Features.OnCall;

namespace Steady.Server.Features.Reports;

/// <summary>One schedule's final shifts over a period (overrides included, as the schedule page shows them), its level and its members.</summary>
public sealed record ScheduleTime(Schedule Schedule, bool FirstLevel, IReadOnlyList<ShiftDto> Shifts, IReadOnlyList<Guid> Members)
{
    /// <summary>A person's time on call in this schedule.</summary>
    public IReadOnlyList<Span> Of(Guid userId) =>
        Shifts.Where(s => s.UserId == userId).Select(s => new Span(Instant.FromDateTimeOffset(s.Start), Instant.FromDateTimeOffset(s.End))).ToList();
}

/// <summary>
/// Who was on call when, read from the final schedules — the one resolution the schedule pages, the API and
/// the paging engine use (<see cref="SchedulesApi.FinalAsync"/> over <see cref="ScheduleCalculator"/>). A
/// schedule is first level when some escalation policy notifies it in its first step, or when no policy
/// names it; it is a later level when policies name it only in later steps.
/// </summary>
public static class OnCallTime
{
    public static async Task<IReadOnlyList<ScheduleTime>> LoadAsync(SteadyDb db, IReadOnlySet<Guid> teamIds, Span period, CancellationToken cancellationToken)
    {
        var schedules = await db.Schedules.AsNoTracking().Where(s => teamIds.Contains(s.TeamId)).OrderBy(s => s.Name).ToListAsync(cancellationToken);
        if (schedules.Count == 0)
            return [];
        var levels = new Dictionary<Guid, int>();
        foreach (var policy in await db.EscalationPolicies.AsNoTracking().ToListAsync(cancellationToken))
        {
            var steps = policy.ReadSteps();
            for (var i = 0; i < steps.Count; i++)
            {
                foreach (var target in steps[i].Targets.Where(t => t.Kind == TargetKind.Schedule))
                    levels[target.Id] = Math.Min(levels.GetValueOrDefault(target.Id, int.MaxValue), i);
            }
        }
        var (from, to) = (period.Start.ToDateTimeOffset(), period.End.ToDateTimeOffset());
        var result = new List<ScheduleTime>();
        foreach (var schedule in schedules)
        {
            var shifts = await SchedulesApi.FinalAsync(db, schedule, from, to, cancellationToken);
            var members = Layers.Read(schedule.Layers).SelectMany(l => l.Participants)
                .Concat(shifts.Where(s => s.UserId is not null).Select(s => s.UserId!.Value))
                .Distinct()
                .ToList();
            result.Add(new ScheduleTime(schedule, levels.GetValueOrDefault(schedule.Id, 0) == 0, shifts.Where(s => s.UserId is not null).ToList(), members));
        }
        return result;
    }
}
