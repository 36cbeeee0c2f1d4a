using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Accounts;
using Steady.Server.Data;
using Steady.Server.Features.Accounts;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.EmergencyLines;

public sealed record SubmittedDto(Guid Id, int Incident, string Message);

/// <summary>Emergency lines: agreements and submissions for admins and triage; the client's intake by secret key.</summary>
public static class EmergencyLinesApi
{
    public static RouteGroupBuilder MapEmergencyLinesApi(this RouteGroupBuilder api)
    {
        var lines = api.MapGroup("/emergency-lines").WithTags("Emergency lines");
        lines.MapGet("/", List).WithSummary("Agreements with their intake keys (organization admins)");
        lines.MapPost("/", Create).WithSummary("Write down an agreement: covered severities, hours, purpose, boundaries, service, policy (organization admins)");
        lines.MapPatch("/{id:guid}", Update).WithSummary("Change an agreement: any field create takes (commander \"\" goes back to whoever wrote it down); the intake key stays (organization admins)");
        lines.MapPost("/{id:guid}/reinstate", Reinstate).WithSummary("Reinstate a suspended line (organization admins)");
        lines.MapGet("/{id:guid}/submissions", Submissions).WithSummary("A line's submissions (organization admins)");
        api.MapPost("/emergency-submissions/{id:guid}/misuse", Misuse).WithTags("Emergency lines").WithSummary("Triage: mark a submission as misuse (responders of the line's service team); repeated misuse suspends the line");
        return api;
    }

    /// <summary>The client's side, keyed by the line's secret: read the boundaries, submit.</summary>
    public static IEndpointRouteBuilder MapEmergencyIntake(this IEndpointRouteBuilder app)
    {
        var intake = app.MapGroup("/emergency-line").WithTags("Emergency lines").AllowAnonymous();
        intake.MapGet("/{key}", Boundaries).WithSummary("The line's written boundaries, and whether it is open");
        intake.MapPost("/{key}", Submit).WithSummary("Submit an emergency: opens a triage incident and pages the agreement's policy");
        return app;
    }

    private static async Task<Results<Ok<IReadOnlyList<AgreementDto>>, ProblemHttpResult>> List(SteadyDb db, ActorAccessor actors, CancellationToken cancellationToken)
    {
        if (!Permissions.CanAdministerOrganization(await actors.RequireAsync(cancellationToken)))
            return Problems.Forbidden("Only organization admins can see emergency lines and their keys.");
        var rows = await db.EmergencyAgreements.AsNoTracking().OrderBy(a => a.Client).ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<AgreementDto>>(rows.Select(AgreementDto.From).ToList());
    }

    private static async Task<Results<Created<AgreementDto>, ProblemHttpResult>> Create(AgreementInput input, ActorAccessor actors, EmergencyLineCommands lines, CancellationToken cancellationToken)
    {
        var outcome = await lines.CreateAsync(await actors.RequireAsync(cancellationToken), input, cancellationToken);
        return outcome.Succeeded ? TypedResults.Created($"/api/v1/emergency-lines/{outcome.Value!.Id}", AgreementDto.From(outcome.Value)) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<AgreementDto>, ProblemHttpResult>> Update(Guid id, AgreementPatch patch, ActorAccessor actors, EmergencyLineCommands lines, CancellationToken cancellationToken)
    {
        var outcome = await lines.UpdateAsync(await actors.RequireAsync(cancellationToken), id, patch, cancellationToken);
        return outcome.Succeeded ? TypedResults.Ok(AgreementDto.From(outcome.Value!)) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<AgreementDto>, ProblemHttpResult>> Reinstate(Guid id, ActorAccessor actors, EmergencyLineCommands lines, CancellationToken cancellationToken)
    {
        var outcome = await lines.ReinstateAsync(await actors.RequireAsync(cancellationToken), id, cancellationToken);
        return outcome.Succeeded ? TypedResults.Ok(AgreementDto.From(outcome.Value!)) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<IReadOnlyList<SubmissionDto>>, ProblemHttpResult>> Submissions(Guid id, ActorAccessor actors, EmergencyLineCommands lines, SteadyDb db, CancellationToken cancellationToken)
    {
        if (!Permissions.CanAdministerOrganization(await actors.RequireAsync(cancellationToken)))
            return Problems.Forbidden("Only organization admins can list a line's submissions.");
        if (!await db.EmergencyAgreements.AnyAsync(a => a.Id == id, cancellationToken))
            return Problems.NotFound("The emergency line");
        return TypedResults.Ok<IReadOnlyList<SubmissionDto>>(await lines.SubmissionsAsync(id, cancellationToken));
    }

    private static async Task<Results<Ok<AgreementDto>, ProblemHttpResult>> Misuse(Guid id, MisuseInput input, ActorAccessor actors, EmergencyLineCommands lines, CancellationToken cancellationToken)
    {
        var outcome = await lines.MarkMisuseAsync(await actors.RequireAsync(cancellationToken), id, input, cancellationToken);
        return outcome.Succeeded ? TypedResults.Ok(AgreementDto.From(outcome.Value!)) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<LineDto>, ProblemHttpResult>> Boundaries(string key, EmergencyLineCommands lines, EmergencyLineRequests requests, HttpContext http, CancellationToken cancellationToken)
    {
        if (requests.Check(key) is { } tooMany)
            return tooMany.ToProblem(http);
        var agreement = await lines.FindByKeyAsync(key, cancellationToken);
        return agreement is null
            ? new Steady.Core.Failure(Steady.Core.FailureKind.NotFound, "No emergency line.", EmergencyLineCommands.NoAgreement).ToProblem()
            : TypedResults.Ok(EmergencyLineCommands.Line(agreement));
    }

    private static async Task<Results<Created<SubmittedDto>, ProblemHttpResult>> Submit(string key, SubmissionInput input, EmergencyLineCommands lines, EmergencyLineRequests requests, HttpContext http, CancellationToken cancellationToken)
    {
        if (requests.Check(key) is { } tooMany)
            return tooMany.ToProblem(http);
        var outcome = await lines.SubmitAsync(key, input, cancellationToken);
        if (!outcome.Succeeded)
            return outcome.Failure!.ToProblem(http);
        var (submission, incident) = outcome.Value;
        return TypedResults.Created($"/emergency-line/{key}", new SubmittedDto(submission.Id, incident.Number, $"Received. Incident #{incident.Number} is open in triage and the on-call engineer is being paged."));
    }
}
