using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Alerts;
using Steady.Server.Data;

namespace Steady.Server.Features.Alerts;

public sealed class AlertsPageModel(SteadyDb db, TimeProvider time) : ConsolePage
{
    private const int PageSize = 100;

    [BindProperty(SupportsGet = true)]
    public string? Service { get; set; }

    /// <summary>Nullable so that a missing ?status= means "open" rather than a model-binding error.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Label { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? Before { get; set; }

    public IReadOnlyList<Alert> Rows { get; private set; } = [];

    public Dictionary<Guid, string> Names { get; private set; } = [];

    public IReadOnlyList<string> ServiceNames { get; private set; } = [];

    public Guid? Older { get; private set; }

    public DateTimeOffset Now { get; private set; }

    public string OlderLink => $"/alerts?service={Uri.EscapeDataString(Service ?? "")}&status={Status}&label={Uri.EscapeDataString(Label ?? "")}&before={Older}";

    public async Task<IActionResult> OnGetAsync()
    {
        Now = time.GetUtcNow();
        Status = string.IsNullOrEmpty(Status) ? "open" : Status;
        ServiceNames = await db.Services.AsNoTracking().OrderBy(s => s.Name).Select(s => s.Name).ToListAsync(RequestAborted);
        var filter = new AlertsApi.Filter(string.IsNullOrEmpty(Service) ? null : Service, Status, string.IsNullOrWhiteSpace(Label) ? null : [Label.Trim()], null, null, null);
        var query = await AlertsApi.QueryAsync(db, filter, RequestAborted);
        if (!query.Succeeded)
        {
            ShowFailure(query.Failure!);
            return Page();
        }
        var q = query.Value!;
        if (Before is { } before)
            q = q.Where(a => a.Id.CompareTo(before) < 0);
        var rows = await q.OrderByDescending(a => a.Id).Take(PageSize + 1).ToListAsync(RequestAborted);
        if (rows.Count > PageSize)
        {
            rows.RemoveAt(PageSize);
            Older = rows[^1].Id;
        }
        Rows = rows;
        Names = await AlertsApi.ServiceNamesAsync(db, rows, RequestAborted);
        return Page();
    }
}
