using Microsoft.EntityFrameworkCore;
using NodaTime;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Core.Paging;

namespace Steady.Server.Features.Paging;

/// <summary>
/// Runs one escalation step: who its targets mean right now (a user; whoever a schedule has on call;
/// the next member of a team in turn, whose turn is then stored), and the deliveries each person's
/// notification rules ask for (at once and after their delays), as rows of the outbox.
/// </summary>
public sealed class StepPlanner(SteadyDb db, TimeProvider time)
{
    private Resolver? _resolver;
    private readonly Dictionary<Guid, Person> _people = [];

    /// <summary>
    /// Reads once what the steps of a claim will need (the users, schedules and teams their policies
    /// name); until <see cref="Reset"/>, steps share it, and the people they page are read once each.
    /// </summary>
    public async Task PrepareAsync(IEnumerable<EscalationTarget> targets, CancellationToken cancellationToken) =>
        _resolver = await ResolverAsync(targets.Distinct().ToList(), Instant.FromDateTimeOffset(time.GetUtcNow()), cancellationToken);

    /// <summary>Forgets what was read (after the transaction it was read in ended).</summary>
    public void Reset()
    {
        _resolver = null;
        _people.Clear();
    }

    /// <summary>Runs the policy from the run's position; null when it has nobody left to notify.</summary>
    public async Task<EscalationRun?> RunStepAsync(EscalationRunRecord run, EscalationPolicy policy, IReadOnlyList<EscalationTarget> targets, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var resolved = _resolver ?? await ResolverAsync(targets, Instant.FromDateTimeOffset(now), cancellationToken);
        var result = Escalations.Run(policy, new EscalationPosition(run.Step, run.Pass), resolved.Resolve);
        if (result is not null)
            resolved.Advance(policy.Steps[result.Ran.Step].Targets);
        return result;
    }

    /// <summary>Plans the deliveries of a step that notifies <paramref name="step"/>'s people.</summary>
    public async Task<int> PlanAsync(EscalationRunRecord run, EscalationRun step, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var people = step.Notify.Distinct().ToList();
        await LoadPeopleAsync(people, cancellationToken);
        var label = $"step {step.Ran.Step + 1}" + (step.Ran.Pass > 0 ? $" (repeat {step.Ran.Pass})" : "");
        var planned = 0;
        foreach (var id in people)
            planned += Plan(run, id, run.Urgency, label, new Planned(step.Ran.Step, step.Ran.Pass, DeliveryKinds.Page, null, now));
        return planned;
    }

    /// <summary>
    /// When every step of a policy is empty right now (a schedule's gap, people disabled), the alert must still reach a
    /// person: the enabled admins of the service's team, else the organization's admins, are paged through their own rules
    /// as for a step. Returns their names (none: nobody at all can be paged) and the deliveries planned.
    /// </summary>
    public async Task<(IReadOnlyList<string> Names, int Planned)> PlanFallbackAsync(EscalationRunRecord run, Guid teamId, string label, CancellationToken cancellationToken)
    {
        var people = await db.Memberships.AsNoTracking().Where(m => m.TeamId == teamId && m.Role == TeamRole.Admin)
            .Join(db.Users.AsNoTracking().Where(u => u.DisabledAt == null), m => m.UserId, u => u.Id, (m, u) => u.Id)
            .ToListAsync(cancellationToken);
        if (people.Count == 0)
            people = await db.Users.AsNoTracking().Where(u => u.IsAdmin && u.DisabledAt == null).Select(u => u.Id).ToListAsync(cancellationToken);
        people = [.. people.Distinct().Order()];
        await LoadPeopleAsync(people, cancellationToken);
        var now = time.GetUtcNow();
        var planned = 0;
        foreach (var id in people)
            planned += Plan(run, id, run.Urgency, label, new Planned(run.Step, run.Pass, DeliveryKinds.Page, null, now));
        return ([.. people.Select(id => _people[id].Name ?? "someone")], planned);
    }

