using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Server.Features.Teams;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.OnCall;

/// <summary>
/// Creating, changing and deleting schedules, checked and saved in one place for the API and the schedule
/// pages (a layer's rules are <see cref="Layers.Parse"/>, which <c>steady apply</c> checks with too); the
/// handoff notifier is woken so a changed rota is told.
/// </summary>
public sealed class ScheduleCommands(SteadyDb db, TimeProvider time, WakeSignal<HandoffNotifier> handoffs)
{
    public async Task<Outcome<Schedule>> CreateAsync(Actor actor, ScheduleInput input, CancellationToken cancellationToken)
    {
        var team = await TeamAsync(input.Team, cancellationToken);
        if (!team.Succeeded)
            return team.Failure!;
        if (!Permissions.CanManageTeam(actor, team.Value!.Id))
            return Failure.Forbidden($"Only admins of {team.Value.Name} can create its schedules.");
        var schedule = new Schedule { Id = Ids.New(time), Name = "", TeamId = team.Value.Id, TimeZone = "", Layers = "[]", CreatedAt = time.GetUtcNow() };
        if (await ApplyAsync(actor, schedule, input with { Layers = input.Layers ?? [] }, creating: true, cancellationToken) is { } invalid)
            return invalid;
        db.Schedules.Add(schedule);
        return await SaveAsync(schedule, cancellationToken);
    }

    public async Task<Outcome<Schedule>> UpdateAsync(Actor actor, Guid scheduleId, ScheduleInput input, CancellationToken cancellationToken)
    {
        var found = await db.Schedules.FirstOrDefaultAsync(s => s.Id == scheduleId, cancellationToken);
        if (found is null)
            return Failure.NotFound("The schedule");
        if (!Permissions.CanManageTeam(actor, found.TeamId))
            return Failure.Forbidden("Only admins of the schedule's team can change it.");
        if (input.Team is not null)
            return Failure.Invalid("team", "A schedule's team cannot be changed; create a schedule in the other team.");
        if (await ApplyAsync(actor, found, input, creating: false, cancellationToken) is { } invalid)
            return invalid;
        // Nothing changed: no new version and no audit entry (steady apply's "unchanged").
        db.ChangeTracker.DetectChanges();
        if (db.Entry(found).State == EntityState.Modified)
            found.Version++;
        return await SaveAsync(found, cancellationToken);
    }

    public async Task<Outcome<Schedule>> DeleteAsync(Actor actor, Guid scheduleId, CancellationToken cancellationToken)
    {
        var found = await db.Schedules.FirstOrDefaultAsync(s => s.Id == scheduleId, cancellationToken);
        if (found is null)
            return Failure.NotFound("The schedule");
        if (!Permissions.CanManageTeam(actor, found.TeamId))
            return Failure.Forbidden("Only admins of the schedule's team can delete it.");
        var pagedBy = (await db.EscalationPolicies.AsNoTracking().ToListAsync(cancellationToken))
            .Where(p => p.ReadSteps().Any(step => step.Targets.Any(t => t.Kind == TargetKind.Schedule && t.Id == found.Id))).Select(p => p.Name).ToList();
        if (pagedBy.Count > 0)
            return Failure.Conflict($"Escalation policies page through {found.Name} ({string.Join(", ", pagedBy.Take(5))}); change them first.");
        db.ScheduleOverrides.RemoveRange(await db.ScheduleOverrides.Where(o => o.ScheduleId == found.Id).ToListAsync(cancellationToken));
        db.HandoffNotices.RemoveRange(await db.HandoffNotices.Where(n => n.ScheduleId == found.Id).ToListAsync(cancellationToken));
        db.CalendarFeeds.RemoveRange(await db.CalendarFeeds.Where(f => f.Kind == CalendarFeed.ScheduleKind && f.SubjectId == found.Id).ToListAsync(cancellationToken));
        db.Schedules.Remove(found);
        await db.SaveChangesAsync(cancellationToken);
        return found;
    }

