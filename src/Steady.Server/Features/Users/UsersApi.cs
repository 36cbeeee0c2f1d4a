using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Accounts;
using Steady.Server.Data;
using Steady.Server.Features.Accounts;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Users;

public sealed record UserDto(Guid Id, string Name, string Email, string TimeZone, bool IsAdmin, bool Disabled, DateTimeOffset CreatedAt)
{
    public static UserDto From(User user) =>
        new(user.Id, user.Name, user.Email, user.TimeZone, user.IsAdmin, user.DisabledAt is not null, user.CreatedAt);
}

public sealed record TeamRoleDto(Guid TeamId, string TeamName, string Role);

public sealed record MeDto(UserDto User, IReadOnlyList<TeamRoleDto> Teams);

public static class UsersApi
{
    public static RouteGroupBuilder MapUsersApi(this RouteGroupBuilder api)
    {
        api.MapGet("/me", Me).WithTags("Users").WithSummary("Who the token belongs to, with their team roles");
        var users = api.MapGroup("/users").WithTags("Users");
        users.MapGet("/", List).WithSummary("List users");
        users.MapPost("/", Create).WithSummary("Add a user (organization admins)");
        users.MapGet("/{user}", Get).WithSummary("A user, by id or email");
        users.MapPatch("/{user}", Update).WithSummary("Change a profile (the user, or organization admins)");
        users.MapPut("/{user}/password", ChangePassword).WithSummary("Set a password (the user with their current one, or organization admins)");
        return api;
    }

    private static async Task<Ok<MeDto>> Me(ActorAccessor actors, SteadyDb db, CancellationToken cancellationToken)
    {
        var actor = await actors.RequireAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().FirstAsync(u => u.Id == actor.UserId, cancellationToken);
        var teams = await db.Memberships.AsNoTracking().Where(m => m.UserId == actor.UserId)
            .Join(db.Teams, m => m.TeamId, t => t.Id, (m, t) => new { t.Id, t.Name, m.Role })
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(new MeDto(UserDto.From(user), teams.OrderBy(t => t.Name).Select(t => new TeamRoleDto(t.Id, t.Name, t.Role.ToWire())).ToList()));
    }

    private static async Task<Ok<Page<UserDto>>> List(SteadyDb db, int? limit, Guid? cursor, CancellationToken cancellationToken)
    {
        var take = Pagination.Limit(limit);
        var query = db.Users.AsNoTracking();
        if (cursor is { } after)
            query = query.Where(u => u.Id.CompareTo(after) > 0);
        var rows = await query.OrderBy(u => u.Id).Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(Pagination.Of(rows.Select(UserDto.From).ToList(), take, u => u.Id));
    }

    private static async Task<Results<Created<UserDto>, ProblemHttpResult>> Create(UserInput input, ActorAccessor actors, UserCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.CreateAsync(await actors.RequireAsync(cancellationToken), input, cancellationToken);
        return outcome.Succeeded
            ? TypedResults.Created($"/api/v1/users/{outcome.Value!.Id}", UserDto.From(outcome.Value))
            : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<UserDto>, ProblemHttpResult>> Get(string user, SteadyDb db, CancellationToken cancellationToken)
    {
        var found = await db.UserAsync(user, cancellationToken);
        return found is null ? Problems.NotFound($"User '{user}'") : TypedResults.Ok(UserDto.From(found));
    }

    private static async Task<Results<Ok<UserDto>, ProblemHttpResult>> Update(string user, UserPatch patch, SteadyDb db, ActorAccessor actors, UserCommands commands, CancellationToken cancellationToken)
    {
        var found = await db.UserAsync(user, cancellationToken);
        if (found is null)
            return Problems.NotFound($"User '{user}'");
        var outcome = await commands.UpdateAsync(await actors.RequireAsync(cancellationToken), found.Id, patch, cancellationToken);
        return outcome.Succeeded ? TypedResults.Ok(UserDto.From(outcome.Value!)) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ChangePassword(string user, PasswordInput input, SteadyDb db, ActorAccessor actors, UserCommands commands, CancellationToken cancellationToken)
    {
        var found = await db.UserAsync(user, cancellationToken);
        if (found is null)
            return Problems.NotFound($"User '{user}'");
        var outcome = await commands.ChangePasswordAsync(await actors.RequireAsync(cancellationToken), found.Id, input, cancellationToken);
        return outcome.Succeeded ? TypedResults.NoContent() : outcome.Failure!.ToProblem();
    }
}
