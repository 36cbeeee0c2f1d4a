using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Accounts;
using Steady.Core.Audit;
using Steady.Server.Data;

namespace Steady.Server.Features.Audit;

public sealed class AuditModel(SteadyDb db) : ConsolePage
{
    private const int PageSize = 100;

    public bool Allowed { get; private set; }

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public Guid? Older { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid? before)
    {
        Allowed = Permissions.CanReadAudit(Actor);
        if (!Allowed)
        {
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page();
        }
        var query = db.AuditEntries.AsNoTracking();
        if (before is { } cursor)
            query = query.Where(e => e.Id.CompareTo(cursor) < 0);
        var rows = await query.OrderByDescending(e => e.Id).Take(PageSize + 1).ToListAsync(RequestAborted);
        if (rows.Count > PageSize)
        {
            rows.RemoveAt(PageSize);
            Older = rows[^1].Id;
        }
        Entries = rows;
        return Page();
    }
}
