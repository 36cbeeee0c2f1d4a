using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Server.Data;
using Steady.Server.Features.OnCall;

namespace Steady.Server.Features.OnCall.Policies;

public sealed class PoliciesModel(SteadyDb db) : ConsolePage
{
    public IReadOnlyList<(PolicyDto Policy, string Team)> Policies { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadActorAsync())
            return SignedOut();
        var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name);
        var list = new List<(PolicyDto, string)>();
        foreach (var row in await db.EscalationPolicies.AsNoTracking().OrderBy(p => p.Name).ToListAsync())
            list.Add((await PoliciesApi.DtoAsync(db, row, HttpContext.RequestAborted), teams.GetValueOrDefault(row.TeamId, "?")));
        Policies = list;
        return Page();
    }
}
