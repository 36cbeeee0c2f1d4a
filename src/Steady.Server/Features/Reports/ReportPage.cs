using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using NodaTime.Text;
using Steady.Core;

namespace Steady.Server.Features.Reports;

/// <summary>
/// A report page: the period and filters from the query string (the same words as the API's), the reader's
/// scope resolved once (refusals shown above the report), the teams and services to choose from.
/// </summary>
public abstract class ReportPage : ConsolePage
{
    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Team { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Service { get; set; }

    public ReportScope? Scope { get; private set; }

    public IReadOnlyList<(Guid Id, string Name)> TeamChoices { get; private set; } = [];

    public IReadOnlyList<(Guid Id, string Name, Guid TeamId)> ServiceChoices { get; private set; } = [];

    /// <summary>The period's first day and the day after its last, as date inputs show them.</summary>
    public (string From, string To) Dates => Scope is null ? (From ?? "", To ?? "")
        : (LocalDatePattern.Iso.Format(Scope.Period.Start.InZone(Scope.Zone).Date), LocalDatePattern.Iso.Format(Scope.Period.End.InZone(Scope.Zone).Date));

    /// <summary>The query string of this report with other values (a preset period, another team).</summary>
    public string Query(string? from = null, string? to = null, string? team = null, bool keepService = true)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
                parts.Add($"{name}={Uri.EscapeDataString(value)}");
        }
        Add("from", from ?? From);
        Add("to", to ?? To);
        Add("team", team ?? Team);
        if (keepService)
            Add("service", Service);
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }

    /// <summary>The last <paramref name="days"/> days up to today (dates in the reader's zone): the presets' links.</summary>
    public string Last(int days)
    {
        var today = Instant.FromDateTimeOffset(HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow()).InZone(Time.Zone).Date.PlusDays(1);
        return Query(LocalDatePattern.Iso.Format(today.PlusDays(-days)), LocalDatePattern.Iso.Format(today));
    }

    protected async Task<bool> ResolveAsync(bool ownLoad)
    {
        var db = HttpContext.RequestServices.GetRequiredService<Data.SteadyDb>();
        var teams = await db.Teams.AsNoTracking().OrderBy(t => t.Name).Select(t => new { t.Id, t.Name }).ToListAsync(RequestAborted);
        TeamChoices = teams.Where(t => ownLoad || Actor.RoleIn(t.Id) is not null).Select(t => (t.Id, t.Name)).ToList();
        var visible = TeamChoices.Select(t => t.Id).ToHashSet();
        ServiceChoices = (await db.Services.AsNoTracking().OrderBy(s => s.Name).Select(s => new { s.Id, s.Name, s.TeamId }).ToListAsync(RequestAborted))
            .Where(s => visible.Contains(s.TeamId)).Select(s => (s.Id, s.Name, s.TeamId)).ToList();
        var scope = await HttpContext.RequestServices.GetRequiredService<ReportScopes>().ResolveAsync(Actor, new ReportQuery(From, To, Team, Service), ownLoad, RequestAborted);
        if (!scope.Succeeded)
        {
            ShowFailure(scope.Failure!);
            return false;
        }
        Scope = scope.Value;
        return true;
    }
}

/// <summary>Durations and numbers as the report pages write them.</summary>
public static class ReportText
{
    /// <summary>"45 s", "4 min", "1 h 20 min", "2 d 3 h"; "–" for none.</summary>
    public static string Duration(double? seconds)
    {
        if (seconds is not { } s)
            return "–";
        if (s < 60)
            return $"{s:0} s";
        var minutes = (int)Math.Round(s / 60, MidpointRounding.AwayFromZero);
        if (minutes < 60)
            return $"{minutes} min";
        if (minutes < 24 * 60)
            return minutes % 60 == 0 ? $"{minutes / 60} h" : $"{minutes / 60} h {minutes % 60} min";
        var hours = (int)Math.Round(s / 3600, MidpointRounding.AwayFromZero);
        return hours % 24 == 0 ? $"{hours / 24} d" : $"{hours / 24} d {hours % 24} h";
    }

    public static string Hours(decimal hours) => hours.ToString("0.#", CultureInfo.InvariantCulture);

    public static string Percent(double share) => (share * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    public static string Money(decimal amount, string currency) => $"{amount.ToString("0.00", CultureInfo.InvariantCulture)} {currency}";
}
