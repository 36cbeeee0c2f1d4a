using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Server.Features.Accounts;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.OnCall;

public sealed record ScheduleInput(string? Name = null, string? Team = null, string? TimeZone = null, string? Description = null, IReadOnlyList<LayerDefinition>? Layers = null);

public sealed record ScheduleDto(Guid Id, string Name, Guid TeamId, string TimeZone, string? Description, IReadOnlyList<LayerDefinition> Layers, DateTimeOffset CreatedAt);

public sealed record OverrideDto(Guid Id, Guid UserId, string UserName, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string CreatedBy);

public sealed record ShiftDto(Guid? UserId, string? UserName, DateTimeOffset Start, DateTimeOffset End, string Source);

public sealed record FinalScheduleDto(Guid ScheduleId, string Name, string TimeZone, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<ShiftDto> Shifts, IReadOnlyList<ShiftDto> Gaps);

public sealed record OnCallDto(Guid ScheduleId, string Schedule, Guid TeamId, Guid? UserId, string? UserName, string? Email, DateTimeOffset? Until, string Source);

/// <summary>Schedules: layers, overrides, the final schedule, and who is on call now.</summary>
public static class SchedulesApi
{
    private static readonly TimeSpan MaxWindow = TimeSpan.FromDays(366);

    public static RouteGroupBuilder MapSchedulesApi(this RouteGroupBuilder api)
    {
        var schedules = api.MapGroup("/schedules").WithTags("Schedules");
        schedules.MapGet("/", List).WithSummary("Schedules");
        schedules.MapPost("/", Create).WithSummary("Create a schedule (admins of its team)");
        schedules.MapGet("/{schedule}", Get).WithSummary("A schedule by id or name, with its upcoming overrides");
        schedules.MapPatch("/{schedule}", Update).WithSummary("Change a schedule's name, zone, description or layers (admins of its team)");
        schedules.MapDelete("/{schedule}", Delete).WithSummary("Delete a schedule (admins of its team)");
        schedules.MapGet("/{schedule}/final", Final).WithSummary("The final schedule for a window (?from=&to=, default the next 7 days): who, when, from which layer, and the gaps");
        schedules.MapPost("/{schedule}/overrides", AddOverride).WithSummary("Someone covers part of the schedule (responders of its team)");
        schedules.MapDelete("/{schedule}/overrides/{id:guid}", RemoveOverride).WithSummary("Remove an override (responders of its team)");
        api.MapGet("/oncall", OnCall).WithTags("Schedules").WithSummary("Who is on call now (or ?at=) in every schedule, and until when");
        return api;
    }

    private static async Task<Ok<IReadOnlyList<ScheduleDto>>> List(SteadyDb db, CancellationToken cancellationToken)
    {
        var rows = await db.Schedules.AsNoTracking().OrderBy(s => s.Name).ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<ScheduleDto>>(rows.Select(Dto).ToList());
    }

