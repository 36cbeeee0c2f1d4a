using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Server.Features.Teams;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.OnCall;

public sealed record OverrideInput(string User, DateTimeOffset StartsAt, DateTimeOffset EndsAt);

/// <summary>
/// Someone covers part of a schedule, or stops covering it: checked and saved in one place for the API and the
/// schedule page, and the handoff notifier woken so the change is told.
/// </summary>
public sealed class OverrideCommands(SteadyDb db, TimeProvider time, WakeSignal<HandoffNotifier> handoffs)
{
    /// <summary>The longest an override may last.</summary>
    public static readonly TimeSpan MaxLength = TimeSpan.FromDays(366);

    public async Task<Outcome<(ScheduleOverrideRow Row, string UserName)>> AddAsync(Actor actor, Schedule schedule, OverrideInput input, CancellationToken cancellationToken)
    {
        if (!Permissions.CanRespondFor(actor, schedule.TeamId))
            return Failure.Forbidden("Only responders of the schedule's team can add overrides.");
        var user = string.IsNullOrWhiteSpace(input.User) ? null : await db.UserAsync(input.User, cancellationToken);
        if (user is null)
            return Failure.Invalid("user", $"There is no user '{input.User}'.");
        if (!SaneDates.Contains(input.StartsAt) || !SaneDates.Contains(input.EndsAt))
            return Failure.Invalid(SaneDates.Contains(input.StartsAt) ? "endsAt" : "startsAt", $"An override must start and end between {SaneDates.Description}.");
        if (input.EndsAt <= input.StartsAt)
            return Failure.Invalid("endsAt", "'endsAt' must be after 'startsAt'.");
        if (input.EndsAt - input.StartsAt > MaxLength)
            return Failure.Invalid("endsAt", "An override may last at most 366 days.");
        if (await TeamBoundaryChecks.PeopleAsync(db, actor, schedule.TeamId, new ConfigThing("schedule", schedule.Name), [user.Id], cancellationToken) is { } crossing)
            return crossing;
        var row = new ScheduleOverrideRow
        {
            Id = Ids.New(time),
            ScheduleId = schedule.Id,
            UserId = user.Id,
            StartsAt = input.StartsAt.ToUniversalTime(),
            EndsAt = input.EndsAt.ToUniversalTime(),
            CreatedById = actor.UserId,
            CreatedBy = actor.Name,
            CreatedAt = time.GetUtcNow(),
        };
        db.ScheduleOverrides.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        handoffs.Wake();
        return (row, user.Name);
    }

    public async Task<Outcome<ScheduleOverrideRow>> RemoveAsync(Actor actor, Schedule schedule, Guid overrideId, CancellationToken cancellationToken)
    {
        if (!Permissions.CanRespondFor(actor, schedule.TeamId))
            return Failure.Forbidden("Only responders of the schedule's team can remove overrides.");
        var row = await db.ScheduleOverrides.FirstOrDefaultAsync(o => o.Id == overrideId && o.ScheduleId == schedule.Id, cancellationToken);
        if (row is null)
            return Failure.NotFound("The override");
        db.ScheduleOverrides.Remove(row);
        await db.SaveChangesAsync(cancellationToken);
        handoffs.Wake();
        return row;
    }
}
