using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Server.Features.Teams;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.OnCall;

/// <summary>
/// Creating, replacing and deleting escalation policies, checked and saved in one place for the API and the
/// policy pages: every name in the chain is resolved the way <c>steady apply</c> resolves it (team:NAME, a
/// schedule, a user by email, a user by a name only one person has), and the whole input is refused naming
/// each step that is wrong.
/// </summary>
public sealed class PolicyCommands(SteadyDb db, TimeProvider time)
{
    public async Task<Outcome<EscalationPolicyRecord>> CreateAsync(Actor actor, PolicyInput input, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(input.Team))
            return Failure.Invalid("team", "'team' is required: the team that owns the policy.");
        var team = await db.TeamAsync(input.Team, cancellationToken);
        if (team is null)
            return Failure.Invalid("team", $"There is no team '{input.Team}'.");
        if (!Permissions.CanManageTeam(actor, team.Id))
            return Failure.Forbidden($"Only admins of {team.Name} can create its escalation policies.");
        var policy = new EscalationPolicyRecord { Id = Ids.New(time), Name = "", TeamId = team.Id, Steps = "[]", CreatedAt = time.GetUtcNow() };
        if (await ApplyAsync(actor, policy, input, cancellationToken) is { } invalid)
            return invalid;
        db.EscalationPolicies.Add(policy);
        return await SaveAsync(policy, cancellationToken);
    }

    public async Task<Outcome<EscalationPolicyRecord>> ReplaceAsync(Actor actor, Guid policyId, PolicyInput input, CancellationToken cancellationToken)
    {
        var found = await db.EscalationPolicies.FirstOrDefaultAsync(p => p.Id == policyId, cancellationToken);
        if (found is null)
            return Failure.NotFound("The escalation policy");
        if (!Permissions.CanManageTeam(actor, found.TeamId))
            return Failure.Forbidden("Only admins of the policy's team can change it.");
        if (await ApplyAsync(actor, found, input with { Name = input.Name ?? found.Name }, cancellationToken) is { } invalid)
            return invalid;
        // Nothing changed: no new version and no audit entry (steady apply's "unchanged").
        db.ChangeTracker.DetectChanges();
        if (db.Entry(found).State == EntityState.Modified)
            found.Version++;
        return await SaveAsync(found, cancellationToken);
    }

    public async Task<Outcome<EscalationPolicyRecord>> DeleteAsync(Actor actor, Guid policyId, CancellationToken cancellationToken)
    {
        var found = await db.EscalationPolicies.FirstOrDefaultAsync(p => p.Id == policyId, cancellationToken);
        if (found is null)
            return Failure.NotFound("The escalation policy");
        if (!Permissions.CanManageTeam(actor, found.TeamId))
            return Failure.Forbidden("Only admins of the policy's team can delete it.");
        var users = await db.Services.Where(s => s.EscalationPolicyId == found.Id).Select(s => s.Name).ToListAsync(cancellationToken);
        if (users.Count > 0)
            return Failure.Conflict($"{found.Name} pages for {string.Join(", ", users.Take(5))}; give those services another policy first.");
        var lines = await db.EmergencyAgreements.Where(a => a.EscalationPolicyId == found.Id).Select(a => a.Client).ToListAsync(cancellationToken);
        if (lines.Count > 0)
            return Failure.Conflict($"{found.Name} pages for the emergency line of {string.Join(", ", lines.Take(5))}; give those lines another policy first.");
        db.EscalationPolicies.Remove(found);
        await db.SaveChangesAsync(cancellationToken);
        return found;
    }

    /// <summary>
    /// The policy the input would make, checked as saving would check it but not saved: the console's "who would be
    /// paged now" before Save. A name is not needed to see that. Nothing is tracked, so nothing can be written by accident.
    /// </summary>
    public async Task<Outcome<EscalationPolicyRecord>> PreviewAsync(Guid? policyId, PolicyInput input, CancellationToken cancellationToken)
    {
        var existing = policyId is { } id ? await db.EscalationPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken) : null;
        if (policyId is not null && existing is null)
            return Failure.NotFound("The escalation policy");
        var draft = new EscalationPolicyRecord
        {
            Id = existing?.Id ?? Guid.Empty,
            Name = existing?.Name ?? "",
            TeamId = existing?.TeamId ?? Guid.Empty,
            Description = existing?.Description,
            Repeat = existing?.Repeat ?? 0,
            Steps = existing?.Steps ?? "[]",
            CreatedAt = existing?.CreatedAt ?? time.GetUtcNow(),
        };
        var name = string.IsNullOrWhiteSpace(input.Name) ? (existing?.Name ?? "unsaved") : input.Name;
        if (await ApplyAsync(null, draft, input with { Name = name }, cancellationToken) is { } invalid)
            return invalid;
        return draft;
    }

    private async Task<Outcome<EscalationPolicyRecord>> SaveAsync(EscalationPolicyRecord policy, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return policy;
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return Failure.Conflict($"An escalation policy named '{policy.Name}' already exists.");
        }
    }

    /// <summary>
    /// The one check below, with names resolved in the database and, for an <paramref name="actor"/> (not for a preview),
    /// refusing what it would name of another team (<see cref="TeamBoundaryChecks"/>).
    /// </summary>
    private Task<Failure?> ApplyAsync(Actor? actor, EscalationPolicyRecord policy, PolicyInput input, CancellationToken cancellationToken) =>
        ApplyAsync(policy, input, stepsRequired: true, ResolveAsync, cancellationToken,
            actor is null ? null : added => TeamBoundaryChecks.TargetsAsync(db, actor, policy.TeamId, new ConfigThing("escalation policy", input.Name!.Trim()), added, cancellationToken));

    /// <summary>
    /// The one check of an escalation policy: resolves every name in the chain through <paramref name="resolve"/> (the
    /// database for the API and the console; for <c>steady apply</c>, the objects of its file too), refuses the whole
    /// input naming each step that is wrong, then asks <paramref name="boundary"/> (if any) about the targets it adds,
    /// and changes the policy only when all is right. Without <paramref name="stepsRequired"/> an absent chain keeps
    /// the policy's steps (a file that leaves them out). <c>steady apply</c> checks team boundaries over its whole file.
    /// </summary>
    public static async Task<Failure?> ApplyAsync(
        EscalationPolicyRecord policy, PolicyInput input, bool stepsRequired, Func<string, CancellationToken, Task<EscalationTarget?>> resolve, CancellationToken cancellationToken,
        Func<IEnumerable<EscalationTarget>, Task<Failure?>>? boundary = null)
    {
        var v = new Validation().PathName("name", input.Name).Text("description", input.Description, 2000);
        if (input.Repeat is < 0 or > 9)
            v.Add("repeat", "'repeat' must be between 0 and 9.");
        var chain = input.EscalationChain;
        if (chain is null && stepsRequired)
            chain = [];
        if (chain is { Count: 0 })
            v.Add("escalation_chain", "'escalation_chain' needs at least one step.");
        if (chain is { Count: > 20 })
            v.Add("escalation_chain", "'escalation_chain' may have at most 20 steps.");
        var steps = new List<StoredStep>();
        for (var i = 0; chain is not null && i < chain.Count && i < 20; i++)
        {
            var path = $"escalation_chain[{i}]";
            var names = chain[i].Notify.ValueKind switch
            {
                JsonValueKind.String => [chain[i].Notify.GetString()!],
                JsonValueKind.Array when chain[i].Notify.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) => chain[i].Notify.EnumerateArray().Select(e => e.GetString()!).ToList(),
                _ => (List<string>?)null,
            };
            if (names is null || names.Count == 0)
            {
                v.Add(path, $"{path}.notify must be a name or a list of names (a schedule, a user's email or name, or team:NAME).");
                continue;
            }
            var wait = chain[i].Wait is null ? EscalationPolicy.DefaultWait : Durations.Parse(chain[i].Wait);
            if (wait is null || wait.Value.TotalMinutes < 1 || wait.Value.TotalDays > 1)
                v.Add(path, $"{path}.wait '{chain[i].Wait}' must be a duration between 1m and 1d, like 5m.");
            var targets = new List<EscalationTarget>();
            foreach (var name in names)
            {
                if (await resolve(name, cancellationToken) is { } target)
                    targets.Add(target);
                else
                    v.Add(path, $"{path}.notify '{name}' is neither a schedule, a user (email or name), nor team:NAME.");
            }
            if (wait is not null)
                steps.Add(new StoredStep(targets, (int)wait.Value.TotalSeconds));
        }
        if (v.ToFailure() is { } invalid)
            return invalid;
        if (boundary is not null && await boundary(steps.SelectMany(s => s.Targets).Except(policy.ReadSteps().SelectMany(s => s.Targets))) is { } crossing)
            return crossing;
        policy.Name = input.Name!.Trim();
        if (input.Description is not null)
            policy.Description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim();
        policy.Repeat = input.Repeat ?? policy.Repeat;
        if (chain is not null)
            policy.Steps = EscalationPolicyRecord.WriteSteps(steps);
        return null;
    }

    /// <summary>A schedule by name first (the seed's "primary_engineer" reads as a rota), then a user by email or name, or team:NAME.</summary>
    private async Task<EscalationTarget?> ResolveAsync(string name, CancellationToken cancellationToken)
    {
        var trimmed = name.Trim();
        if (trimmed.StartsWith("team:", StringComparison.OrdinalIgnoreCase))
            return await db.TeamAsync(trimmed[5..], cancellationToken) is { } team ? new EscalationTarget(TargetKind.TeamRoundRobin, team.Id) : null;
        if (await db.ScheduleAsync(trimmed, tracked: false, cancellationToken) is { } schedule)
            return new EscalationTarget(TargetKind.Schedule, schedule.Id);
        if (await db.UserAsync(trimmed, cancellationToken) is { } byEmail)
            return new EscalationTarget(TargetKind.User, byEmail.Id);
        var lower = trimmed.ToLowerInvariant();
        var byName = await db.Users.AsNoTracking().Where(u => u.Name.ToLower() == lower).Select(u => u.Id).Take(2).ToListAsync(cancellationToken);
        return byName.Count == 1 ? new EscalationTarget(TargetKind.User, byName[0]) : null;
    }
}
