using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Accounts;
using Steady.Server.Data;
using Steady.Server.Features.Accounts;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Teams;

public sealed record TeamDto(Guid Id, string Name, string? Description, DateTimeOffset CreatedAt, IReadOnlyList<MemberDto>? Members = null)
{
    public static TeamDto From(Team team, IReadOnlyList<MemberDto>? members = null) =>
        new(team.Id, team.Name, team.Description, team.CreatedAt, members);
}

public sealed record MemberDto(Guid UserId, string Name, string Email, string Role);

public static class TeamsApi
{
    public static RouteGroupBuilder MapTeamsApi(this RouteGroupBuilder api)
    {
        var teams = api.MapGroup("/teams").WithTags("Teams");
        teams.MapGet("/", List).WithSummary("List teams");
        teams.MapPost("/", Create).WithSummary("Create a team (organization admins)");
        teams.MapGet("/{team}", Get).WithSummary("A team with its members, by id or name");
        teams.MapPatch("/{team}", Update).WithSummary("Rename or describe a team (team admins)");
        teams.MapDelete("/{team}", Delete).WithSummary("Delete a team that owns no services (organization admins)");
        teams.MapGet("/{team}/members", Members).WithSummary("List a team's members");
        teams.MapPut("/{team}/members/{user}", SetMember).WithSummary("Add a member or change their role (team admins)");
        teams.MapDelete("/{team}/members/{user}", RemoveMember).WithSummary("Remove a member (team admins)");
        return api;
    }

    private static async Task<Ok<Page<TeamDto>>> List(SteadyDb db, int? limit, Guid? cursor, CancellationToken cancellationToken)
    {
        var take = Pagination.Limit(limit);
        var query = db.Teams.AsNoTracking();
        if (cursor is { } after)
            query = query.Where(t => t.Id.CompareTo(after) > 0);
        var rows = await query.OrderBy(t => t.Id).Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(Pagination.Of(rows.Select(t => TeamDto.From(t)).ToList(), take, t => t.Id));
    }

    private static async Task<Results<Created<TeamDto>, ProblemHttpResult>> Create(TeamInput input, ActorAccessor actors, TeamCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.CreateAsync(await actors.RequireAsync(cancellationToken), input, cancellationToken);
        return outcome.Succeeded
            ? TypedResults.Created($"/api/v1/teams/{outcome.Value!.Id}", TeamDto.From(outcome.Value))
            : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<TeamDto>, ProblemHttpResult>> Get(string team, SteadyDb db, CancellationToken cancellationToken)
    {
        var found = await db.TeamAsync(team, cancellationToken);
        return found is null ? Problems.NotFound($"Team '{team}'") : TypedResults.Ok(TeamDto.From(found, await MembersOf(db, found.Id, cancellationToken)));
    }

    private static async Task<Results<Ok<TeamDto>, ProblemHttpResult>> Update(string team, TeamPatch patch, SteadyDb db, ActorAccessor actors, TeamCommands commands, CancellationToken cancellationToken)
    {
        var found = await db.TeamAsync(team, cancellationToken);
        if (found is null)
            return Problems.NotFound($"Team '{team}'");
        var outcome = await commands.UpdateAsync(await actors.RequireAsync(cancellationToken), found.Id, patch, cancellationToken);
        return outcome.Succeeded ? TypedResults.Ok(TeamDto.From(outcome.Value!)) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string team, SteadyDb db, ActorAccessor actors, TeamCommands commands, CancellationToken cancellationToken)
    {
        var found = await db.TeamAsync(team, cancellationToken);
        if (found is null)
            return Problems.NotFound($"Team '{team}'");
        var outcome = await commands.DeleteAsync(await actors.RequireAsync(cancellationToken), found.Id, cancellationToken);
        return outcome.Succeeded ? TypedResults.NoContent() : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<IReadOnlyList<MemberDto>>, ProblemHttpResult>> Members(string team, SteadyDb db, CancellationToken cancellationToken)
    {
        var found = await db.TeamAsync(team, cancellationToken);
        return found is null ? Problems.NotFound($"Team '{team}'") : TypedResults.Ok(await MembersOf(db, found.Id, cancellationToken));
    }

    private static async Task<Results<Ok<MemberDto>, ProblemHttpResult>> SetMember(string team, string user, MemberInput input, SteadyDb db, ActorAccessor actors, TeamCommands commands, CancellationToken cancellationToken)
    {
        var foundTeam = await db.TeamAsync(team, cancellationToken);
        if (foundTeam is null)
            return Problems.NotFound($"Team '{team}'");
        var foundUser = await db.UserAsync(user, cancellationToken);
        if (foundUser is null)
            return Problems.NotFound($"User '{user}'");
        var outcome = await commands.SetMemberAsync(await actors.RequireAsync(cancellationToken), foundTeam.Id, foundUser.Id, input, cancellationToken);
        return outcome.Succeeded
            ? TypedResults.Ok(new MemberDto(foundUser.Id, foundUser.Name, foundUser.Email, outcome.Value!.Role.ToWire()))
            : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveMember(string team, string user, SteadyDb db, ActorAccessor actors, TeamCommands commands, CancellationToken cancellationToken)
    {
        var foundTeam = await db.TeamAsync(team, cancellationToken);
        if (foundTeam is null)
            return Problems.NotFound($"Team '{team}'");
        var foundUser = await db.UserAsync(user, cancellationToken);
        if (foundUser is null)
            return Problems.NotFound($"User '{user}'");
        var outcome = await commands.RemoveMemberAsync(await actors.RequireAsync(cancellationToken), foundTeam.Id, foundUser.Id, cancellationToken);
        return outcome.Succeeded ? TypedResults.NoContent() : outcome.Failure!.ToProblem();
    }

    internal static async Task<IReadOnlyList<MemberDto>> MembersOf(SteadyDb db, Guid teamId, CancellationToken cancellationToken)
    {
        var rows = await db.Memberships.AsNoTracking().Where(m => m.TeamId == teamId)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { u.Id, u.Name, u.Email, m.Role })
            .ToListAsync(cancellationToken);
        return rows.OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).Select(r => new MemberDto(r.Id, r.Name, r.Email, r.Role.ToWire())).ToList();
    }
}