    /// <summary>
    /// The schedule the input would make, checked as saving would check it but not saved (the console's preview):
    /// the saved schedule's overrides apply to it. Nothing is tracked, so nothing can be written by accident.
    /// </summary>
    public async Task<Outcome<Schedule>> PreviewAsync(Guid? scheduleId, ScheduleInput input, CancellationToken cancellationToken)
    {
        var existing = scheduleId is { } id ? await db.Schedules.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken) : null;
        if (scheduleId is not null && existing is null)
            return Failure.NotFound("The schedule");
        var draft = new Schedule
        {
            Id = existing?.Id ?? Guid.Empty,
            Name = existing?.Name ?? "",
            TeamId = existing?.TeamId ?? Guid.Empty,
            TimeZone = existing?.TimeZone ?? "",
            Description = existing?.Description,
            Layers = existing?.Layers ?? "[]",
            CreatedAt = existing?.CreatedAt ?? time.GetUtcNow(),
        };
        if (await ApplyAsync(null, draft, existing is null ? input with { Layers = input.Layers ?? [] } : input, creating: existing is null, cancellationToken) is { } invalid)
            return invalid;
        return draft;
    }

    private async Task<Outcome<Team>> TeamAsync(string? team, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(team))
            return Failure.Invalid("team", "'team' is required: the team that owns the schedule (name or id).");
        return await db.TeamAsync(team, cancellationToken) is { } found ? found : Failure.Invalid("team", $"There is no team '{team}'.");
    }

    /// <summary>
    /// The people the layers name, looked up in the database; the one check below; then, for an <paramref name="actor"/>
    /// (not for a preview, which has none), that the people it adds are the team's or the actor administers theirs too
    /// (<see cref="TeamBoundaryChecks"/>); and only then the change (<see cref="Apply"/>).
    /// </summary>
    private async Task<Failure?> ApplyAsync(Actor? actor, Schedule schedule, ScheduleInput input, bool creating, CancellationToken cancellationToken)
    {
        var people = (input.Layers ?? []).SelectMany(l => l.Participants ?? []).Distinct().ToList();
        var known = (await db.Users.Where(u => people.Contains(u.Id)).Select(u => u.Id).ToListAsync(cancellationToken)).ToHashSet();
        if (Check(schedule, input, creating, known.Contains) is { } invalid)
            return invalid;
        if (actor is not null && input.Layers is { } given)
        {
            var added = given.SelectMany(l => l.Participants ?? []).Except(Layers.Read(schedule.Layers).SelectMany(l => l.Participants));
            if (await TeamBoundaryChecks.PeopleAsync(db, actor, schedule.TeamId, new ConfigThing("schedule", (input.Name ?? schedule.Name).Trim()), added, cancellationToken) is { } crossing)
                return crossing;
        }
        return Apply(schedule, input, creating, known.Contains);
    }

    /// <summary>
    /// The one check of a schedule: every field, naming each that is wrong; changes nothing. The API, the console and
    /// <c>steady apply</c> (whose people may be new in the same file: it says who is a person through
    /// <paramref name="isPerson"/>) all come here, through <see cref="Apply"/>.
    /// </summary>
    public static Failure? Check(Schedule schedule, ScheduleInput input, bool creating, Func<Guid, bool> isPerson) =>
        Validate(schedule, input, creating, isPerson).Failure;

    /// <summary><see cref="Check"/>, then the change when all is right.</summary>
    public static Failure? Apply(Schedule schedule, ScheduleInput input, bool creating, Func<Guid, bool> isPerson)
    {
        var (invalid, name, zone) = Validate(schedule, input, creating, isPerson);
        if (invalid is not null)
            return invalid;
        schedule.Name = name!.Trim();
        schedule.TimeZone = zone!;
        if (input.Description is not null)
            schedule.Description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim();
        if (input.Layers is not null)
            schedule.Layers = Layers.Write(input.Layers);
        return null;
    }

    private static (Failure? Failure, string? Name, string? Zone) Validate(Schedule schedule, ScheduleInput input, bool creating, Func<Guid, bool> isPerson)
    {
        var validation = new Validation();
        var name = input.Name ?? (creating ? null : schedule.Name);
        validation.PathName("name", name);
        var zone = input.TimeZone ?? (creating ? null : schedule.TimeZone);
        validation.TimeZone("timeZone", zone);
        validation.Text("description", input.Description, 2000);
        var errors = new List<string>();
        if (input.Layers is { } layers)
        {
            if (layers.Count > 20)
                errors.Add("layers: at most 20 layers.");
            for (var i = 0; i < layers.Count; i++)
                Layers.Parse(layers[i], $"layers[{i}]", errors);
            foreach (var missing in layers.SelectMany(l => l.Participants ?? []).Distinct().Where(p => !isPerson(p)))
                errors.Add($"layers: there is no user {missing}.");
        }
        foreach (var error in errors)
            validation.Add("layers", error);
        return (validation.ToFailure(), name, zone);
    }

    private async Task<Outcome<Schedule>> SaveAsync(Schedule schedule, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return Failure.Conflict($"A schedule named '{schedule.Name}' already exists.");
        }
        catch (DbUpdateConcurrencyException)
        {
            return Failure.Conflict("The schedule was changed meanwhile; reload and try again.");
        }
        handoffs.Wake();
        return schedule;
    }
}
