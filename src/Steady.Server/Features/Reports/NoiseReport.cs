using Microsoft.EntityFrameworkCore;
using NodaTime;
using Steady.Core.Alerts;
using Steady.Core.Reports;
using Steady.Server.Data;

namespace Steady.Server.Features.Reports;

public sealed record NoiseSourceDto(
    Guid ServiceId,
    string Service,
    Guid TeamId,
    string Team,
    string Name,
    int Alerts,
    int Groups,
    int Pages,
    double NeverAcknowledgedShare,
    double TransientShare,
    int FlappingEpisodes,
    double AcknowledgedByPersonShare,
    double MedianOpenSeconds,
    string? Suggestion);

/// <summary>Pages per on-call shift: a team's pages in the period over the shifts of its first-level schedules that overlap it.</summary>
public sealed record PagesPerShiftDto(Guid TeamId, string Team, int Pages, int Shifts, double? PerShift);

/// <summary>The noise report: every source (service and alert name), noisiest first; the top ten with suggestions; pages per on-call shift.</summary>
public sealed record NoiseReportDto(DateTimeOffset From, DateTimeOffset To, IReadOnlyList<NoiseSourceDto> Sources, IReadOnlyList<NoiseSourceDto> Top, IReadOnlyList<PagesPerShiftDto> PagesPerShift);

/// <summary>
/// The noise report: alerts first seen in the period on the teams' services, read in one pass with only the
/// columns the figures need (the alert name is the <c>alertname</c> label, or the summary when the sender gave
/// none), and the flapping marks of the period through their own small index; intake carries no index of the
/// report's on the alerts. Core's <see cref="Noise"/> computes the figures and the suggestions.
/// </summary>
public sealed class NoiseReport(SteadyDb db, TimeProvider time, ReportRunner runner, IServiceScopeFactory scopes)
{
    public const int TopCount = 10;

