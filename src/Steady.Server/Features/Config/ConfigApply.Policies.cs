using NodaTime;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.OnCall;

namespace Steady.Server.Features.Config;

/// <summary>Escalation policies and their chains (targets by schedule, user or team:NAME).</summary>
public sealed partial class ConfigApply
{
    private void ApplyPolicy(ConfigDocument d, PolicyDocument doc)
    {
        var v = new Validation().PathName("name", doc.Name).Text("description", doc.Description, 2000);
        if (doc.Repeat is < 0 or > 9)
            v.Add("repeat", "'repeat' must be between 0 and 9.");
        Check(d, v);
        var existing = doc.Name is null ? null : _policies.GetValueOrDefault(doc.Name.Trim());
        var chain = doc.EscalationChain;
        if (chain is null && existing is null)
            Error(d, "escalation_chain", "'escalation_chain' needs at least one step.");
        var steps = new List<StoredStep>();
        if (chain is not null)
        {
            if (chain.Count is 0 or > 20)
                Error(d, "escalation_chain", "'escalation_chain' needs between 1 and 20 steps.");
            for (var i = 0; i < chain.Count && i < 20; i++)
            {
                var path = $"escalation_chain[{i}]";
                var wait = chain[i].Wait is null ? EscalationPolicy.DefaultWait : Durations.Parse(chain[i].Wait);
                if (wait is null || wait.Value.TotalMinutes < 1 || wait.Value.TotalDays > 1)
                    Error(d, $"{path}.wait", $"{path}.wait '{chain[i].Wait}' must be a duration between 1m and 1d, like 5m.");
                if (chain[i].Notify is not { Count: > 0 } names)
                {
                    Error(d, $"{path}.notify", $"{path}.notify must be a name or a list of names (a schedule, a user's email or name, or team:NAME).");
                    continue;
                }
                var targets = new List<EscalationTarget>();
                foreach (var name in names)
                {
                    if (Target(name) is { } target)
                        targets.Add(target);
                    else
                        Error(d, $"{path}.notify", $"{path}.notify '{name}' is neither a schedule, a user (email or name), nor team:NAME.");
                }
                steps.Add(new StoredStep(targets, (int)(wait ?? Duration.Zero).TotalSeconds));
            }
        }
        // The seed's file names no team: the policy keeps its own, or takes the one whose schedules it pages.
        Team? team;
        if (doc.Team is null && existing is null)
        {
            var teamIds = steps.SelectMany(s => s.Targets).Where(t => t.Kind == TargetKind.Schedule)
                .Select(t => _schedules.Values.First(s => s.Id == t.Id).TeamId).Distinct().ToList();
            team = teamIds.Count == 1 ? _teams.Values.First(t => t.Id == teamIds[0]) : _teams.Count == 1 ? _teams.Values.Single() : null;
            if (team is null && _v.IsValid)
                Error(d, "team", "'team' is required: the team that owns the policy (it pages no single team's schedules to tell from).");
        }
        else
        {
            team = TeamFor(d, doc.Team, existing?.TeamId, "escalation policy");
        }
        if (!_v.IsValid || team is null)
            return;
        var policy = existing;
        if (policy is null)
        {
            policy = new EscalationPolicyRecord { Id = Ids.New(time), Name = doc.Name!.Trim(), TeamId = team.Id, Steps = "[]", CreatedAt = _now };
            db.EscalationPolicies.Add(policy);
            _policies[policy.Name] = policy;
        }
        if (doc.Description is not null)
            policy.Description = Blank(doc.Description);
        if (doc.Repeat is { } repeat)
            policy.Repeat = repeat;
        if (chain is not null)
            policy.Steps = EscalationPolicyRecord.WriteSteps(steps);
        Track(d, policy);
    }

    /// <summary>team:NAME, a schedule by name, a user by email, or a user by a name only one person has — the order PoliciesApi resolves in.</summary>
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
