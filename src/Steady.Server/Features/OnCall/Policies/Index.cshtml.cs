using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Server.Data;
using Steady.Server.Features.OnCall;

namespace Steady.Server.Features.OnCall.Policies;

public sealed class PoliciesModel(SteadyDb db) : ConsolePage
{
    public IReadOnlyList<(PolicyDto Policy, string Team)> Policies { get; private set; } = [];

    /// <summary>Whether the person administers a team, so can make policies.</summary>
    public bool CanCreate { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        CanCreate = Actor.IsAdmin || Actor.Teams.Values.Any(role => role == Steady.Core.Accounts.TeamRole.Admin);
        var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, RequestAborted);
        var list = new List<(PolicyDto, string)>();
        foreach (var row in await db.EscalationPolicies.AsNoTracking().OrderBy(p => p.Name).ToListAsync(RequestAborted))
            list.Add((await PoliciesApi.DtoAsync(db, row, RequestAborted), teams.GetValueOrDefault(row.TeamId, "?")));
        Policies = list;
        return Page();
    }
}