    /// <summary>
    /// Tells the person who acknowledged an alert group about a new alert in it: deliveries of the group's run
    /// through that person's notification rules for the alert's urgency (at once and after their delays),
    /// marked <see cref="DeliveryKinds.NewAlertInAcknowledgedGroup"/>, due from <paramref name="due"/>.
    /// </summary>
    public async Task<int> PlanNewAlertAsync(EscalationRunRecord run, Guid person, Guid alertId, Urgency urgency, DateTimeOffset due, CancellationToken cancellationToken)
    {
        await LoadPeopleAsync([person], cancellationToken);
        return Plan(run, person, urgency, "new alert in a group you acknowledged", new Planned(run.Step, run.Pass, DeliveryKinds.NewAlertInAcknowledgedGroup, alertId, due));
    }

    /// <summary>What the deliveries to one person are: their step and pass, kind, the alert a notice is about, and when they are due (before each rule's delay).</summary>
    private sealed record Planned(int Step, int Pass, string Kind, Guid? AlertId, DateTimeOffset Due);

    /// <summary>One person's deliveries: their rules for the urgency, else every contact method at once, else a failure saying they cannot be paged.</summary>
    private int Plan(EscalationRunRecord run, Guid id, Urgency urgency, string label, Planned planned)
    {
        var person = _people[id];
        var own = person.Methods.ToDictionary(m => m.Id);
        var plan = person.Rules.Where(r => r.Urgency.Covers(urgency) && own.ContainsKey(r.ContactMethodId))
            .Select(r => (Method: own[r.ContactMethodId], r.DelayMinutes, Why: r.DelayMinutes == 0 ? $"{label}: at once" : $"{label}: after {r.DelayMinutes} min"))
            .ToList();
        if (plan.Count == 0)
            plan = own.Values.Select(m => (Method: m, DelayMinutes: 0, Why: $"{label}: at once (no {urgency.ToWire()}-urgency rules: every contact method)")).ToList();
        if (plan.Count == 0)
        {
            Add(run, planned, id, urgency, null, null, $"{person.Name ?? "someone"}: no contact method", DeliveryState.FailedPermanent, planned.Due,
                $"{person.Name ?? "This person"} has no contact method, so cannot be paged.", label);
            return 1;
        }
        var count = 0;
        foreach (var (method, delay, why) in plan.DistinctBy(p => (p.Method.Id, p.DelayMinutes)))
        {
            Add(run, planned, id, urgency, method.Id, method.Kind.ToWire(), method.Label, DeliveryState.Queued, planned.Due.AddMinutes(delay), null, why);
            count++;
        }
        return count;
    }

    /// <summary>Names, contact methods and notification rules of the people not read yet, three queries for all of them.</summary>
    private async Task LoadPeopleAsync(List<Guid> people, CancellationToken cancellationToken)
    {
        var missing = people.Where(p => !_people.ContainsKey(p)).ToList();
        if (missing.Count == 0)
            return;
        var names = await db.Users.AsNoTracking().Where(u => missing.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Name, cancellationToken);
        var methods = await db.ContactMethods.AsNoTracking().Where(m => missing.Contains(m.UserId)).ToListAsync(cancellationToken);
        var rules = await db.NotificationRules.AsNoTracking().Where(r => missing.Contains(r.UserId)).ToListAsync(cancellationToken);
        foreach (var id in missing)
            _people[id] = new Person(names.GetValueOrDefault(id), methods.Where(m => m.UserId == id).ToList(), rules.Where(r => r.UserId == id).ToList());
    }

    private sealed record Person(string? Name, List<ContactMethod> Methods, List<NotificationRule> Rules);

    private void Add(EscalationRunRecord run, Planned planned, Guid person, Urgency urgency, Guid? method, string? channel, string target, DeliveryState state, DateTimeOffset due, string? error, string reason)
    {
        var id = Ids.New(time);
        db.Deliveries.Add(new Delivery
        {
            Id = id,
            RunId = run.Id,
            GroupId = run.GroupId,
            IncidentId = run.IncidentId,
            ServiceId = run.ServiceId,
            UserId = person,
            ContactMethodId = method,
            Channel = channel,
            Target = target,
            Step = planned.Step,
            Pass = planned.Pass,
            Urgency = urgency,
            State = state,
            DueAt = due,
            CreatedAt = time.GetUtcNow(),
            Error = error,
            IdempotencyKey = DeliveryKeys.For(id),
            Reason = reason,
            Kind = planned.Kind,
            AlertId = planned.AlertId,
        });
    }

