using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Alerts;
using Steady.Server.Data;
using Steady.Server.Features.Accounts;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Checks;

public sealed record CheckInput(
    string? Service = null, string? Name = null, string? Kind = null, string? Target = null, int? IntervalSeconds = null, int? TimeoutMs = null,
    int? ExpectedStatus = null, int? MaxLatencyMs = null, string? BodyMatch = null, string? Severity = null, int? FailuresToAlert = null, bool? Enabled = null)
{
    public static (string Host, int Port) SplitHostPort(string target)
    {
        var colon = target.LastIndexOf(':');
        return (target[..colon].Trim('[', ']'), int.Parse(target[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }
}

public sealed record CheckResultDto(DateTimeOffset At, bool Ok, int LatencyMs, int? StatusCode, string Message);

public sealed record CheckDto(
    Guid Id, Guid ServiceId, string Name, string Kind, string Target, int IntervalSeconds, int TimeoutMs, int? ExpectedStatus, int? MaxLatencyMs,
    string? BodyMatch, string Severity, int FailuresToAlert, bool Enabled, DateTimeOffset NextRunAt, DateTimeOffset? LastRunAt, bool? LastOk,
    string? LastMessage, int ConsecutiveFailures, bool Alerting, IReadOnlyList<CheckResultDto>? Results = null)
{
    /// <summary>The check as <paramref name="viewer"/> may see it: its target in full only to responders of its team (<paramref name="teamId"/>), masked to others.</summary>
    public static CheckDto For(Actor viewer, Guid teamId, Check c, IReadOnlyList<CheckResultDto>? results = null) =>
        From(c, Permissions.CanRespondFor(viewer, teamId) ? c.Target : CheckTargets.Masked(c.Kind, c.Target), results);

    /// <summary>The check in full, for a responder of its team (who just changed or ran it).</summary>
    public static CheckDto Responder(Check c) => From(c, c.Target, null);

    private static CheckDto From(Check c, string target, IReadOnlyList<CheckResultDto>? results) => new(
        c.Id, c.ServiceId, c.Name, c.Kind.ToString().ToLowerInvariant(), target, c.IntervalSeconds, c.TimeoutMs, c.ExpectedStatus, c.MaxLatencyMs,
        c.BodyMatch, c.Severity.ToWire(), c.FailuresToAlert, c.Enabled, c.NextRunAt, c.LastRunAt, c.LastOk, c.LastMessage, c.ConsecutiveFailures, c.Alerting, results);
}

/// <summary>Built-in checks: created, changed, run and removed by the responders of the service's team, through <see cref="CheckCommands"/> (the service page uses the same).</summary>
public static class ChecksApi
{
    public static RouteGroupBuilder MapChecksApi(this RouteGroupBuilder api)
    {
        var checks = api.MapGroup("/checks").WithTags("Checks");
        checks.MapGet("/", List).WithSummary("Checks, optionally of one service, with their last result");
        checks.MapPost("/", Create).WithSummary("Add an HTTP(S) or TCP check to a service (responders of its team)");
        checks.MapGet("/{id:guid}", Get).WithSummary("A check with its recent results");
        checks.MapPatch("/{id:guid}", Update).WithSummary("Change a check (responders of its team)");
        checks.MapDelete("/{id:guid}", Delete).WithSummary("Remove a check (responders of its team)");
        checks.MapPost("/{id:guid}/run", RunNow).WithSummary("Run a check now (responders of its team)");
        return api;
    }

    private static async Task<Results<Ok<IReadOnlyList<CheckDto>>, ProblemHttpResult>> List(string? service, SteadyDb db, ActorAccessor actors, CancellationToken cancellationToken)
    {
        var actor = await actors.RequireAsync(cancellationToken);
        var query = db.Checks.AsNoTracking();
        if (!string.IsNullOrEmpty(service))
        {
            var found = await db.ServiceAsync(service, cancellationToken);
            if (found is null)
                return Problems.NotFound($"Service '{service}'");
            query = query.Where(c => c.ServiceId == found.Id);
        }
        var rows = await query.OrderBy(c => c.Name).Take(1000).ToListAsync(cancellationToken);
        var serviceIds = rows.Select(c => c.ServiceId).Distinct().ToList();
        var teams = await db.Services.AsNoTracking().Where(s => serviceIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.TeamId, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<CheckDto>>(rows.Select(c => CheckDto.For(actor, teams[c.ServiceId], c)).ToList());
    }

    private static async Task<Results<Created<CheckDto>, ProblemHttpResult>> Create(CheckInput input, ActorAccessor actors, CheckCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.CreateAsync(await actors.RequireAsync(cancellationToken), input, cancellationToken);
        return outcome.Succeeded ? TypedResults.Created($"/api/v1/checks/{outcome.Value!.Id}", CheckDto.Responder(outcome.Value)) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<CheckDto>, ProblemHttpResult>> Get(Guid id, SteadyDb db, ActorAccessor actors, CancellationToken cancellationToken)
    {
        var check = await db.Checks.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (check is null)
            return Problems.NotFound("The check");
        var teamId = await db.Services.Where(s => s.Id == check.ServiceId).Select(s => s.TeamId).FirstAsync(cancellationToken);
        return TypedResults.Ok(CheckDto.For(await actors.RequireAsync(cancellationToken), teamId, check, await ResultsOfAsync(db, id, cancellationToken)));
    }

    internal static async Task<IReadOnlyList<CheckResultDto>> ResultsOfAsync(SteadyDb db, Guid checkId, CancellationToken cancellationToken) =>
        await db.CheckResults.AsNoTracking().Where(r => r.CheckId == checkId).OrderByDescending(r => r.At).ThenByDescending(r => r.Id).Take(50)
            .Select(r => new CheckResultDto(r.At, r.Ok, r.LatencyMs, r.StatusCode, r.Message)).ToListAsync(cancellationToken);

    private static async Task<Results<Ok<CheckDto>, ProblemHttpResult>> Update(Guid id, CheckInput input, ActorAccessor actors, CheckCommands commands, CancellationToken cancellationToken) =>
        Answer(await commands.UpdateAsync(await actors.RequireAsync(cancellationToken), id, input, cancellationToken));

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, ActorAccessor actors, CheckCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.DeleteAsync(await actors.RequireAsync(cancellationToken), id, cancellationToken);
        return outcome.Succeeded ? TypedResults.NoContent() : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<CheckDto>, ProblemHttpResult>> RunNow(Guid id, ActorAccessor actors, CheckCommands commands, CancellationToken cancellationToken) =>
        Answer(await commands.RunNowAsync(await actors.RequireAsync(cancellationToken), id, cancellationToken));

    private static Results<Ok<CheckDto>, ProblemHttpResult> Answer(Outcome<Check> outcome) =>
        outcome.Succeeded ? TypedResults.Ok(CheckDto.Responder(outcome.Value!)) : outcome.Failure!.ToProblem();
}
