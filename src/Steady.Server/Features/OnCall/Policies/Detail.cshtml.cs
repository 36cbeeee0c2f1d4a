using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Server.Data;
using Steady.Server.Features.OnCall;

namespace Steady.Server.Features.OnCall.Policies;

/// <summary>One policy: its steps in order, whom each would notify now, and the services it pages for.</summary>
public sealed class PolicyDetailModel(SteadyDb db, TimeProvider time, PolicyCommands commands) : ConsolePage
{
    public PolicyDto Policy { get; private set; } = null!;

    public PolicyOnCallDto Now { get; private set; } = null!;

    public string TeamName { get; private set; } = "";

    public IReadOnlyDictionary<Guid, string> ScheduleLinks { get; private set; } = new Dictionary<Guid, string>();

    public bool CanManage { get; private set; }

    /// <summary>Why the policy could not be deleted, shown by the delete button.</summary>
    public string? DeleteError { get; private set; }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id)
    {
        var outcome = await commands.DeleteAsync(Actor, id, RequestAborted);
        switch (outcome.Failure?.Kind)
        {
            case null:
                Notice($"Escalation policy {outcome.Value!.Name} deleted.");
                return Redirect("/policies");
            case Steady.Core.FailureKind.Forbidden:
                return StatusCode(StatusCodes.Status403Forbidden);
            case Steady.Core.FailureKind.NotFound:
                return NotFound();
            default:
                DeleteError = outcome.Failure.Detail;
                return await OnGetAsync(id);
        }
    }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        var row = await db.EscalationPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, RequestAborted);
        if (row is null)
            return NotFound();
        Policy = await PoliciesApi.DtoAsync(db, row, RequestAborted);
        Now = await PoliciesApi.OnCallAsync(db, row, time.GetUtcNow(), RequestAborted);
        CanManage = Steady.Core.Accounts.Permissions.CanManageTeam(Actor, row.TeamId);
        TeamName = await db.Teams.Where(t => t.Id == row.TeamId).Select(t => t.Name).FirstAsync(RequestAborted);
        return Page();
    }
}
