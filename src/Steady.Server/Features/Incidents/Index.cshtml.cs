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
        Now = time.GetUtcNow();
        var rows = await IncidentsApi.ListAsync(db, Actor.UserId, new IncidentsApi.ListFilter(Status ?? "open", null, null, Mine), 200, null, RequestAborted);
        if (!rows.Succeeded)
        {
            ShowFailure(rows.Failure!);
            return Page();
        }
        Incidents = rows.Value!;
        return Page();
    }

    /// <summary>
    /// How long it has been going on, or how long it ran: an incident that is resolved (or closed)
    /// ended when it was resolved. "running for 42 min", "ran for 1 h 5 min, resolved Tue 24 Nov 11:05 CET" (in the reader's zone).
    /// </summary>
    public static string Duration(DateTimeOffset startedAt, DateTimeOffset? resolvedAt, DateTimeOffset? closedAt, DateTimeOffset now, Shared.PersonalTime time)
    {
        if ((resolvedAt ?? closedAt) is not { } ended)
            return $"running for {Span(now - startedAt)}";
        var end = closedAt is { } closed ? $"closed {time.Text(closed)}" : $"resolved {time.Text(ended)}";
        return $"ran for {Span(ended - startedAt)}, {end}";
    }

    public static string Span(TimeSpan span) =>
        span.TotalMinutes < 1 ? "under a minute" : span.TotalHours < 1 ? $"{(int)span.TotalMinutes} min" : span.TotalDays < 1 ? $"{(int)span.TotalHours} h {span.Minutes} min" : $"{(int)span.TotalDays} d {span.Hours} h";
}
