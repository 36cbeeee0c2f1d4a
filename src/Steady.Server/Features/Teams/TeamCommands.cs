using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Server.Data;

namespace Steady.Server.Features.Teams;

public sealed record TeamInput(string Name, string? Description = null);

public sealed record TeamPatch(string? Name = null, string? Description = null);

public sealed record MemberInput(string Role);

/// <summary>Changes to teams and their members, shared by the API and the console.</summary>
public sealed class TeamCommands(SteadyDb db, TimeProvider time)
{
    public async Task<Outcome<Team>> CreateAsync(Actor actor, TeamInput input, CancellationToken cancellationToken)
    {
        if (!Permissions.CanAdministerOrganization(actor))
            return Failure.Forbidden("Only organization administrators can create teams.");
        if (Validate(input) is { } invalid)
            return invalid;
        var name = input.Name.Trim();
        if (await NameTakenAsync(name, null, cancellationToken))
            return Failure.Conflict($"A team named '{name}' already exists.");
        var team = new Team { Id = Ids.New(time), Name = name, Description = Blank(input.Description), CreatedAt = time.GetUtcNow() };
        db.Teams.Add(team);
        return await SaveAsync(team, name, cancellationToken);
    }

    /// <summary>Changes what the patch names; an empty description clears it.</summary>
    public async Task<Outcome<Team>> UpdateAsync(Actor actor, Guid teamId, TeamPatch patch, CancellationToken cancellationToken)
    {
        var team = await db.Teams.FirstOrDefaultAsync(t => t.Id == teamId, cancellationToken);
        if (team is null)
            return Failure.NotFound("The team");
        if (!Permissions.CanManageTeam(actor, team.Id))
            return Failure.Forbidden($"Only admins of {team.Name} can change it.");
        var input = new TeamInput(patch.Name ?? team.Name, patch.Description ?? team.Description);
        if (Validate(input) is { } invalid)
            return invalid;
        var name = input.Name.Trim();
        if (await NameTakenAsync(name, team.Id, cancellationToken))
            return Failure.Conflict($"A team named '{name}' already exists.");
        team.Name = name;
        team.Description = Blank(input.Description);
        return await SaveAsync(team, name, cancellationToken);
    }

    public async Task<Outcome<Team>> DeleteAsync(Actor actor, Guid teamId, CancellationToken cancellationToken)
    {
        var team = await db.Teams.FirstOrDefaultAsync(t => t.Id == teamId, cancellationToken);
        if (team is null)
            return Failure.NotFound("The team");
        if (!Permissions.CanAdministerOrganization(actor))
            return Failure.Forbidden("Only organization administrators can delete teams.");
        var services = await db.Services.Where(s => s.TeamId == teamId).OrderBy(s => s.Name).Select(s => s.Name).ToListAsync(cancellationToken);
        if (services.Count > 0)
            return Failure.Conflict($"{team.Name} still owns {services.Count} service(s) ({string.Join(", ", services.Take(5))}); move or delete them first.");
        var policies = await db.EscalationPolicies.Where(p => p.TeamId == teamId).Select(p => p.Name).ToListAsync(cancellationToken);
        if (policies.Count > 0)
            return Failure.Conflict($"{team.Name} still owns {policies.Count} escalation policies ({string.Join(", ", policies.Take(5))}); delete them first.");
        var schedules = await db.Schedules.Where(s => s.TeamId == teamId).OrderBy(s => s.Name).Select(s => s.Name).ToListAsync(cancellationToken);
        if (schedules.Count > 0)
            return Failure.Conflict($"{team.Name} still owns {schedules.Count} schedule(s) ({string.Join(", ", schedules.Take(5))}); delete them first.");
        db.Memberships.RemoveRange(await db.Memberships.Where(m => m.TeamId == teamId).ToListAsync(cancellationToken));
        db.RemoveRange(await db.Set<Core.Reports.TeamReportSettings>().Where(r => r.TeamId == teamId).ToListAsync(cancellationToken));
        db.Teams.Remove(team);
        await db.SaveChangesAsync(cancellationToken);
        return team;
    }

    public async Task<Outcome<Membership>> SetMemberAsync(Actor actor, Guid teamId, Guid userId, MemberInput input, CancellationToken cancellationToken)
    {
        var team = await db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Id == teamId, cancellationToken);
        if (team is null)
            return Failure.NotFound("The team");
        if (!Permissions.CanManageTeam(actor, teamId))
            return Failure.Forbidden($"Only admins of {team.Name} can change its members.");
        if (!TeamRoles.TryParse(input.Role, out var role))
            return Failure.Invalid("role", $"'role' must be one of viewer, responder, admin; got '{input.Role}'.");
        if (!await db.Users.AnyAsync(u => u.Id == userId, cancellationToken))
            return Failure.NotFound("The user");
        var membership = await db.Memberships.FirstOrDefaultAsync(m => m.TeamId == teamId && m.UserId == userId, cancellationToken);
        if (membership is null)
        {
            membership = new Membership { TeamId = teamId, UserId = userId, Role = role, CreatedAt = time.GetUtcNow() };
            db.Memberships.Add(membership);
        }
        else
        {
            membership.Role = role;
        }
        await db.SaveChangesAsync(cancellationToken);
        return membership;
    }

    public async Task<Outcome<Membership>> RemoveMemberAsync(Actor actor, Guid teamId, Guid userId, CancellationToken cancellationToken)
    {
        var membership = await db.Memberships.FirstOrDefaultAsync(m => m.TeamId == teamId && m.UserId == userId, cancellationToken);
        if (!await db.Teams.AnyAsync(t => t.Id == teamId, cancellationToken))
            return Failure.NotFound("The team");
        if (!Permissions.CanManageTeam(actor, teamId))
            return Failure.Forbidden("Only the team's admins can change its members.");
        if (membership is null)
            return Failure.NotFound("The membership");
        db.Memberships.Remove(membership);
        await db.SaveChangesAsync(cancellationToken);
        return membership;
    }

    private static Failure? Validate(TeamInput input) =>
        new Validation().PathName("name", input.Name).Text("description", input.Description, 2000).ToFailure();

    private Task<bool> NameTakenAsync(string name, Guid? except, CancellationToken cancellationToken)
    {
        var lower = name.ToLowerInvariant();
        return db.Teams.AnyAsync(t => t.Name.ToLower() == lower && t.Id != except, cancellationToken);
    }

    private async Task<Outcome<Team>> SaveAsync(Team team, string name, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return team;
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return Failure.Conflict($"A team named '{name}' already exists.");
        }
    }

    internal static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
