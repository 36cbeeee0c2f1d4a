using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Accounts;
using Steady.Core.Services;
using Steady.Server.Data;

namespace Steady.Server.Features.Teams;

public sealed class TeamDetailModel(SteadyDb db, TeamCommands teams) : ConsolePage
{
    public Team Team { get; private set; } = null!;

    public IReadOnlyList<MemberDto> Members { get; private set; } = [];

    public IReadOnlyList<User> People { get; private set; } = [];

    public IReadOnlyList<Service> Services { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        return await LoadAsync(id) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostMemberAsync(Guid id, Guid userId, string role)
    {
        var outcome = await teams.SetMemberAsync(Actor, id, userId, new MemberInput(role), RequestAborted);
        if (!outcome.Succeeded)
        {
            ShowFailure(outcome.Failure!);
            return await LoadAsync(id) ? Page() : NotFound();
        }
        Notice("Member saved.");
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid id, Guid userId)
    {
        var outcome = await teams.RemoveMemberAsync(Actor, id, userId, RequestAborted);
        if (!outcome.Succeeded)
        {
            ShowFailure(outcome.Failure!);
            return await LoadAsync(id) ? Page() : NotFound();
        }
        Notice("Member removed.");
        return RedirectToPage(new { id });
    }

    private async Task<bool> LoadAsync(Guid id)
    {
        var team = await db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, RequestAborted);
        if (team is null)
            return false;
        Team = team;
        Members = await TeamsApi.MembersOf(db, id, RequestAborted);
        People = await db.Users.AsNoTracking().Where(u => u.DisabledAt == null).OrderBy(u => u.Name).ToListAsync(RequestAborted);
        Services = await db.Services.AsNoTracking().Where(s => s.TeamId == id).OrderBy(s => s.Name).ToListAsync(RequestAborted);
        return true;
    }
}
