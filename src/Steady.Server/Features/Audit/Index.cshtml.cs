using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Accounts;
using Steady.Core.Audit;
using Steady.Server.Data;

namespace Steady.Server.Features.Audit;

/// <summary>
/// The audit log, read by people: who (by name) did what to which thing (by name), the changes as a
/// small before/after table, fifty entries a page, newest first, with older and newer pages.
/// </summary>
public sealed class AuditModel(SteadyDb db) : ConsolePage
{
    private const int PageSize = 50;

    public bool Allowed { get; private set; }

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    /// <summary>Names of the people, teams, services, schedules and policies the page's entries mention.</summary>
    public IReadOnlyDictionary<Guid, string> Names { get; private set; } = new Dictionary<Guid, string>();

    public Guid? Older { get; private set; }

    public Guid? Newer { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid? before, Guid? after)
    {
        Allowed = Permissions.CanReadAudit(Actor);
        if (!Allowed)
        {
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page();
        }
        var query = db.AuditEntries.AsNoTracking();
        List<AuditEntry> rows;
        if (after is { } newer)
        {
            // The page just newer than a cursor: read upwards, show newest first.
            rows = await query.Where(e => e.Id.CompareTo(newer) > 0).OrderBy(e => e.Id).Take(PageSize + 1).ToListAsync(RequestAborted);
            var more = rows.Count > PageSize;
            rows = rows.Take(PageSize).Reverse().ToList();
            Newer = more ? rows[0].Id : null;
            Older = rows.Count > 0 ? rows[^1].Id : null;
        }
        else
        {
            if (before is { } cursor)
                query = query.Where(e => e.Id.CompareTo(cursor) < 0);
            rows = await query.OrderByDescending(e => e.Id).Take(PageSize + 1).ToListAsync(RequestAborted);
            if (rows.Count > PageSize)
            {
                rows.RemoveAt(PageSize);
                Older = rows[^1].Id;
            }
            Newer = before is not null && rows.Count > 0 ? rows[0].Id : null;
        }
        foreach (var row in rows)
            row.Changes = AuditWriter.Readable(db.Model, row.EntityType, row.Changes); // enum values by name, in older entries too
        Entries = rows;
        Names = await NamesAsync(rows);
        return Page();
    }

    private async Task<IReadOnlyDictionary<Guid, string>> NamesAsync(IReadOnlyList<AuditEntry> rows)
    {
        var ids = rows.SelectMany(e => AuditChanges.Ids(e.EntityId).Concat(AuditChanges.Ids(e.Changes))).Distinct().ToList();
        var names = new Dictionary<Guid, string>();
        if (ids.Count == 0)
            return names;
        foreach (var x in await db.Users.AsNoTracking().Where(x => ids.Contains(x.Id)).Select(x => new { x.Id, x.Name }).ToListAsync(RequestAborted))
            names[x.Id] = x.Name;
        foreach (var x in await db.Teams.AsNoTracking().Where(x => ids.Contains(x.Id)).Select(x => new { x.Id, x.Name }).ToListAsync(RequestAborted))
            names[x.Id] = x.Name;
        foreach (var x in await db.Services.AsNoTracking().Where(x => ids.Contains(x.Id)).Select(x => new { x.Id, x.Name }).ToListAsync(RequestAborted))
            names[x.Id] = x.Name;
        foreach (var x in await db.Schedules.AsNoTracking().Where(x => ids.Contains(x.Id)).Select(x => new { x.Id, x.Name }).ToListAsync(RequestAborted))
            names[x.Id] = x.Name;
        foreach (var x in await db.EscalationPolicies.AsNoTracking().Where(x => ids.Contains(x.Id)).Select(x => new { x.Id, x.Name }).ToListAsync(RequestAborted))
            names[x.Id] = x.Name;
        foreach (var x in await db.Incidents.AsNoTracking().Where(x => ids.Contains(x.Id)).Select(x => new { x.Id, x.Number, x.Title }).ToListAsync(RequestAborted))
            names[x.Id] = $"#{x.Number} {x.Title}";
        return names;
    }
}
