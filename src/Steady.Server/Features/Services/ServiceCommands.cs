using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Services;
using Steady.Server.Data;
using Steady.Server.Infrastructure;
using Steady.Server.Features.Teams;

namespace Steady.Server.Features.Services;

public sealed record ServiceInput(string Name, Guid TeamId, string? Description = null, string? RunbookUrl = null);

public sealed record ServicePatch(
    string? Name = null,
    Guid? TeamId = null,
    string? Description = null,
    string? RunbookUrl = null,
    int? GroupWindowSeconds = null,
    int? FlapThreshold = null,
    int? FlapWindowSeconds = null,
    string? EscalationPolicy = null,
    IReadOnlyList<string>? StabilizationChecklist = null,
    string? Urgency = null,
    Steady.Core.OnCall.BusinessHoursDefinition? BusinessHours = null,
    int? AckTimeoutSeconds = null)
{
    /// <summary>
    /// The labels whose values group the service's alerts. Absent: unchanged; null: not set, so alerts follow
    /// the sender's own grouping (Alertmanager's group, else each dedup key alone); []: every alert in one group.
    /// </summary>
    public IReadOnlyList<string>? GroupBy
    {
        get;
        init
        {
            field = value;
            GroupBySet = true;
        }
    }

    /// <summary>Whether the body named <see cref="GroupBy"/> at all (null included).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool GroupBySet { get; private init; }
}

public sealed record IntegrationKeyInput(string? Name = null);

