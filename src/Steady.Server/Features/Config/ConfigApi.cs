using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Steady.Core;
using Steady.Server.Data;
using Steady.Server.Features.Accounts;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Config;

/// <summary>Configuration as code: apply a file of documents (YAML, or the same as JSON), and export the stored configuration as such a file.</summary>
public static class ConfigApi
{
    public const string YamlType = "application/yaml";

    public static RouteGroupBuilder MapConfigApi(this RouteGroupBuilder api)
    {
        var config = api.MapGroup("/config").WithTags("Configuration as code");
        config.MapPost("/apply", Apply)
            .Accepts<string>(YamlType, "application/json", "text/yaml", "text/plain")
            .WithSummary("Apply teams, users, schedules, escalation policies, services and status pages from YAML (multi-document, kind: first) or JSON, in one transaction; ?dryRun=true only says what would change");
        config.MapGet("/export", Export)
            .Produces<string>(200, YamlType)
            .WithSummary("The configuration as YAML that apply reads back; ?includeSecrets=true adds contact method settings you may see");
        return api;
    }

    private static async Task<Results<Ok<ApplyResultDto>, ProblemHttpResult>> Apply(HttpRequest request, bool? dryRun, SteadyDb db, ActorAccessor actors, OutboundPolicy outbound, TimeProvider time, WakeSignal<OnCall.HandoffNotifier> handoffs, StatusPage.StatusPageCache statusPages, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken); // at most ErrorHandling.MaxBodyBytes: Kestrel answers 413 beyond
        var body = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        var documents = mediaType is "application/json" || (mediaType is null && body.TrimStart(" \t\r\n"u8).StartsWith("{"u8))
            ? ReadJson(body)
            : ConfigYaml.Read(body);
        if (!documents.Succeeded)
            return documents.Failure!.ToProblem();
        var outcome = await new ConfigApply(db, outbound, time).ApplyAsync(await actors.RequireAsync(cancellationToken), documents.Value!, dryRun ?? false, cancellationToken);
        if (!outcome.Succeeded)
            return outcome.Failure!.ToProblem();
        if (!outcome.Value!.DryRun)
        {
            handoffs.Wake();
            statusPages.Invalidate();
        }
        return TypedResults.Ok(outcome.Value);
    }

    /// <summary>The same documents as JSON: strict about text and duplicate fields, as nested as YAML may be.</summary>
    private static Outcome<IReadOnlyList<ConfigDocument>> ReadJson(ReadOnlySpan<byte> body)
    {
        if (RequestText.CheckJson(body) is { } problem)
            return Failure.Invalid(problem.Field, problem.Message);
        try
        {
            return ConfigYaml.Read(JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = ConfigYaml.MaxDepth + 2, AllowDuplicateProperties = false }));
        }
        catch (JsonException e)
        {
            return Failure.Invalid("json", $"The JSON cannot be read: {e.Message}");
        }
    }

    private static async Task<ContentHttpResult> Export(bool? includeSecrets, SteadyDb db, ActorAccessor actors, TimeProvider time, CancellationToken cancellationToken)
    {
        var actor = await actors.RequireAsync(cancellationToken);
        var yaml = await ConfigExport.ExportAsync(db, actor, includeSecrets ?? false, time.GetUtcNow(), cancellationToken);
        if (includeSecrets == true)
        {
            // Secrets leaving the server are an event of their own in the audit log (who, when; never the values).
            db.AuditEvent("secrets_exported", "config", "export", actor.UserId, actor.Name, new Dictionary<string, string?>());
            await db.SaveChangesAsync(cancellationToken);
        }
        return TypedResults.Text(yaml, YamlType + "; charset=utf-8");
    }
}
