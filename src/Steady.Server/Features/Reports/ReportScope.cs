using Microsoft.EntityFrameworkCore;
using NodaTime;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Reports;
using Steady.Core.Services;
using Steady.Server.Data;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Reports;

/// <summary>What a report is asked for: the period (dates or instants), a team and a service (id or name), all optional.</summary>
public sealed record ReportQuery(string? From = null, string? To = null, string? Team = null, string? Service = null);

/// <summary>
/// What a report covers and for whom: the period, the zone its weeks and dates are read in (the reader's),
/// the teams it computes, and which of them the reader may see whole. Reports on a team are for its members
/// (viewer or above) and organization admins; the on-call report also shows every person their own load.
/// </summary>
public sealed record ReportScope(Actor Actor, Span Period, DateTimeZone Zone, IReadOnlyList<Team> Teams, Service? Service, IReadOnlyDictionary<Guid, Team> AllTeams)
{
    public bool Sees(Guid teamId) => Actor.RoleIn(teamId) is not null;

    public bool SeesAmountsOf(Guid teamId) => Permissions.CanManageTeam(Actor, teamId);

    public IReadOnlySet<Guid> TeamIds => Teams.Select(t => t.Id).ToHashSet();
}

/// <summary>Turns a <see cref="ReportQuery"/> into a <see cref="ReportScope"/>, refusing what is wrong (400), unknown (400) or not the reader's to see (403).</summary>
public sealed class ReportScopes(SteadyDb db, TimeProvider time)
{
    /// <param name="ownLoad">The on-call report: a team the reader is not a member of is computed too, for their own load in it.</param>
    public async Task<Outcome<ReportScope>> ResolveAsync(Actor actor, ReportQuery query, bool ownLoad, CancellationToken cancellationToken)
    {
        var zoneId = await db.Users.AsNoTracking().Where(u => u.Id == actor.UserId).Select(u => u.TimeZone).FirstOrDefaultAsync(cancellationToken);
        var zone = (zoneId is null ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId)) ?? DateTimeZone.Utc;
        var period = Core.Reports.ReportPeriod.Parse(query.From, query.To, zone, Instant.FromDateTimeOffset(time.GetUtcNow()));
        if (!period.Succeeded)
            return period.Failure!;
        var teams = await db.Teams.AsNoTracking().OrderBy(t => t.Name).ToListAsync(cancellationToken);
        var all = teams.ToDictionary(t => t.Id);

        Team? team = null;
        if (!string.IsNullOrWhiteSpace(query.Team))
        {
            team = await db.TeamAsync(query.Team, cancellationToken);
            if (team is null)
                return Failure.Invalid("team", $"There is no team '{Shorten(query.Team)}'.");
        }
        Service? service = null;
        if (!string.IsNullOrWhiteSpace(query.Service))
        {
            service = await db.ServiceAsync(query.Service, cancellationToken);
            if (service is null)
                return Failure.Invalid("service", $"There is no service '{Shorten(query.Service)}'.");
            if (team is not null && service.TeamId != team.Id)
                return Failure.Invalid("service", $"{service.Name} belongs to {all[service.TeamId].Name}, not to {team.Name}.");
            team ??= all[service.TeamId];
        }
        var scope = new ReportScope(actor, period.Value, zone, [], service, all);
        if (team is not null)
        {
            if (!ownLoad && !scope.Sees(team.Id))
                return Failure.Forbidden($"Reports on {team.Name} are for its members (viewer or above).");
            return scope with { Teams = [team] };
        }
        return scope with { Teams = ownLoad ? teams : teams.Where(t => scope.Sees(t.Id)).ToList() };
    }

    /// <summary>A name as the reader typed it, cut for the answer (a 100,000-character name is not worth repeating).</summary>
    private static string Shorten(string text) => text.Trim() is var t && t.Length > 100 ? t[..100] + "…" : t;
}