/// <summary>Changes to services and their integration keys, shared by the API and the console.</summary>
public sealed class ServiceCommands(SteadyDb db, TimeProvider time)
{
    public async Task<Outcome<Service>> CreateAsync(Actor actor, ServiceInput input, CancellationToken cancellationToken)
    {
        var validation = new Validation().PathName("name", input.Name).Text("description", input.Description, 4000).Url("runbookUrl", input.RunbookUrl);
        if (input.TeamId == Guid.Empty)
            validation.Add("teamId", "'teamId' is required: the team that owns the service.");
        if (validation.ToFailure() is { } invalid)
            return invalid;
        var team = await db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Id == input.TeamId, cancellationToken);
        if (team is null)
            return Failure.Invalid("teamId", $"There is no team with id {input.TeamId}.");
        if (!Permissions.CanManageServicesOf(actor, team.Id))
            return Failure.Forbidden($"Only admins of {team.Name} can add services to it.");
        var name = input.Name.Trim();
        if (await NameTakenAsync(name, null, cancellationToken))
            return Failure.Conflict($"A service named '{name}' already exists.");
        var service = new Service
        {
            Id = Ids.New(time),
            Name = name,
            TeamId = team.Id,
            Description = TeamCommands.Blank(input.Description),
            RunbookUrl = TeamCommands.Blank(input.RunbookUrl),
            CreatedAt = time.GetUtcNow(),
        };
        db.Services.Add(service);
        return await SaveAsync(service, cancellationToken);
    }

    public async Task<Outcome<Service>> UpdateAsync(Actor actor, Guid serviceId, ServicePatch patch, CancellationToken cancellationToken)
    {
        var service = await db.Services.FirstOrDefaultAsync(s => s.Id == serviceId, cancellationToken);
        if (service is null)
            return Failure.NotFound("The service");
        if (!Permissions.CanManageServicesOf(actor, service.TeamId))
            return Failure.Forbidden("Only admins of the owning team can change this service.");
        var validation = new Validation().Text("description", patch.Description, 4000).Url("runbookUrl", patch.RunbookUrl);
        if (patch.Name is not null)
            validation.PathName("name", patch.Name);
        if (patch.GroupBy is { } groupBy && (groupBy.Count > 10 || groupBy.Any(string.IsNullOrWhiteSpace)))
            validation.Add("groupBy", "'groupBy' is at most 10 label names, none empty.");
        if (patch.GroupWindowSeconds is < 0 or > 86400)
            validation.Add("groupWindowSeconds", "'groupWindowSeconds' must be between 0 and 86400.");
        if (patch.FlapThreshold is < 0 or > 1000)
            validation.Add("flapThreshold", "'flapThreshold' must be between 0 (never) and 1000.");
        if (patch.FlapWindowSeconds is < 60 or > 86400)
            validation.Add("flapWindowSeconds", "'flapWindowSeconds' must be between 60 and 86400.");
        if (patch.StabilizationChecklist is { } checklist && (checklist.Count > 30 || checklist.Any(step => string.IsNullOrWhiteSpace(step) || step.Length > 500)))
            validation.Add("stabilizationChecklist", "'stabilizationChecklist' is at most 30 steps, none empty, each at most 500 characters.");
        if (patch.Urgency is not null && !Steady.Core.OnCall.Urgencies.Settings.Contains(patch.Urgency))
            validation.Add("urgency", "'urgency' must be severity (critical and error high, warning and info low), high or low.");
        if (patch.AckTimeoutSeconds is < 0 or > 7 * 86400 or (> 0 and < 60))
            validation.Add("ackTimeoutSeconds", "'ackTimeoutSeconds' must be 0 (never re-trigger) or between 60 and 604800.");
        var businessHours = ReadBusinessHours(patch.BusinessHours, validation);
        if (validation.ToFailure() is { } invalid)
            return invalid;
        if (patch.Urgency is not null)
            service.Urgency = patch.Urgency;
        if (patch.AckTimeoutSeconds is { } ackTimeout)
            service.AckTimeoutSeconds = ackTimeout == 0 ? null : ackTimeout;
        if (patch.BusinessHours is { TimeZone: null, Days: null, Start: null, End: null })
            service.BusinessHours = null;
        else if (businessHours is not null)
            service.BusinessHours = System.Text.Json.JsonSerializer.Serialize(businessHours, Steady.Core.OnCall.Layers.Json);
        if (patch.StabilizationChecklist is not null)
            service.StabilizationChecklist = System.Text.Json.JsonSerializer.Serialize(patch.StabilizationChecklist.Select(step => step.Trim()));
        if (patch.EscalationPolicy is not null)
        {
            if (patch.EscalationPolicy.Length == 0)
            {
                service.EscalationPolicyId = null;
            }
            else if (await db.EscalationPolicyAsync(patch.EscalationPolicy, tracked: false, cancellationToken) is { } policy)
            {
                service.EscalationPolicyId = policy.Id;
            }
            else
            {
                return Failure.Invalid("escalationPolicy", $"There is no escalation policy '{patch.EscalationPolicy}'.");
            }
        }
        if (patch.GroupBySet)
            service.GroupBy = patch.GroupBy is null ? null : System.Text.Json.JsonSerializer.Serialize(patch.GroupBy.Select(g => g.Trim()).Distinct());
        service.GroupWindowSeconds = patch.GroupWindowSeconds ?? service.GroupWindowSeconds;
        service.FlapThreshold = patch.FlapThreshold ?? service.FlapThreshold;
        service.FlapWindowSeconds = patch.FlapWindowSeconds ?? service.FlapWindowSeconds;
        if (patch.TeamId is { } teamId && teamId != service.TeamId)
        {
            if (!await db.Teams.AnyAsync(t => t.Id == teamId, cancellationToken))
                return Failure.Invalid("teamId", $"There is no team with id {teamId}.");
            if (!Permissions.CanManageServicesOf(actor, teamId))
                return Failure.Forbidden("You can move a service only to a team you administer.");
            service.TeamId = teamId;
        }
        if (patch.Name is not null)
        {
            var name = patch.Name.Trim();
            if (await NameTakenAsync(name, service.Id, cancellationToken))
                return Failure.Conflict($"A service named '{name}' already exists.");
            service.Name = name;
        }
        if (patch.Description is not null)
            service.Description = TeamCommands.Blank(patch.Description);
        if (patch.RunbookUrl is not null)
            service.RunbookUrl = TeamCommands.Blank(patch.RunbookUrl);
        // A new policy, or a move to another team, must not make the service page another team's policy (TeamBoundaries).
        var entry = db.Entry(service);
        if (service.EscalationPolicyId is { } policyId && (entry.Property(s => s.EscalationPolicyId).IsModified || entry.Property(s => s.TeamId).IsModified))
        {
            var paging = await db.EscalationPolicies.AsNoTracking().FirstAsync(p => p.Id == policyId, cancellationToken);
            if (await TeamBoundaryChecks.PolicyAsync(db, actor, service.TeamId, new ConfigThing("service", service.Name), paging, cancellationToken) is { } crossing)
            {
                db.ChangeTracker.Clear(); // nothing of the refused change stays in this unit of work
                return crossing;
            }
        }
        return await SaveAsync(service, cancellationToken);
    }

    public async Task<Outcome<Service>> DeleteAsync(Actor actor, Guid serviceId, CancellationToken cancellationToken)
    {
        var service = await db.Services.FirstOrDefaultAsync(s => s.Id == serviceId, cancellationToken);
        if (service is null)
            return Failure.NotFound("The service");
        if (!Permissions.CanManageServicesOf(actor, service.TeamId))
            return Failure.Forbidden("Only admins of the owning team can delete this service.");
        var alerts = await db.Alerts.CountAsync(a => a.ServiceId == serviceId, cancellationToken);
        if (alerts > 0)
            return Failure.Conflict($"{service.Name} has {alerts} alert(s) on record; deleting it would erase that history.");
        db.IntegrationKeys.RemoveRange(await db.IntegrationKeys.Where(k => k.ServiceId == serviceId).ToListAsync(cancellationToken));
        var checks = await db.Checks.Where(c => c.ServiceId == serviceId).Select(c => c.Id).ToListAsync(cancellationToken);
        db.CheckResults.RemoveRange(await db.CheckResults.Where(r => checks.Contains(r.CheckId)).ToListAsync(cancellationToken));
        db.Checks.RemoveRange(await db.Checks.Where(c => c.ServiceId == serviceId).ToListAsync(cancellationToken));
        db.Heartbeats.RemoveRange(await db.Heartbeats.Where(h => h.ServiceId == serviceId).ToListAsync(cancellationToken));
        db.MaintenanceWindows.RemoveRange(await db.MaintenanceWindows.Where(m => m.ServiceId == serviceId).ToListAsync(cancellationToken));
        db.Silences.RemoveRange(await db.Silences.Where(x => x.ServiceId == serviceId).ToListAsync(cancellationToken));
        db.Services.Remove(service);
        await db.SaveChangesAsync(cancellationToken);
        return service;
    }

    public async Task<Outcome<IntegrationKey>> CreateKeyAsync(Actor actor, Guid serviceId, IntegrationKeyInput input, CancellationToken cancellationToken)
    {
        var service = await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Id == serviceId, cancellationToken);
        if (service is null)
            return Failure.NotFound("The service");
        if (!Permissions.CanManageIntegrationKeysOf(actor, service.TeamId))
            return Failure.Forbidden("Only admins of the owning team can create integration keys.");
        var name = string.IsNullOrWhiteSpace(input.Name) ? "default" : input.Name;
        if (new Validation().Name("name", name).ToFailure() is { } invalid)
            return invalid;
        var key = new IntegrationKey
        {
            Id = Ids.New(time),
            ServiceId = service.Id,
            Name = name.Trim(),
            Key = Secrets.NewIntegrationKey(),
            CreatedAt = time.GetUtcNow(),
            CreatedBy = actor.UserId,
        };
        db.IntegrationKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        return key;
    }

    public async Task<Outcome<IntegrationKey>> RevokeKeyAsync(Actor actor, Guid serviceId, Guid keyId, CancellationToken cancellationToken)
    {
        var service = await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Id == serviceId, cancellationToken);
        if (service is null)
            return Failure.NotFound("The service");
        if (!Permissions.CanManageIntegrationKeysOf(actor, service.TeamId))
            return Failure.Forbidden("Only admins of the owning team can revoke integration keys.");
        var key = await db.IntegrationKeys.FirstOrDefaultAsync(k => k.Id == keyId && k.ServiceId == serviceId, cancellationToken);
        if (key is null)
            return Failure.NotFound("The integration key");
        key.RevokedAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return key;
    }

    private Task<bool> NameTakenAsync(string name, Guid? except, CancellationToken cancellationToken)
    {
        var lower = name.ToLowerInvariant();
        return db.Services.AnyAsync(s => s.Name.ToLower() == lower && s.Id != except, cancellationToken);
    }

    private async Task<Outcome<Service>> SaveAsync(Service service, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return service;
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return Failure.Conflict($"A service named '{service.Name}' already exists.");
        }
    }

    /// <summary>Business hours as given (absent: unchanged; {}: none), checked; null when absent, empty or wrong.</summary>
    private static Steady.Core.OnCall.BusinessHoursDefinition? ReadBusinessHours(Steady.Core.OnCall.BusinessHoursDefinition? definition, Validation validation)
    {
        if (definition is null or { TimeZone: null, Days: null, Start: null, End: null })
            return null;
        var errors = new List<string>();
        var parsed = Steady.Core.OnCall.BusinessHours.Parse(definition, errors);
        foreach (var error in errors)
            validation.Add("businessHours", error);
        return parsed is null ? null : definition with { Days = parsed.Days.Select(Steady.Core.OnCall.Layers.DayName).ToList() };
    }
}
