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

/// <summary>Built-in checks: created, changed, run and removed by the responders of the service's team.</summary>
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

    private static async Task<Results<Created<CheckDto>, ProblemHttpResult>> Create(CheckInput input, SteadyDb db, ActorAccessor actors, OutboundPolicy outbound, WakeSignal<CheckRunner> signal, TimeProvider time, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(input.Service))
            return Failure.Invalid("service", "'service' is required: the service the check watches.").ToProblem();
        var service = await db.ServiceAsync(input.Service, cancellationToken);
        if (service is null)
            return Failure.Invalid("service", $"There is no service '{input.Service}'.").ToProblem();
        var actor = await actors.RequireAsync(cancellationToken);
        if (!Permissions.CanRespondFor(actor, service.TeamId))
            return Problems.Forbidden("Only responders of the service's team can add checks to it.");
        var check = new Check { Id = Ids.New(time), ServiceId = service.Id, Name = "", Target = "", CreatedAt = time.GetUtcNow(), NextRunAt = time.GetUtcNow() };
        if ((Apply(check, input, creating: true) ?? Refusal(outbound, check, actor)) is { } invalid)
            return invalid.ToProblem();
        if (await db.Checks.AnyAsync(c => c.ServiceId == service.Id && c.Name.ToLower() == check.Name.ToLower(), cancellationToken))
            return Failure.Conflict($"{service.Name} already has a check named '{check.Name}'.").ToProblem();
        db.Checks.Add(check);
        await db.SaveChangesAsync(cancellationToken);
        signal.Wake();
        return TypedResults.Created($"/api/v1/checks/{check.Id}", CheckDto.For(actor, service.TeamId, check));
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

    private static async Task<Results<Ok<CheckDto>, ProblemHttpResult>> Update(Guid id, CheckInput input, SteadyDb db, ActorAccessor actors, OutboundPolicy outbound, WakeSignal<CheckRunner> signal, CancellationToken cancellationToken)
    {
        var (check, refused) = await FindForChangeAsync(id, db, actors, cancellationToken);
        if (refused is not null)
            return refused;
        // Only a target being set is checked against the outbound policy: a responder may still pause an admin's loopback check.
        if ((Apply(check!, input, creating: false) ?? (input.Target is null ? null : Refusal(outbound, check!, await actors.RequireAsync(cancellationToken)))) is { } invalid)
            return invalid.ToProblem();
        if (await db.Checks.AnyAsync(c => c.ServiceId == check!.ServiceId && c.Id != id && c.Name.ToLower() == check.Name.ToLower(), cancellationToken))
            return Failure.Conflict($"The service already has a check named '{check!.Name}'.").ToProblem();
        check!.Version++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Failure.Conflict("The check ran (or was changed) while you edited it; try again.").ToProblem();
        }
        signal.Wake();
        return TypedResults.Ok(CheckDto.Responder(check));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, SteadyDb db, ActorAccessor actors, CancellationToken cancellationToken)
    {
        var (check, refused) = await FindForChangeAsync(id, db, actors, cancellationToken);
        if (refused is not null)
            return refused;
        db.CheckResults.RemoveRange(await db.CheckResults.Where(r => r.CheckId == id).ToListAsync(cancellationToken));
        db.Checks.Remove(check!);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<CheckDto>, ProblemHttpResult>> RunNow(Guid id, SteadyDb db, ActorAccessor actors, WakeSignal<CheckRunner> signal, TimeProvider time, CancellationToken cancellationToken)
    {
        var (check, refused) = await FindForChangeAsync(id, db, actors, cancellationToken);
        if (refused is not null)
            return refused;
        check!.NextRunAt = time.GetUtcNow();
        check.Version++;
        db.AuditEvent("run_requested", "check", check.Id, new Dictionary<string, string?> { ["name"] = check.Name }); // its schedule is bookkeeping, not audited
        await db.SaveChangesAsync(cancellationToken);
        signal.Wake();
        return TypedResults.Ok(CheckDto.Responder(check));
    }

    private static async Task<(Check? Check, ProblemHttpResult? Refused)> FindForChangeAsync(Guid id, SteadyDb db, ActorAccessor actors, CancellationToken cancellationToken)
    {
        var check = await db.Checks.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (check is null)
            return (null, Problems.NotFound("The check"));
        var teamId = await db.Services.Where(s => s.Id == check.ServiceId).Select(s => s.TeamId).FirstAsync(cancellationToken);
        return Permissions.CanRespondFor(await actors.RequireAsync(cancellationToken), teamId)
            ? (check, null)
            : (null, Problems.Forbidden("Only responders of the service's team can change its checks."));
    }

    /// <summary>Copies what the input names onto the check, refusing the whole input if any field is wrong.</summary>
    private static Failure? Apply(Check check, CheckInput input, bool creating)
    {
        var v = new Validation();
        var name = input.Name ?? (creating ? null : check.Name);
        v.Name("name", name);
        var kindText = input.Kind ?? (creating ? "http" : check.Kind.ToString());
        CheckKind kind = default;
        if (!Enum.TryParse(kindText, ignoreCase: true, out kind) || !Enum.IsDefined(kind) || kindText.All(char.IsAsciiDigit))
            v.Add("kind", $"'kind' must be http or tcp; got '{kindText}'.");
        var target = input.Target ?? (creating ? null : check.Target);
        if (string.IsNullOrWhiteSpace(target))
            v.Add("target", "'target' is required: a URL for http, host:port for tcp.");
        else if (kind == CheckKind.Http)
            v.Url("target", target);
        else if (!IsHostPort(target))
            v.Add("target", $"'target' must be host:port for a TCP check; got '{target}'.");
        var interval = input.IntervalSeconds ?? check.IntervalSeconds;
        if (interval is < 10 or > 86400)
            v.Add("intervalSeconds", "'intervalSeconds' must be between 10 and 86400.");
        var timeout = input.TimeoutMs ?? check.TimeoutMs;
        if (timeout is < 100 or > 60000)
            v.Add("timeoutMs", "'timeoutMs' must be between 100 and 60000.");
        if (timeout > interval * 1000)
            v.Add("timeoutMs", "'timeoutMs' must not be longer than the interval.");
        if (input.ExpectedStatus is < 100 or > 599)
            v.Add("expectedStatus", "'expectedStatus' must be an HTTP status between 100 and 599.");
        if (input.MaxLatencyMs is < 1 or > 60000)
            v.Add("maxLatencyMs", "'maxLatencyMs' must be between 1 and 60000.");
        v.Text("bodyMatch", input.BodyMatch, 500);
        var severity = check.Severity;
        if (input.Severity is not null)
        {
            if (Severities.Parse(input.Severity) is { } parsed)
                severity = parsed;
            else
                v.Add("severity", $"'severity' must be critical, error, warning or info; got '{input.Severity}'.");
        }
        if (input.FailuresToAlert is < 1 or > 100)
            v.Add("failuresToAlert", "'failuresToAlert' must be between 1 and 100.");
        if (v.ToFailure() is { } invalid)
            return invalid;
        check.Name = name!.Trim();
        check.Kind = kind;
        check.Target = target!.Trim();
        check.IntervalSeconds = interval;
        check.TimeoutMs = timeout;
        check.ExpectedStatus = input.ExpectedStatus ?? (creating ? null : check.ExpectedStatus);
        check.MaxLatencyMs = input.MaxLatencyMs ?? (creating ? null : check.MaxLatencyMs);
        check.BodyMatch = input.BodyMatch is null ? check.BodyMatch : string.IsNullOrEmpty(input.BodyMatch) ? null : input.BodyMatch;
        check.Severity = severity;
        check.FailuresToAlert = input.FailuresToAlert ?? check.FailuresToAlert;
        check.Enabled = input.Enabled ?? check.Enabled;
        return null;
    }

    /// <summary>Whether <paramref name="actor"/> may point the server at the check's target (<see cref="OutboundPolicy"/>).</summary>
    private static Failure? Refusal(OutboundPolicy outbound, Check check, Actor actor)
    {
        var problem = check.Kind == CheckKind.Tcp
            ? outbound.RefusalForHost(CheckInput.SplitHostPort(check.Target).Host, actor.IsAdmin)
            : outbound.RefusalForUrl(check.Target, actor.IsAdmin);
        return problem is null ? null : Failure.Invalid("target", problem);
    }

    private static bool IsHostPort(string target)
    {
        var colon = target.LastIndexOf(':');
        return colon > 0 && int.TryParse(target[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            && port is > 0 and < 65536 && !target[..colon].Contains('/', StringComparison.Ordinal);
    }
}
