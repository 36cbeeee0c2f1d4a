using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Server.Data;
using Steady.Server.Features.Accounts;
using Steady.Server.Features.Config;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Import;

/// <summary>What an import did (or, in a dry run, would do): what <c>steady apply</c> made of the documents, and the notes on what was not carried over.</summary>
public sealed record ImportResultDto(string Source, bool DryRun, ApplyResultDto Plan, IReadOnlyList<ImportNote> Notes);

/// <summary>
/// Moving in: <c>POST /api/v1/import/{source}</c> takes a tool's export folder (file name → JSON), translates it
/// into configuration documents and applies them with <see cref="ConfigApply"/> — the reconciler <c>steady apply</c>
/// uses — in one transaction, so importing twice changes nothing the second time. <c>?dryRun=true</c> says what
/// would change; <c>?format=yaml</c> returns the documents as YAML for review in git. Organization admins only.
/// </summary>
public static class ImportApi
{
    /// <summary>Each source: which file names its export has, and its translation into configuration documents.</summary>
    private sealed record Source(Func<string, bool> IsFile, string Files, Func<ExportFolder, ImportPlan, Instant, ImportPlan> Translate);

    private static readonly Dictionary<string, Source> Translators = new(StringComparer.Ordinal)
    {
        ["pagerduty"] = new(PagerDutyImport.IsFile, PagerDutyImport.Files, PagerDutyImport.Translate),
        ["opsgenie"] = new(OpsgenieImport.IsFile, OpsgenieImport.Files, OpsgenieImport.Translate),
        ["grafana-oncall"] = new(GrafanaOnCallImport.IsFile, GrafanaOnCallImport.Files, GrafanaOnCallImport.Translate),
    };

    public static IReadOnlyList<string> Sources => [.. Translators.Keys];

    public static RouteGroupBuilder MapImportApi(this RouteGroupBuilder api)
    {
        api.MapPost("/import/{source}", Import)
            .WithTags("Configuration as code")
            .Accepts<Dictionary<string, object>>("application/json")
            .Produces<string>(200, ConfigApi.YamlType)
            .WithSummary("Import a PagerDuty, Opsgenie or Grafana OnCall export (a JSON object of file name → the file's JSON): ?dryRun=true plans, ?format=yaml returns Steady's configuration as code; problems name file and object, and nothing is applied");
        return api;
    }

    private static async Task<Results<Ok<ImportResultDto>, ContentHttpResult, ProblemHttpResult>> Import(string source, HttpRequest request, bool? dryRun, string? format, SteadyDb db, ActorAccessor actors, OutboundPolicy outbound, TimeProvider time, WakeSignal<OnCall.HandoffNotifier> handoffs, CancellationToken cancellationToken)
    {
        var actor = await actors.RequireAsync(cancellationToken);
        if (!Permissions.CanAdministerOrganization(actor))
            return Problems.Forbidden("Only organization administrators can import another tool's configuration.");
        var kind = source.Trim().ToLowerInvariant();
        if (!Translators.TryGetValue(kind, out var translator))
            return Failure.NotFound($"The import source '{source}' (known: {string.Join(", ", Sources)})").ToProblem();
        if (format is not (null or "yaml" or "json"))
            return Failure.Invalid("format", "'format' must be yaml (the configuration as code) or json (the plan, the default).").ToProblem();
        if (!request.HasJsonContentType())
            return TypedResults.Problem("The export is sent as JSON (Content-Type: application/json): an object of file name → the file's JSON.", statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type.");
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken); // at most ErrorHandling.MaxBodyBytes: Kestrel answers 413 beyond
        var plan = new ImportPlan();
        var folder = ExportFolder.Read(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), plan, translator.IsFile, translator.Files);
        if (!folder.Succeeded)
            return folder.Failure!.ToProblem();
        var now = Instant.FromDateTimeOffset(time.GetUtcNow());
        translator.Translate(folder.Value!, plan, now);
        if (plan.Problems.Count > 0)
        {
            return (Failure.Invalid(plan.Errors()) with
            {
                Title = "The export cannot be imported; nothing was changed.",
                Extensions = new Dictionary<string, object?> { ["problems"] = plan.Problems, ["notes"] = plan.Notes },
            }).ToProblem();
        }
        var reachable = await db.ContactMethods.AsNoTracking().Select(m => m.UserId).Distinct().ToListAsync(cancellationToken);
        var keep = (await db.Users.AsNoTracking().Where(u => reachable.Contains(u.Id)).Select(u => u.Email).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        plan.KeepContactMethodsOf(keep, "users.json");
        if (format == "yaml")
        {
            var header = new List<string> { $"Steady configuration imported from {kind}. Review, then apply with: steady apply -f FILE (see docs/migrating.md)." };
            header.AddRange(plan.Notes.Select(n => $"Not carried over: {n.File}, {n.Object}: {n.Why} {n.Instead}"));
            return TypedResults.Text(ConfigYaml.Write(plan.Documents, header), ConfigApi.YamlType + "; charset=utf-8");
        }
        var applied = await new ConfigApply(db, outbound, time).ApplyAsync(actor, plan.Documents, dryRun ?? false, cancellationToken);
        if (!applied.Succeeded)
            return applied.Failure!.ToProblem();
        if (!applied.Value!.DryRun)
            handoffs.Wake();
        return TypedResults.Ok(new ImportResultDto(kind, applied.Value.DryRun, applied.Value, plan.Notes));
    }
}
