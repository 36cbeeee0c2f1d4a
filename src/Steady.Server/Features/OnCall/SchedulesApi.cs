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
        schedules.MapPost("/", Create).WithSummary("Create a schedule (admins of its team; people of another team only for admins of both)");
        schedules.MapGet("/{schedule}", Get).WithSummary("A schedule by id or name, with its upcoming overrides");
        schedules.MapPatch("/{schedule}", Update).WithSummary("Change a schedule's name, zone, description or layers (admins of its team; people of another team only for admins of both)");
        schedules.MapDelete("/{schedule}", Delete).WithSummary("Delete a schedule (admins of its team)");
        schedules.MapGet("/{schedule}/final", Final).WithSummary("The final schedule for a window (?from=&to=, default the next 7 days): who, when, from which layer, and the gaps");
        schedules.MapPost("/{schedule}/overrides", AddOverride).WithSummary("Someone covers part of the schedule (responders of its team; a person of another team only for admins of both)");
        schedules.MapDelete("/{schedule}/overrides/{id:guid}", RemoveOverride).WithSummary("Remove an override (responders of its team)");
        api.MapGet("/oncall", OnCall).WithTags("Schedules").WithSummary("Who is on call now (or ?at=) in every schedule, and until when");
        return api;
    }

    private static async Task<Ok<IReadOnlyList<ScheduleDto>>> List(SteadyDb db, CancellationToken cancellationToken)
    {
        var rows = await db.Schedules.AsNoTracking().OrderBy(s => s.Name).ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<ScheduleDto>>(rows.Select(Dto).ToList());
    }

    private static async Task<Results<Created<ScheduleDto>, ProblemHttpResult>> Create(ScheduleInput input, ActorAccessor actors, ScheduleCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.CreateAsync(await actors.RequireAsync(cancellationToken), input, cancellationToken);
        return outcome.Succeeded ? TypedResults.Created($"/api/v1/schedules/{outcome.Value!.Id}", Dto(outcome.Value)) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<ScheduleDto>, ProblemHttpResult>> Get(string schedule, SteadyDb db, CancellationToken cancellationToken)
    {
        var found = await db.ScheduleAsync(schedule, false, cancellationToken);
        return found is null ? Problems.NotFound($"Schedule '{schedule}'") : TypedResults.Ok(Dto(found));
    }

    private static async Task<Results<Ok<ScheduleDto>, ProblemHttpResult>> Update(string schedule, ScheduleInput input, SteadyDb db, ActorAccessor actors, ScheduleCommands commands, CancellationToken cancellationToken)
    {
        var found = await db.ScheduleAsync(schedule, false, cancellationToken);
        if (found is null)
            return Problems.NotFound($"Schedule '{schedule}'");
        var outcome = await commands.UpdateAsync(await actors.RequireAsync(cancellationToken), found.Id, input, cancellationToken);
        return outcome.Succeeded ? TypedResults.Ok(Dto(outcome.Value!)) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string schedule, SteadyDb db, ActorAccessor actors, ScheduleCommands commands, CancellationToken cancellationToken)
    {
        var found = await db.ScheduleAsync(schedule, false, cancellationToken);
        if (found is null)
            return Problems.NotFound($"Schedule '{schedule}'");
        var outcome = await commands.DeleteAsync(await actors.RequireAsync(cancellationToken), found.Id, cancellationToken);
        return outcome.Succeeded ? TypedResults.NoContent() : outcome.Failure!.ToProblem();
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

    internal static ScheduleDto Dto(Schedule s) => new(s.Id, s.Name, s.TeamId, s.TimeZone, s.Description, Layers.Read(s.Layers), s.CreatedAt);
}
