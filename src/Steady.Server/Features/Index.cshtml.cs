using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Accounts;
using Steady.Server.Data;

namespace Steady.Server.Features;

public sealed class HomeModel(SteadyDb db, TimeProvider time) : ConsolePage
{
    public int OpenAlerts { get; private set; }

    public IReadOnlyList<Features.OnCall.Schedules.OnCallSummary> OnCall { get; private set; } = [];

    public int Services { get; private set; }

    public int Teams { get; private set; }

    public int People { get; private set; }

    public IReadOnlyList<(Guid Id, string Name, TeamRole Role)> MyTeams { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var now = time.GetUtcNow();
        OnCall = await Features.OnCall.Schedules.OnCallSummary.ForAllAsync(db, now, RequestAborted, max: 20);
        OpenAlerts = await db.Alerts.CountAsync(a => a.Status != Steady.Core.Alerts.AlertStatus.Resolved, RequestAborted);
        Services = await db.Services.CountAsync(RequestAborted);
        Teams = await db.Teams.CountAsync(RequestAborted);
        People = await db.Users.CountAsync(u => u.DisabledAt == null, RequestAborted);
        var mine = await db.Memberships.AsNoTracking().Where(m => m.UserId == Actor.UserId)
            .Join(db.Teams, m => m.TeamId, t => t.Id, (m, t) => new { t.Id, t.Name, m.Role }).ToListAsync(RequestAborted);
        MyTeams = mine.OrderBy(t => t.Name).Select(t => (t.Id, t.Name, t.Role)).ToList();
        return Page();
    }
}
