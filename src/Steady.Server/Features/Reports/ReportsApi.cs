using Microsoft.AspNetCore.Http.HttpResults;
using Steady.Core;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Reports;

/// <summary>
/// The reports as JSON (and the compensation CSV): response times, on-call load, alert noise; and a team's
/// holidays and rates. Periods are ?from= and ?to= (dates in the reader's zone, or instants), ?team= and
/// ?service= narrow them. Definitions: docs/reports.md.
/// </summary>
public static class ReportsApi
{
    public static RouteGroupBuilder MapReportsApi(this RouteGroupBuilder api)
    {
        var reports = api.MapGroup("/reports").WithTags("Reports");
        reports.MapGet("/response", Response).WithSummary("MTTA, time to mitigate and MTTR of incidents, and of alert groups that paged, by service, team and severity, with the weekly trend (members of the teams)");
        reports.MapGet("/oncall", OnCall).WithSummary("On-call load per person: hours by level and band, interruptions, acknowledgements, broken rest, fairness; amounts for team admins; ?format=csv for the compensation CSV (team admins)");
        reports.MapGet("/noise", Noise).WithSummary("Alert noise by service and alert name: pages, never acknowledged, transient, flapping, time open, suggestions; pages per on-call shift (members of the teams)");
        api.MapGet("/teams/{team}/report-settings", GetSettings).WithTags("Reports").WithSummary("A team's holidays and compensation rates (its admins)");
        api.MapPut("/teams/{team}/report-settings", PutSettings).WithTags("Reports").WithSummary("Replace a team's holidays and compensation rates (its admins)");
        return api;
    }

    private static async Task<Results<Ok<ResponseReportDto>, ProblemHttpResult>> Response(string? from, string? to, string? team, string? service, ActorAccessor actors, ReportScopes scopes, ReportWorker reports, CancellationToken cancellationToken)
    {
        var scope = await scopes.ResolveAsync(await actors.RequireAsync(cancellationToken), new ReportQuery(from, to, team, service), ownLoad: false, cancellationToken);
        return scope.Succeeded ? TypedResults.Ok(await reports.ResponseAsync(scope.Value!, cancellationToken)) : scope.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<NoiseReportDto>, ProblemHttpResult>> Noise(string? from, string? to, string? team, string? service, ActorAccessor actors, ReportScopes scopes, ReportWorker reports, CancellationToken cancellationToken)
    {
        var scope = await scopes.ResolveAsync(await actors.RequireAsync(cancellationToken), new ReportQuery(from, to, team, service), ownLoad: false, cancellationToken);
        return scope.Succeeded ? TypedResults.Ok(await reports.NoiseAsync(scope.Value!, cancellationToken)) : scope.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<OnCallReportDto>, ContentHttpResult, ProblemHttpResult>> OnCall(string? from, string? to, string? team, string? format, HttpContext http, ActorAccessor actors, ReportScopes scopes, ReportWorker reports, CancellationToken cancellationToken)
    {
        var csv = string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase);
        if (!csv && !string.IsNullOrEmpty(format) && !string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
            return Failure.Invalid("format", "'format' must be json or csv.").ToProblem();
        var scope = await scopes.ResolveAsync(await actors.RequireAsync(cancellationToken), new ReportQuery(from, to, team, null), ownLoad: true, cancellationToken);
        if (!scope.Succeeded)
            return scope.Failure!.ToProblem();
        if (!csv)
            return TypedResults.Ok(await reports.OnCallAsync(scope.Value!, cancellationToken));
        var outcome = await CompensationExport.BuildAsync(scope.Value!, reports, cancellationToken);
        if (!outcome.Succeeded)
            return outcome.Failure!.ToProblem();
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{outcome.Value.FileName}\"";
        return TypedResults.Text(outcome.Value.Text, "text/csv; charset=utf-8");
    }

    private static async Task<Results<Ok<ReportSettingsDto>, ProblemHttpResult>> GetSettings(string team, ActorAccessor actors, ReportSettingsCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.GetAsync(await actors.RequireAsync(cancellationToken), team, cancellationToken);
        return outcome.Succeeded ? TypedResults.Ok(outcome.Value!) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<ReportSettingsDto>, ProblemHttpResult>> PutSettings(string team, ReportSettingsInput input, ActorAccessor actors, ReportSettingsCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.ReplaceAsync(await actors.RequireAsync(cancellationToken), team, input, cancellationToken);
        return outcome.Succeeded ? TypedResults.Ok(outcome.Value!) : outcome.Failure!.ToProblem();
    }
}

/// <summary>The compensation CSV of a scope: the teams in it whose admin the reader is (amounts are pay); refused when there is none.</summary>
public static class CompensationExport
{
    public static async Task<Outcome<(string Text, string FileName)>> BuildAsync(ReportScope scope, ReportWorker reports, CancellationToken cancellationToken)
    {
        var admin = scope.Teams.Where(t => scope.SeesAmountsOf(t.Id)).ToList();
        if (admin.Count == 0)
            return Failure.Forbidden(scope.Teams.Count == 1
                ? $"The compensation CSV carries amounts: only admins of {scope.Teams[0].Name} get it."
                : "The compensation CSV carries amounts: only a team's admins get it, and you administer none.");
        var dto = await reports.OnCallAsync(scope with { Teams = admin }, cancellationToken);
        var name = $"oncall-{dto.From.UtcDateTime:yyyy-MM-dd}-{dto.To.UtcDateTime:yyyy-MM-dd}.csv";
        return (CompensationCsv.Write(dto), name);
    }
}
