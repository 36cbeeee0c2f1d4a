using Microsoft.EntityFrameworkCore;
using Steady.Core.Alerts;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Core.Paging;

namespace Steady.Server.Features.Paging;

/// <summary>What a claim's runs need, read once for all of them.</summary>
internal sealed class RunBatch
{
    public required List<EscalationRunRecord> Runs { get; init; }

    public required Dictionary<Guid, AlertGroup> Groups { get; init; }

    public required Dictionary<Guid, Steady.Core.Services.Service> Services { get; init; }

    public required Dictionary<Guid, EscalationPolicy> Policies { get; init; }

    /// <summary>Groups with a triggered alert that reaches people (not silenced, not in maintenance).</summary>
    public required HashSet<Guid> Paging { get; init; }

    /// <summary>Groups with an acknowledged alert.</summary>
    public required HashSet<Guid> Acknowledged { get; init; }

    public static async Task<RunBatch> LoadAsync(SteadyDb db, List<Guid> runIds, string token, CancellationToken cancellationToken)
    {
        var runs = await db.EscalationRuns.Where(r => runIds.Contains(r.Id) && r.LeaseOwner == token).OrderBy(r => r.NextDueAt).ToListAsync(cancellationToken);
        var ids = runs.Select(r => r.GroupId).OfType<Guid>().ToList();
        var serviceIds = runs.Select(r => r.ServiceId).OfType<Guid>().Distinct().ToList();
        var policyIds = runs.Select(r => r.PolicyId).Distinct().ToList();
        var groups = await db.AlertGroups.Where(g => ids.Contains(g.Id)).ToDictionaryAsync(g => g.Id, cancellationToken);
        var services = await db.Services.AsNoTracking().Where(s => serviceIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, cancellationToken);
        var policies = await db.EscalationPolicies.AsNoTracking().Where(p => policyIds.Contains(p.Id)).ToListAsync(cancellationToken);
        // A group's run whose policy was deleted goes on with its service's policy: read those too.
        var replacements = runs.Where(r => r.GroupId is not null && policies.All(p => p.Id != r.PolicyId))
            .Select(r => services.GetValueOrDefault(r.ServiceId!.Value)?.EscalationPolicyId).OfType<Guid>().Distinct().ToList();
        if (replacements.Count > 0)
            policies.AddRange(await db.EscalationPolicies.AsNoTracking().Where(p => replacements.Contains(p.Id)).ToListAsync(cancellationToken));
        var paging = await db.Alerts.AsNoTracking()
            .Where(a => ids.Contains(a.GroupId) && a.Status == AlertStatus.Triggered && a.SilencedBy == null && a.MaintenanceId == null)
            .Select(a => a.GroupId).Distinct().ToListAsync(cancellationToken);
        var acknowledged = await db.Alerts.AsNoTracking()
            .Where(a => ids.Contains(a.GroupId) && a.Status == AlertStatus.Acknowledged)
            .Select(a => a.GroupId).Distinct().ToListAsync(cancellationToken);
        return new RunBatch
        {
            Runs = runs,
            Groups = groups,
            Services = services,
            Policies = policies.DistinctBy(p => p.Id).ToDictionary(p => p.Id, p => p.ToPolicy()),
            Paging = paging.ToHashSet(),
            Acknowledged = acknowledged.ToHashSet(),
        };
    }
}
