using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Server.Features.Accounts;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.OnCall;

/// <summary>
/// A policy as people write it — the seed's escalation-policy.yaml, as JSON: each step's "notify" is
/// a schedule name, a user's email or name, or a list of them ("team:NAME" for a team's members in
/// turn), and "wait" a duration like 5m. The last step's wait is how long before a repeat.
/// </summary>
public sealed record PolicyInput(
    string? Name = null,
    string? Team = null,
    string? Description = null,
    int? Repeat = null,
    [property: System.Text.Json.Serialization.JsonPropertyName("escalation_chain")] IReadOnlyList<ChainStep>? EscalationChain = null);

public sealed record ChainStep(JsonElement Notify, string? Wait = null);

public sealed record TargetDto(string Type, Guid Id, string Name);

public sealed record StepDto(IReadOnlyList<TargetDto> Notify, int WaitSeconds, string Wait);

/// <summary>Who a step would notify at an instant: each target and the people it means then (a gap: nobody).</summary>
public sealed record StepOnCallDto(int Step, string Wait, IReadOnlyList<TargetOnCallDto> Targets);

public sealed record TargetOnCallDto(string Type, Guid Id, string Name, IReadOnlyList<PersonDto> People);

public sealed record PersonDto(Guid Id, string Name, string Email);

public sealed record PolicyOnCallDto(Guid PolicyId, string Name, DateTimeOffset At, IReadOnlyList<StepOnCallDto> Steps);

public sealed record PolicyDto(Guid Id, string Name, Guid TeamId, string? Description, int Repeat, IReadOnlyList<StepDto> Steps, IReadOnlyList<string> Services);

public static class PoliciesApi
{
    public static RouteGroupBuilder MapPoliciesApi(this RouteGroupBuilder api)
    {
        var policies = api.MapGroup("/escalation-policies").WithTags("Escalation policies");
        policies.MapGet("/", List).WithSummary("Escalation policies");
        policies.MapPost("/", Create).WithSummary("Create a policy from steps (the seed's escalation_chain format) (admins of its team; another team's schedules, people or team:NAME only for admins of both)");
        policies.MapGet("/{policy}", Get).WithSummary("A policy by id or name, with its steps and the services that use it");
        policies.MapPut("/{policy}", Replace).WithSummary("Replace a policy's steps (admins of its team; adding another team's schedules, people or team:NAME only for admins of both)");
        policies.MapDelete("/{policy}", Delete).WithSummary("Delete a policy no service uses (admins of its team)");
        policies.MapGet("/{policy}/oncall", OnCall).WithSummary("Who each step would notify now (or ?at=): the users, whoever is on call in the schedules, a team's members");
        return api;
    }

    private static async Task<Ok<IReadOnlyList<PolicyDto>>> List(SteadyDb db, CancellationToken cancellationToken)
    {
        var rows = await db.EscalationPolicies.AsNoTracking().OrderBy(p => p.Name).ToListAsync(cancellationToken);
        var result = new List<PolicyDto>();
        foreach (var row in rows)
            result.Add(await DtoAsync(db, row, cancellationToken));
        return TypedResults.Ok<IReadOnlyList<PolicyDto>>(result);
    }

