using Microsoft.EntityFrameworkCore;
using Steady.Core.Accounts;
using Steady.Core.OnCall;
using Steady.Core.Services;
using Steady.Server.Features.Teams;

namespace Steady.Server.Features.Config;

/// <summary>
/// Team boundaries (<see cref="TeamBoundaries"/>), as the commands check them: what a changed schedule, policy
/// or service newly names of another team — people, schedules, team round-robins, a policy — on the state the
/// file leads to (its own teams' members included), refused with the commands' words.
/// </summary>
public sealed partial class ConfigApply
{
    private string? Crossing(Actor actor, object subject, bool created)
    {
        if (actor.IsAdmin)
            return null;
        switch (subject)
        {
            case Schedule s:
            {
                var before = created ? Enumerable.Empty<Guid>() : Layers.Read((string)db.Entry(s).Property(x => x.Layers).OriginalValue!).SelectMany(l => l.Participants);
                var added = Layers.Read(s.Layers).SelectMany(l => l.Participants).Except(before);
                return People(actor, s.TeamId, new ConfigThing("schedule", s.Name), added);
            }
            case EscalationPolicyRecord p:
            {
                var before = created ? Enumerable.Empty<EscalationTarget>() : EscalationPolicyRecord.ParseSteps((string)db.Entry(p).Property(x => x.Steps).OriginalValue!).SelectMany(step => step.Targets);
                var added = p.ReadSteps().SelectMany(step => step.Targets).Except(before).ToList();
                var what = new ConfigThing("escalation policy", p.Name);
                foreach (var target in added.Where(t => t.Kind == TargetKind.Schedule))
                {
                    var schedule = _schedules.Values.First(x => x.Id == target.Id);
                    if (!TeamBoundaries.MayName(actor, p.TeamId, schedule.TeamId))
                        return Refusal(p.TeamId, what, $"{TeamName(schedule.TeamId)}'s schedule '{schedule.Name}'");
                }
                foreach (var target in added.Where(t => t.Kind == TargetKind.TeamRoundRobin))
                {
                    if (!TeamBoundaries.MayName(actor, p.TeamId, target.Id))
                        return Refusal(p.TeamId, what, $"the members of {TeamName(target.Id)}");
                }
                return People(actor, p.TeamId, what, added.Where(t => t.Kind == TargetKind.User).Select(t => t.Id));
            }
            case Service s when s.EscalationPolicyId is { } policyId
                && (created || db.Entry(s).Property(x => x.EscalationPolicyId).IsModified || db.Entry(s).Property(x => x.TeamId).IsModified):
            {
                var policy = _policies.Values.First(x => x.Id == policyId);
                return TeamBoundaries.MayName(actor, s.TeamId, policy.TeamId)
                    ? null
                    : Refusal(s.TeamId, new ConfigThing("service", s.Name), $"{TeamName(policy.TeamId)}'s escalation policy '{policy.Name}'");
            }
            default:
                return null;
        }
    }

    private string? People(Actor actor, Guid owner, ConfigThing what, IEnumerable<Guid> people)
    {
        var crossing = people.Distinct()
            .Where(id => !TeamBoundaries.MayNamePerson(actor, owner, _memberships.Where(m => m.UserId == id && db.Entry(m).State != EntityState.Deleted).Select(m => m.TeamId).ToList()))
            .Select(id => _users.Values.First(u => u.Id == id).Name)
            .Order(StringComparer.Ordinal)
            .ToList();
        return crossing.Count == 0 ? null : Refusal(owner, what, $"{string.Join(", ", crossing)}, who {(crossing.Count == 1 ? "is" : "are")} not in the team");
    }

    private string Refusal(Guid owner, ConfigThing what, string other) => TeamBoundaryChecks.Refusal(TeamName(owner), what, other);

    private string TeamName(Guid team) => _teams.Values.FirstOrDefault(t => t.Id == team)?.Name ?? "another team";
}
