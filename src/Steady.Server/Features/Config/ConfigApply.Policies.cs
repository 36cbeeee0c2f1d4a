using System.Text.Json;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.OnCall;
using Steady.Server.Features.OnCall;

namespace Steady.Server.Features.Config;

/// <summary>
/// Escalation policies: the owning team (the seed's file names none), then the one check and change every surface
/// uses, <c>PolicyCommands.ApplyAsync</c>,
/// with names resolved among the stored objects and those of the file.
/// </summary>
public sealed partial class ConfigApply
{
    private async Task ApplyPolicyAsync(ConfigDocument d, PolicyDocument doc, CancellationToken cancellationToken)
    {
        var existing = doc.Name is null ? null : _policies.GetValueOrDefault(doc.Name.Trim());
        var chain = doc.EscalationChain?.Select(step => new ChainStep(JsonSerializer.SerializeToElement(step.Notify ?? []), step.Wait)).ToList();
        var input = new PolicyInput(existing?.Name ?? doc.Name, null, doc.Description, doc.Repeat, chain);
        var policy = existing ?? new EscalationPolicyRecord { Id = Ids.New(time), Name = "", Steps = "[]", CreatedAt = _now };
        if (await PolicyCommands.ApplyAsync(policy, input, stepsRequired: existing is null, (name, _) => Task.FromResult(Target(name)), cancellationToken) is { } invalid)
        {
            Check(d, invalid);
            return;
        }
        var team = existing is null && doc.Team is null ? TeamOfSchedules(d, policy) : TeamFor(d, doc.Team, existing?.TeamId, "escalation policy");
        if (!_v.IsValid || team is null)
            return;
        if (existing is null)
        {
            policy.TeamId = team.Id;
            db.EscalationPolicies.Add(policy);
            _policies[policy.Name] = policy;
        }
        Track(d, policy);
    }

    /// <summary>The seed's file names no team: a new policy takes the team whose schedules it pages (or the only team there is).</summary>
    private Team? TeamOfSchedules(ConfigDocument d, EscalationPolicyRecord policy)
    {
        var teamIds = policy.ReadSteps().SelectMany(s => s.Targets).Where(t => t.Kind == TargetKind.Schedule)
            .Select(t => _schedules.Values.First(s => s.Id == t.Id).TeamId).Distinct().ToList();
        var team = teamIds.Count == 1 ? _teams.Values.First(t => t.Id == teamIds[0]) : _teams.Count == 1 ? _teams.Values.Single() : null;
        if (team is null && _v.IsValid)
            Error(d, "team", "'team' is required: the team that owns the policy (it pages no single team's schedules to tell from).");
        return team;
    }

    /// <summary>team:NAME, a schedule by name, a user by email, or a user by a name only one person has — the order PolicyCommands resolves in.</summary>
    private EscalationTarget? Target(string name)
    {
        var trimmed = name.Trim();
        if (trimmed.StartsWith("team:", StringComparison.OrdinalIgnoreCase))
            return _teams.TryGetValue(trimmed[5..].Trim(), out var team) ? new EscalationTarget(TargetKind.TeamRoundRobin, team.Id) : null;
        if (_schedules.TryGetValue(trimmed, out var schedule))
            return new EscalationTarget(TargetKind.Schedule, schedule.Id);
        return FindUser(trimmed) is { } user ? new EscalationTarget(TargetKind.User, user.Id) : null;
    }
}
