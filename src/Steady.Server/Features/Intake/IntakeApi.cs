using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Steady.Core.Alerts;
using Steady.Core.Alerts.Formats;
using Steady.Server.Data;
using Steady.Server.Features.Alerts;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Intake;

/// <summary>Committed: how many alert events, and the dedup key of each, in order, so a sender can refer to them.</summary>
public sealed record IntakeAccepted(string Status, int Alerts, IReadOnlyList<string> DedupKeys);

/// <summary>PagerDuty's own answer, so PagerDuty clients are content.</summary>
public sealed record PagerDutyAccepted(string Status, string Message, [property: System.Text.Json.Serialization.JsonPropertyName("dedup_key")] string DedupKey);

/// <summary>
/// Where monitoring tools send alerts, keyed by a service's integration key. Every answer of 202
/// comes after the alerts are committed.
/// </summary>
public static class IntakeApi
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    public static IEndpointRouteBuilder MapIntake(this IEndpointRouteBuilder app)
    {
        IntakeMetrics.Publish();
        var intake = app.MapGroup("/intake/{key}").WithTags("Intake").AllowAnonymous().WithMetadata(RequestText.ReadsJson);
        intake.MapPost("/alertmanager", (string key, HttpContext http) => ReceiveAsync(http, key, root => AlertmanagerFormat.Parse(root)))
            .WithSummary("Prometheus Alertmanager webhook (version 4)");
        intake.MapPost("/grafana", (string key, HttpContext http) => ReceiveAsync(http, key, GrafanaFormat.Parse))
            .WithSummary("Grafana alerting webhook");
        intake.MapPost("/generic", (string key, HttpContext http) => ReceiveAsync(http, key, GenericFormat.Parse))
            .WithSummary("Steady's generic JSON: summary, severity, dedup_key, status, labels, details, links");
        intake.MapPost("/events", (string key, HttpContext http) => PagerDutyAsync(http, key))
            .WithSummary("PagerDuty Events API v2 (trigger, acknowledge, resolve)");
        app.MapPost("/v2/enqueue", (Delegate)((HttpContext http) => PagerDutyAsync(http, null)))
            .WithTags("Intake").AllowAnonymous().WithMetadata(RequestText.ReadsJson)
            .WithSummary("PagerDuty Events API v2 drop-in: routing_key is the integration key");
        return app;
    }

    private static async Task<IResult> ReceiveAsync(HttpContext http, string key, Func<JsonElement, IntakeParse> parse)
    {
        IntakeMetrics.Received.Inc();
        var services = http.RequestServices;
        var keys = services.GetRequiredService<IntakeKeys>();
        if (!keys.TryAcquire(key))
            return TooMany(http);
        var serviceId = await IntakeKeys.ServiceOfAsync(services.GetRequiredService<SteadyDb>(), key, http.RequestAborted);
        if (serviceId is null)
            return UnknownKey();
        using var document = Read(http);
        var parsed = parse(document.RootElement);
        if (!parsed.IsValid)
            return Invalid(parsed.Errors);
        return await SubmitAsync(http, serviceId.Value, parsed.Alerts, () => TypedResults.Json(new IntakeAccepted("accepted", parsed.Alerts.Count, parsed.Alerts.Select(a => a.DedupKey).ToList()), statusCode: 202));
    }

    private static async Task<IResult> PagerDutyAsync(HttpContext http, string? pathKey)
    {
        IntakeMetrics.Received.Inc();
        var services = http.RequestServices;
        using var document = Read(http);
        var root = document.RootElement;
        var key = pathKey;
        if (key is null)
        {
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("routing_key", out var routing) || routing.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(routing.GetString()))
                return Invalid(["$.routing_key is required: the integration key of a Steady service."]);
            key = routing.GetString()!;
        }
        if (!services.GetRequiredService<IntakeKeys>().TryAcquire(key))
            return TooMany(http);
        var serviceId = await IntakeKeys.ServiceOfAsync(services.GetRequiredService<SteadyDb>(), key, http.RequestAborted);
        if (serviceId is null)
            return UnknownKey();
        var parsed = PagerDutyFormat.Parse(root, () => Guid.NewGuid().ToString("N"));
        if (!parsed.IsValid)
            return Invalid(parsed.Errors);
        var dedupKey = parsed.Alerts[0].DedupKey;
        return await SubmitAsync(http, serviceId.Value, parsed.Alerts, () => TypedResults.Json(new PagerDutyAccepted("success", "Event processed", dedupKey), statusCode: 202));
    }

    internal static async Task<IResult> SubmitAsync(HttpContext http, Guid serviceId, IReadOnlyList<IncomingAlert> alerts, Func<IResult> accepted)
    {
        var queue = http.RequestServices.GetRequiredService<IntakeQueue>();
        var result = await queue.SubmitAsync(alerts.Select(a => new ServiceEvent(serviceId, a)).ToList());
        switch (result)
        {
            case IntakeResult.Stored:
                return accepted();
            case null:
                return TooMany(http, IntakeMetrics.QueueFull, "Steady is taking in more alerts than it can store right now; retry shortly.");
            default:
                IntakeMetrics.Reject(IntakeMetrics.StorageFailed);
                http.Response.Headers.RetryAfter = "5";
                return TypedResults.Problem("The alerts could not be stored; nothing was accepted. Retry shortly.", statusCode: 503, title: "Storage unavailable.");
        }
    }

    /// <summary>The body, read and checked by <see cref="RequestText"/> (its strings are all valid Unicode), as a document.</summary>
    private static JsonDocument Read(HttpContext http)
    {
        try
        {
            return JsonDocument.Parse(RequestText.CheckedBody(http) ?? ReadOnlyMemory<byte>.Empty, DocumentOptions); // none: the request had no body
        }
        catch (JsonException e)
        {
            IntakeMetrics.Reject(IntakeMetrics.Invalid);
            throw new BadHttpRequestException("The request body is not valid JSON.", StatusCodes.Status400BadRequest, e);
        }
    }

    private static ProblemHttpResult Invalid(IReadOnlyList<string> errors)
    {
        IntakeMetrics.Reject(IntakeMetrics.Invalid);
        return TypedResults.Problem(string.Join(" ", errors), statusCode: 400, title: "The alert payload is not valid.",
            extensions: new Dictionary<string, object?> { ["errors"] = errors });
    }

    private static ProblemHttpResult UnknownKey()
    {
        IntakeMetrics.Reject(IntakeMetrics.UnknownKey);
        return Problems.NotFound("The integration key (unknown or revoked)");
    }

    private static ProblemHttpResult TooMany(HttpContext http, string reason = IntakeMetrics.RateLimited, string detail = "This integration key is sending faster than its rate limit; retry shortly.")
    {
        IntakeMetrics.Reject(reason);
        http.Response.Headers.RetryAfter = "1";
        return TypedResults.Problem(detail, statusCode: 429, title: "Too many requests.");
    }
}