    private static async Task<Results<Created<PolicyDto>, ProblemHttpResult>> Create(PolicyInput input, SteadyDb db, ActorAccessor actors, PolicyCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.CreateAsync(await actors.RequireAsync(cancellationToken), input, cancellationToken);
        return outcome.Succeeded
            ? TypedResults.Created($"/api/v1/escalation-policies/{outcome.Value!.Id}", await DtoAsync(db, outcome.Value, cancellationToken))
            : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<PolicyDto>, ProblemHttpResult>> Get(string policy, SteadyDb db, CancellationToken cancellationToken)
    {
        var found = await db.EscalationPolicyAsync(policy, false, cancellationToken);
        return found is null ? Problems.NotFound($"Escalation policy '{policy}'") : TypedResults.Ok(await DtoAsync(db, found, cancellationToken));
    }

    private static async Task<Results<Ok<PolicyDto>, ProblemHttpResult>> Replace(string policy, PolicyInput input, SteadyDb db, ActorAccessor actors, PolicyCommands commands, CancellationToken cancellationToken)
    {
        var found = await db.EscalationPolicyAsync(policy, false, cancellationToken);
        if (found is null)
            return Problems.NotFound($"Escalation policy '{policy}'");
        var outcome = await commands.ReplaceAsync(await actors.RequireAsync(cancellationToken), found.Id, input, cancellationToken);
        return outcome.Succeeded ? TypedResults.Ok(await DtoAsync(db, outcome.Value!, cancellationToken)) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string policy, SteadyDb db, ActorAccessor actors, PolicyCommands commands, CancellationToken cancellationToken)
    {
        var found = await db.EscalationPolicyAsync(policy, false, cancellationToken);
        if (found is null)
            return Problems.NotFound($"Escalation policy '{policy}'");
        var outcome = await commands.DeleteAsync(await actors.RequireAsync(cancellationToken), found.Id, cancellationToken);
        return outcome.Succeeded ? TypedResults.NoContent() : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<PolicyOnCallDto>, ProblemHttpResult>> OnCall(string policy, DateTimeOffset? at, SteadyDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        var found = await db.EscalationPolicyAsync(policy, false, cancellationToken);
        if (found is null)
            return Problems.NotFound($"Escalation policy '{policy}'");
        return TypedResults.Ok(await OnCallAsync(db, found, (at ?? time.GetUtcNow()).ToUniversalTime(), cancellationToken));
    }

    /// <summary>Each step's targets resolved at an instant, shared with the console.</summary>
    internal static async Task<PolicyOnCallDto> OnCallAsync(SteadyDb db, EscalationPolicyRecord policy, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var dto = await DtoAsync(db, policy, cancellationToken);
        var people = await db.Users.AsNoTracking().Where(u => u.DisabledAt == null).ToDictionaryAsync(u => u.Id, u => new PersonDto(u.Id, u.Name, u.Email), cancellationToken);
        var steps = new List<StepOnCallDto>();
        for (var i = 0; i < dto.Steps.Count; i++)
        {
            var targets = new List<TargetOnCallDto>();
            foreach (var target in dto.Steps[i].Notify)
            {
                IReadOnlyList<Guid> ids = target.Type switch
                {
                    "user" => [target.Id],
                    "schedule" => await db.Schedules.AsNoTracking().FirstOrDefaultAsync(s => s.Id == target.Id, cancellationToken) is { } schedule
                        && (await SchedulesApi.FinalAsync(db, schedule, at, at.AddMinutes(1), cancellationToken)).FirstOrDefault()?.UserId is { } onCall ? [onCall] : [],
                    _ => await db.Memberships.AsNoTracking().Where(m => m.TeamId == target.Id && m.Role != TeamRole.Viewer).Select(m => m.UserId).ToListAsync(cancellationToken),
                };
                targets.Add(new TargetOnCallDto(target.Type, target.Id, target.Name, ids.Where(people.ContainsKey).Select(id => people[id]).OrderBy(p => p.Name).ToList()));
            }
            steps.Add(new StepOnCallDto(i + 1, dto.Steps[i].Wait, targets));
        }
        return new PolicyOnCallDto(policy.Id, policy.Name, at, steps);
    }

    internal static async Task<PolicyDto> DtoAsync(SteadyDb db, EscalationPolicyRecord policy, CancellationToken cancellationToken)
    {
        var steps = policy.ReadSteps();
        var ids = steps.SelectMany(s => s.Targets).Select(t => t.Id).Distinct().ToList();
        var users = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Name, cancellationToken);
        var schedules = await db.Schedules.AsNoTracking().Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        var teams = await db.Teams.AsNoTracking().Where(t => ids.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
        string NameOf(EscalationTarget t) => t.Kind switch
        {
            TargetKind.User => users.GetValueOrDefault(t.Id) ?? "(deleted user)",
            TargetKind.Schedule => schedules.GetValueOrDefault(t.Id) ?? "(deleted schedule)",
            _ => teams.GetValueOrDefault(t.Id) ?? "(deleted team)",
        };
        var services = await db.Services.AsNoTracking().Where(s => s.EscalationPolicyId == policy.Id).OrderBy(s => s.Name).Select(s => s.Name).ToListAsync(cancellationToken);
        return new PolicyDto(policy.Id, policy.Name, policy.TeamId, policy.Description, policy.Repeat,
            steps.Select(s => new StepDto(
                s.Targets.Select(t => new TargetDto(t.Kind switch { TargetKind.User => "user", TargetKind.Schedule => "schedule", _ => "team" }, t.Id, NameOf(t))).ToList(),
                s.WaitSeconds,
                Durations.Format(NodaTime.Duration.FromSeconds(s.WaitSeconds)))).ToList(),
            services);
    }
}