    private static async Task<Results<Created<ScheduleDto>, ProblemHttpResult>> Create(ScheduleInput input, SteadyDb db, ActorAccessor actors, TimeProvider time, WakeSignal<HandoffNotifier> handoffs, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(input.Team))
            return Failure.Invalid("team", "'team' is required: the team that owns the schedule (name or id).").ToProblem();
        var team = await db.TeamAsync(input.Team, cancellationToken);
        if (team is null)
            return Failure.Invalid("team", $"There is no team '{input.Team}'.").ToProblem();
        if (!Permissions.CanManageTeam(await actors.RequireAsync(cancellationToken), team.Id))
            return Problems.Forbidden($"Only admins of {team.Name} can create its schedules.");
        var schedule = new Schedule { Id = Ids.New(time), Name = "", TeamId = team.Id, TimeZone = "", Layers = "[]", CreatedAt = time.GetUtcNow() };
        if (await ApplyAsync(db, schedule, input with { Layers = input.Layers ?? [] }, creating: true, cancellationToken) is { } invalid)
            return invalid.ToProblem();
        db.Schedules.Add(schedule);
        if (await SaveAsync(db, schedule, cancellationToken) is { } conflict)
            return conflict.ToProblem();
        handoffs.Wake();
        return TypedResults.Created($"/api/v1/schedules/{schedule.Id}", Dto(schedule));
    }

    private static async Task<Results<Ok<ScheduleDto>, ProblemHttpResult>> Get(string schedule, SteadyDb db, CancellationToken cancellationToken)
    {
        var found = await db.ScheduleAsync(schedule, false, cancellationToken);
        return found is null ? Problems.NotFound($"Schedule '{schedule}'") : TypedResults.Ok(Dto(found));
    }

    private static async Task<Results<Ok<ScheduleDto>, ProblemHttpResult>> Update(string schedule, ScheduleInput input, SteadyDb db, ActorAccessor actors, WakeSignal<HandoffNotifier> handoffs, CancellationToken cancellationToken)
    {
        var found = await db.ScheduleAsync(schedule, true, cancellationToken);
        if (found is null)
            return Problems.NotFound($"Schedule '{schedule}'");
        if (!Permissions.CanManageTeam(await actors.RequireAsync(cancellationToken), found.TeamId))
            return Problems.Forbidden("Only admins of the schedule's team can change it.");
        if (input.Team is not null)
            return Failure.Invalid("team", "A schedule's team cannot be changed; create a schedule in the other team.").ToProblem();
        if (await ApplyAsync(db, found, input, creating: false, cancellationToken) is { } invalid)
            return invalid.ToProblem();
        found.Version++;
        if (await SaveAsync(db, found, cancellationToken) is { } conflict)
            return conflict.ToProblem();
        handoffs.Wake();
        return TypedResults.Ok(Dto(found));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string schedule, SteadyDb db, ActorAccessor actors, CancellationToken cancellationToken)
    {
        var found = await db.ScheduleAsync(schedule, true, cancellationToken);
        if (found is null)
            return Problems.NotFound($"Schedule '{schedule}'");
        if (!Permissions.CanManageTeam(await actors.RequireAsync(cancellationToken), found.TeamId))
            return Problems.Forbidden("Only admins of the schedule's team can delete it.");
        var pagedBy = (await db.EscalationPolicies.AsNoTracking().ToListAsync(cancellationToken))
            .Where(p => p.ReadSteps().Any(step => step.Targets.Any(t => t.Kind == TargetKind.Schedule && t.Id == found.Id))).Select(p => p.Name).ToList();
        if (pagedBy.Count > 0)
            return Failure.Conflict($"Escalation policies page through {found.Name} ({string.Join(", ", pagedBy.Take(5))}); change them first.").ToProblem();
        db.ScheduleOverrides.RemoveRange(await db.ScheduleOverrides.Where(o => o.ScheduleId == found.Id).ToListAsync(cancellationToken));
        db.HandoffNotices.RemoveRange(await db.HandoffNotices.Where(n => n.ScheduleId == found.Id).ToListAsync(cancellationToken));
        db.CalendarFeeds.RemoveRange(await db.CalendarFeeds.Where(f => f.Kind == CalendarFeed.ScheduleKind && f.SubjectId == found.Id).ToListAsync(cancellationToken));
        db.Schedules.Remove(found);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<FinalScheduleDto>, ProblemHttpResult>> Final(string schedule, DateTimeOffset? from, DateTimeOffset? to, SteadyDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        var found = await db.ScheduleAsync(schedule, false, cancellationToken);
        if (found is null)
            return Problems.NotFound($"Schedule '{schedule}'");
        var start = (from ?? time.GetUtcNow()).ToUniversalTime();
        var end = (to ?? start.AddDays(7)).ToUniversalTime();
        if (end <= start || end - start > MaxWindow)
            return Failure.Invalid("to", "'to' must be after 'from', at most 366 days later.").ToProblem();
        var shifts = await FinalAsync(db, found, start, end, cancellationToken);
        return TypedResults.Ok(new FinalScheduleDto(found.Id, found.Name, found.TimeZone, start, end, shifts, shifts.Where(s => s.UserId is null).ToList()));
    }

    private static async Task<Results<Created<OverrideDto>, ProblemHttpResult>> AddOverride(string schedule, OverrideInput input, SteadyDb db, ActorAccessor actors, OverrideCommands overrides, CancellationToken cancellationToken)
    {
        var found = await db.ScheduleAsync(schedule, false, cancellationToken);
        if (found is null)
            return Problems.NotFound($"Schedule '{schedule}'");
        var outcome = await overrides.AddAsync(await actors.RequireAsync(cancellationToken), found, input, cancellationToken);
        if (!outcome.Succeeded)
            return outcome.Failure!.ToProblem();
        var (row, userName) = outcome.Value;
        return TypedResults.Created($"/api/v1/schedules/{found.Id}/overrides/{row.Id}", new OverrideDto(row.Id, row.UserId, userName, row.StartsAt, row.EndsAt, row.CreatedBy));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveOverride(string schedule, Guid id, SteadyDb db, ActorAccessor actors, OverrideCommands overrides, CancellationToken cancellationToken)
    {
        var found = await db.ScheduleAsync(schedule, false, cancellationToken);
        if (found is null)
            return Problems.NotFound($"Schedule '{schedule}'");
        var outcome = await overrides.RemoveAsync(await actors.RequireAsync(cancellationToken), found, id, cancellationToken);
        return outcome.Succeeded ? TypedResults.NoContent() : outcome.Failure!.ToProblem();
    }

    private static async Task<Ok<IReadOnlyList<OnCallDto>>> OnCall(DateTimeOffset? at, SteadyDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = (at ?? time.GetUtcNow()).ToUniversalTime();
        var schedules = await db.Schedules.AsNoTracking().OrderBy(s => s.Name).ToListAsync(cancellationToken);
        var result = new List<OnCallDto>();
        foreach (var schedule in schedules)
        {
            var shifts = await FinalAsync(db, schedule, now, now.AddDays(14), cancellationToken);
            var current = shifts.FirstOrDefault();
            var email = current?.UserId is { } userId ? await db.Users.Where(u => u.Id == userId).Select(u => u.Email).FirstOrDefaultAsync(cancellationToken) : null;
            result.Add(new OnCallDto(schedule.Id, schedule.Name, schedule.TeamId, current?.UserId, current?.UserName, email, current?.End, current?.Source ?? "gap"));
        }
        return TypedResults.Ok<IReadOnlyList<OnCallDto>>(result);
    }

    /// <summary>
    /// The whole shifts that overlap the window, with people's names, for the calendar feeds: never cut at
    /// the window's edges, so a feed fetched at 11:28 starts at a real handoff.
    /// </summary>
    internal static async Task<IReadOnlyList<ShiftDto>> WholeShiftsAsync(SteadyDb db, Schedule schedule, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        (from, to) = (from.ToUniversalTime(), to.ToUniversalTime());
        var reach = ScheduleCalculator.Reach(Layers.ToRota(schedule, [])).ToTimeSpan();
        var (before, after) = (from - reach, to + reach);
        var overrides = await db.ScheduleOverrides.AsNoTracking()
            .Where(o => o.ScheduleId == schedule.Id && o.EndsAt > before && o.StartsAt < after)
            .ToListAsync(cancellationToken);
        return await NamedAsync(db, ScheduleCalculator.WholeShifts(Layers.ToRota(schedule, overrides), Instant.FromDateTimeOffset(from), Instant.FromDateTimeOffset(to)), cancellationToken);
    }

    /// <summary>The final schedule with people's names, shared with the console.</summary>
    internal static async Task<IReadOnlyList<ShiftDto>> FinalAsync(SteadyDb db, Schedule schedule, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        // Callers may pass local times (a day in the schedule's zone); PostgreSQL takes instants in UTC only.
        (from, to) = (from.ToUniversalTime(), to.ToUniversalTime());
        var overrides = await db.ScheduleOverrides.AsNoTracking()
            .Where(o => o.ScheduleId == schedule.Id && o.EndsAt > from && o.StartsAt < to)
            .ToListAsync(cancellationToken);
        return await NamedAsync(db, ScheduleCalculator.Final(Layers.ToRota(schedule, overrides), Instant.FromDateTimeOffset(from), Instant.FromDateTimeOffset(to)), cancellationToken);
    }

    private static async Task<IReadOnlyList<ShiftDto>> NamedAsync(SteadyDb db, IReadOnlyList<Shift> shifts, CancellationToken cancellationToken)
    {
        var ids = shifts.Where(s => s.UserId is not null).Select(s => s.UserId!.Value).Distinct().ToList();
        var names = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Name, cancellationToken);
        return shifts.Select(s => new ShiftDto(s.UserId, s.UserId is { } id ? names.GetValueOrDefault(id) : null, s.Start.ToDateTimeOffset(), s.End.ToDateTimeOffset(), s.Source)).ToList();
    }

    private static async Task<Failure?> ApplyAsync(SteadyDb db, Schedule schedule, ScheduleInput input, bool creating, CancellationToken cancellationToken)
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
            var people = layers.SelectMany(l => l.Participants ?? []).Distinct().ToList();
            var known = await db.Users.Where(u => people.Contains(u.Id)).Select(u => u.Id).ToListAsync(cancellationToken);
            foreach (var missing in people.Except(known))
                errors.Add($"layers: there is no user {missing}.");
        }
        foreach (var error in errors)
            validation.Add("layers", error);
        if (validation.ToFailure() is { } invalid)
            return invalid;
        schedule.Name = name!.Trim();
        schedule.TimeZone = zone!;
        if (input.Description is not null)
            schedule.Description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim();
        if (input.Layers is not null)
            schedule.Layers = Layers.Write(input.Layers);
        return null;
    }

    private static async Task<Failure?> SaveAsync(SteadyDb db, Schedule schedule, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return Failure.Conflict($"A schedule named '{schedule.Name}' already exists.");
        }
        catch (DbUpdateConcurrencyException)
        {
            return Failure.Conflict("The schedule was changed meanwhile; reload and try again.");
        }
    }

    private static ScheduleDto Dto(Schedule s) => new(s.Id, s.Name, s.TeamId, s.TimeZone, s.Description, Layers.Read(s.Layers), s.CreatedAt);
}
