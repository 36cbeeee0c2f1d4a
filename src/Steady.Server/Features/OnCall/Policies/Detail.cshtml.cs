using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Server.Data;
using Steady.Server.Features.OnCall;

namespace Steady.Server.Features.OnCall.Policies;

/// <summary>One policy: its steps in order, whom each would notify now, and the services it pages for.</summary>
public sealed class PolicyDetailModel(SteadyDb db, TimeProvider time) : ConsolePage
{
    public PolicyDto Policy { get; private set; } = null!;

    public PolicyOnCallDto Now { get; private set; } = null!;

    public string TeamName { get; private set; } = "";

    public IReadOnlyDictionary<Guid, string> ScheduleLinks { get; private set; } = new Dictionary<Guid, string>();

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        var row = await db.EscalationPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, RequestAborted);
        if (row is null)
            return NotFound();
        Policy = await PoliciesApi.DtoAsync(db, row, RequestAborted);
        Now = await PoliciesApi.OnCallAsync(db, row, time.GetUtcNow(), RequestAborted);
        TeamName = await db.Teams.Where(t => t.Id == row.TeamId).Select(t => t.Name).FirstAsync(RequestAborted);
        return Page();
    }
}