    /// <summary>
    /// The report of <paramref name="scope"/>. Computed in the report worker process (<see cref="ReportWorkerProcess"/>), on
    /// its runner's thread (<see cref="ReportRunner"/>); the server asks for it through <see cref="ReportWorker"/>.
    /// </summary>
    public async Task<NoiseReportDto> ComputeAsync(ReportScope scope, CancellationToken cancellationToken)
    {
        var (start, end) = (scope.Period.Start.ToDateTimeOffset(), scope.Period.End.ToDateTimeOffset());
        var teamIds = scope.TeamIds;
        var services = await db.Services.AsNoTracking().Where(s => teamIds.Contains(s.TeamId)).ToListAsync(cancellationToken);
        if (scope.Service is { } only)
            services = services.Where(s => s.Id == only.Id).ToList();
        var byId = services.ToDictionary(s => s.Id);
        var path = db.LabelPath("alertname");
        // One pass over the alerts in storage order, in parts read at once (ReportRows.ReadInPartsAsync), each into a tally of
        // its own, merged in order after: no index serves a year of them better than the table itself (an index on time
        // would fetch each row at random), so the only condition is the period; services are picked here.
        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        var tallies = runner.Scratch(groups => new Tallies(now, groups), t => t.Parts[0].GroupCount).Parts;
        foreach (var tally in tallies)
            tally.Reset(now);
        var names = tallies.Select(_ => new TextPool()).ToList();
        // Each column read costs (a million times): what is null or true is one number of flags, a time is read only when it is
        // there, and the name is never null (the summary is required).
        string Sql(string part) => $"""
            SELECT a.service_id, COALESCE({db.Label("a.labels", "@p2")}, a.summary), a.group_id, a.first_seen_at,
                   CASE WHEN a.resolved_at IS NULL THEN 0 ELSE 1 END + CASE WHEN a.status = 'Resolved' AND a.resolved_by_id IS NULL THEN 2 ELSE 0 END
                   + CASE WHEN a.acknowledged_at IS NULL THEN 0 ELSE 4 END + CASE WHEN a.acknowledged_by_id IS NULL THEN 0 ELSE 8 END,
                   a.resolved_at, a.acknowledged_at
            FROM alerts AS a
            WHERE a.first_seen_at >= @p0 AND a.first_seen_at < @p1 AND {part}
            """;
        Action<ReportRow> Tally(NoiseTally tally, TextPool pool) => row =>
        {
            var serviceId = row.Guid(0);
            if (!byId.ContainsKey(serviceId))
                return;
            var flags = row.Number(4);
            tally.Add(new NoiseAlert(serviceId, NameOf(row.Text(1, pool, MaxName)), row.Guid(2), row.At(3),
                (flags & 1) != 0 ? row.At(5) : null, (flags & 2) != 0, (flags & 4) != 0 ? row.At(6) : null, (flags & 8) != 0));
        };
        await ReportRows.ReadInPartsAsync(db, scopes, "alerts", "a", Sql, [db.Param(start), db.Param(end), path],
            tallies.Select((t, i) => Tally(t, names[i])).ToList(), cancellationToken);
        var merged = tallies[0];
        foreach (var later in tallies.Skip(1))
            merged.Merge(later);
        var pages = (await SentPages.LoadAsync(db, scope.Period, cancellationToken)).Where(p => teamIds.Contains(p.TeamId)).ToList();
        var pagesByGroup = pages.SelectMany(p => p.Groups).GroupBy(g => g).ToDictionary(g => g.Key, g => g.Count());
        var flaps = await (from e in db.AlertEvents.AsNoTracking()
                           join a in db.Alerts.AsNoTracking() on e.AlertId equals a.Id
                           where e.Kind == AlertEventKinds.Flapping && e.At >= start && e.At < end
                           select new { a.ServiceId, Name = SteadyDb.LabelValue(a.Labels, path) ?? a.Summary }).ToListAsync(cancellationToken);
        var flapping = flaps.Where(f => byId.ContainsKey(f.ServiceId)).GroupBy(f => (f.ServiceId, NameOf(f.Name))).ToDictionary(g => g.Key, g => g.Count());

        var sources = merged.Sources(pagesByGroup, flapping)
            .Select(s => Dto(s, byId[s.ServiceId], scope))
            .ToList();
        var top = sources.Where(s => s.Pages > 0 || s.Alerts > 0).Take(TopCount).ToList();

        var schedules = await OnCallTime.LoadAsync(db, teamIds, scope.Period, cancellationToken);
        var perShift = scope.Teams.Select(t =>
        {
            var shifts = schedules.Where(s => s.Schedule.TeamId == t.Id && s.FirstLevel).Sum(s => s.Shifts.Count);
            var count = pages.Count(p => p.TeamId == t.Id && (scope.Service is null || p.ServiceId == scope.Service.Id));
            return new PagesPerShiftDto(t.Id, t.Name, count, shifts, shifts == 0 ? null : Math.Round((double)count / shifts, 2));
        }).ToList();
        return new NoiseReportDto(start, end, sources, top, perShift);
    }

    private static NoiseSourceDto Dto(NoiseSource s, Core.Services.Service service, ReportScope scope) => new(
        s.ServiceId,
        service.Name,
        service.TeamId,
        scope.AllTeams.TryGetValue(service.TeamId, out var team) ? team.Name : "",
        s.Name,
        s.Alerts,
        s.Groups,
        s.Pages,
        Math.Round(s.NeverAcknowledgedShare, 4),
        Math.Round(s.TransientShare, 4),
        s.FlappingEpisodes,
        Math.Round(s.AcknowledgedByPersonShare, 4),
        s.MedianOpen.TotalSeconds,
        Noise.Suggest(s, service.Name));

    /// <summary>The scratch tallies of the parts (<see cref="ReportRunner.Scratch{T}(Func{int, T}, Func{T, int})"/>); the first, into which the others are merged, holds every group.</summary>
    private sealed class Tallies(Instant asOf, int groups)
    {
        public NoiseTally[] Parts { get; } = Enumerable.Range(0, ReportRows.Parts).Select(i => new NoiseTally(asOf, i == 0 ? groups : groups / ReportRows.Parts)).ToArray();
    }

    /// <summary>Names are cut to this many characters.</summary>
    private const int MaxName = 120;

    private static string NameOf(string? name) => string.IsNullOrWhiteSpace(name) ? "(unnamed)" : name.Length > MaxName ? name[..MaxName] : name;
}