    /// <summary>Everything the policy's targets need, loaded once: users, schedules with overrides, teams' members and turns.</summary>
    private async Task<Resolver> ResolverAsync(IReadOnlyList<EscalationTarget> targets, Instant now, CancellationToken cancellationToken)
    {
        var scheduleIds = targets.Where(t => t.Kind == TargetKind.Schedule).Select(t => t.Id).Distinct().ToList();
        var teamIds = targets.Where(t => t.Kind == TargetKind.TeamRoundRobin).Select(t => t.Id).Distinct().ToList();
        var userIds = targets.Where(t => t.Kind == TargetKind.User).Select(t => t.Id).Distinct().ToList();
        var at = now.ToDateTimeOffset();
        // Only what the policy names is read: a policy of users alone costs one query here.
        var schedules = scheduleIds.Count == 0 ? [] : await db.Schedules.AsNoTracking().Where(s => scheduleIds.Contains(s.Id)).ToListAsync(cancellationToken);
        var overrides = scheduleIds.Count == 0 ? [] : await db.ScheduleOverrides.AsNoTracking().Where(o => scheduleIds.Contains(o.ScheduleId) && o.StartsAt <= at && o.EndsAt > at).ToListAsync(cancellationToken);
        var members = teamIds.Count == 0 ? [] : await db.Memberships.AsNoTracking().Where(m => teamIds.Contains(m.TeamId) && m.Role >= TeamRole.Responder).ToListAsync(cancellationToken);
        var positions = teamIds.Count == 0 ? [] : await db.RoundRobinPositions.Where(p => teamIds.Contains(p.TeamId)).ToDictionaryAsync(p => p.TeamId, cancellationToken);
        var onCall = schedules.ToDictionary(s => s.Id, s => ScheduleCalculator.OnCallAt(Layers.ToRota(s, overrides.Where(o => o.ScheduleId == s.Id)), now));
        // Whoever a target means must be an active user: someone disabled (gone) is never paged, also when a schedule still names them.
        var people = userIds.Concat(members.Select(m => m.UserId)).Concat(onCall.Values.OfType<Guid>()).Distinct().ToList();
        var enabled = await db.Users.AsNoTracking()
            .Where(u => u.DisabledAt == null && people.Contains(u.Id))
            .Select(u => u.Id).ToListAsync(cancellationToken);
        return new Resolver(db, onCall, members, positions, enabled.ToHashSet());
    }

    private sealed class Resolver(SteadyDb db, Dictionary<Guid, Guid?> onCall, List<Membership> members, Dictionary<Guid, RoundRobinPosition> positions, HashSet<Guid> enabled)
    {
        public IReadOnlyList<Guid> Resolve(EscalationTarget target) => target.Kind switch
        {
            TargetKind.User => enabled.Contains(target.Id) ? [target.Id] : [],
            TargetKind.Schedule => onCall.GetValueOrDefault(target.Id) is { } person && enabled.Contains(person) ? [person] : [],
            _ => Turn(target.Id) is { } next ? [next] : [],
        };

        /// <summary>The step ran: each team it named moves on to its next member.</summary>
        public void Advance(IReadOnlyList<EscalationTarget> ran)
        {
            foreach (var team in ran.Where(t => t.Kind == TargetKind.TeamRoundRobin).Select(t => t.Id).Distinct())
            {
                if (Rota(team).Count == 0)
                    continue;
                if (!positions.TryGetValue(team, out var position))
                {
                    position = new RoundRobinPosition { TeamId = team };
                    db.RoundRobinPositions.Add(position);
                    positions[team] = position;
                }
                position.NextIndex = (position.NextIndex + 1) % Rota(team).Count;
            }
        }

        private Guid? Turn(Guid team)
        {
            var rota = Rota(team);
            if (rota.Count == 0)
                return null;
            var index = positions.TryGetValue(team, out var position) ? position.NextIndex : 0;
            return rota[index % rota.Count];
        }

        /// <summary>A team's responders and admins in a stable order (when they joined, then id).</summary>
        private List<Guid> Rota(Guid team) => members.Where(m => m.TeamId == team && enabled.Contains(m.UserId))
            .OrderBy(m => m.CreatedAt).ThenBy(m => m.UserId).Select(m => m.UserId).ToList();
    }
}
