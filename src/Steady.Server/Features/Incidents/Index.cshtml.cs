using Microsoft.AspNetCore.Mvc;
using Steady.Server.Data;

namespace Steady.Server.Features.Incidents;

public sealed class IncidentsIndexModel(SteadyDb db, TimeProvider time) : ConsolePage
{
    public IReadOnlyList<IncidentSummaryDto> Incidents { get; private set; } = [];

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Mine { get; set; }

    public DateTimeOffset Now { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!await LoadActorAsync())
            return SignedOut();
        Now = time.GetUtcNow();
        var rows = await IncidentsApi.ListAsync(db, Actor.UserId, new IncidentsApi.ListFilter(Status ?? "open", null, null, Mine), 200, null, HttpContext.RequestAborted);
        if (!rows.Succeeded)
        {
            ShowFailure(rows.Failure!);
            return Page();
        }
        Incidents = rows.Value!;
        return Page();
    }

    public static string SevClass(string severity) => severity.ToUpperInvariant() switch
    {
        "SEV1" => "sev sev-critical",
        "SEV2" => "sev sev-error",
        "SEV3" => "sev sev-warning",
        _ => "sev sev-info",
    };

    public static string Span(TimeSpan span) =>
        span.TotalMinutes < 1 ? "under a minute" : span.TotalHours < 1 ? $"{(int)span.TotalMinutes} min" : span.TotalDays < 1 ? $"{(int)span.TotalHours} h {span.Minutes} min" : $"{(int)span.TotalDays} d {span.Hours} h";
}
