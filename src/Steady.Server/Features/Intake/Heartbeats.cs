using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Alerts;
using Steady.Server.Data;
using Steady.Server.Features.Alerts;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Intake;

public sealed record HeartbeatPing(string Status, string Name, int IntervalSeconds, int GraceSeconds, DateTimeOffset DueAt);

/// <summary>
/// POST|GET /intake/{key}/heartbeat?name=backup&amp;interval=1h&amp;grace=10m — the first ping creates
/// the monitor; each ping moves its due time; a ping after a miss resolves the missed-heartbeat alert.
/// </summary>
public static class HeartbeatIntake
{
    public const int DefaultIntervalSeconds = 60;
    public const int DefaultGraceSeconds = 60;

    public static IEndpointRouteBuilder MapHeartbeatIntake(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/intake/{key}/heartbeat", ["GET", "POST"], PingAsync)
            .WithTags("Intake").AllowAnonymous()
            .WithSummary("Heartbeat ping: ?name= (default 'default'), ?interval= and ?grace= (seconds, or 90s / 5m / 1h)");
        return app;
    }

    private static async Task<IResult> PingAsync(string key, string? name, string? interval, string? grace, HttpContext http, SteadyDb db, AuditContext audit, IntakeKeys keys, WakeSignal<HeartbeatMonitor> signal, TimeProvider time)
    {
        audit.Set(null, "intake"); // a heartbeat made or changed by a ping is audited as intake's (pings themselves are bookkeeping)
        if (!keys.TryAcquire(key))
        {
            http.Response.Headers.RetryAfter = "1";
            return TypedResults.Problem("This integration key is sending faster than its rate limit; retry shortly.", statusCode: 429, title: "Too many requests.");
        }
        var serviceId = await IntakeKeys.ServiceOfAsync(db, key, http.RequestAborted);
        if (serviceId is null)
            return TypedResults.Problem("The integration key (unknown or revoked) was not found.", statusCode: 404, title: "Not found.");
        var validation = new Validation().PathName("name", name ?? "default");
        var intervalSeconds = Duration("interval", interval, 10, 7 * 24 * 3600, validation);
        var graceSeconds = Duration("grace", grace, 0, 24 * 3600, validation);
        if (validation.ToFailure() is { } invalid)
            return TypedResults.Problem(invalid.Detail, statusCode: 400, title: invalid.Title, extensions: new Dictionary<string, object?> { ["errors"] = invalid.Errors });
        var heartbeatName = (name ?? "default").Trim();

        // The monitor may mark it down, or a concurrent first ping create it, meanwhile: then read again.
        var (saved, wasDown) = await db.RetryAsync(async _ =>
        {
            var now = time.GetUtcNow();
            var heartbeat = await db.Heartbeats.FirstOrDefaultAsync(h => h.ServiceId == serviceId && h.Name == heartbeatName, http.RequestAborted);
            var down = false;
            if (heartbeat is null)
            {
                heartbeat = new Heartbeat
                {
                    Id = Ids.New(time),
                    ServiceId = serviceId.Value,
                    Name = heartbeatName,
                    IntervalSeconds = intervalSeconds ?? DefaultIntervalSeconds,
                    GraceSeconds = graceSeconds ?? DefaultGraceSeconds,
                    CreatedAt = now,
                };
                db.Heartbeats.Add(heartbeat);
            }
            else
            {
                down = heartbeat.IsDown;
                heartbeat.IntervalSeconds = intervalSeconds ?? heartbeat.IntervalSeconds;
                heartbeat.GraceSeconds = graceSeconds ?? heartbeat.GraceSeconds;
                heartbeat.IsDown = false;
                heartbeat.Version++;
            }
            heartbeat.LastPingAt = now;
            heartbeat.DueAt = Heartbeat.DueAfter(now, heartbeat.IntervalSeconds, heartbeat.GraceSeconds);
            await db.SaveChangesAsync(http.RequestAborted);
            return (heartbeat, down);
        }, e => e is DbUpdateException);
        if (wasDown)
        {
            var resolve = new IncomingAlert(IntakeAction.Resolve, saved.DedupKey, $"Heartbeat '{saved.Name}' is back", Severity.Critical, "heartbeat",
                new Dictionary<string, string> { ["heartbeat"] = saved.Name }, null, [], null, "heartbeat");
            var result = await http.RequestServices.GetRequiredService<IntakeQueue>().SubmitAsync([new ServiceEvent(saved.ServiceId, resolve)]);
            if (result != IntakeResult.Stored)
            {
                http.Response.Headers.RetryAfter = "5";
                return TypedResults.Problem("The ping was recorded but its alert could not be resolved yet; ping again shortly.", statusCode: 503, title: "Storage unavailable.");
            }
        }
        signal.Wake();
        return TypedResults.Ok(new HeartbeatPing("ok", saved.Name, saved.IntervalSeconds, saved.GraceSeconds, saved.DueAt));
    }

    /// <summary>Seconds from "90", "90s", "5m", "1h" or "1d"; null when not given.</summary>
    internal static int? Duration(string field, string? text, int min, int max, Validation validation)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var unit = char.IsLetter(text[^1]) ? char.ToLowerInvariant(text[^1]) : 's';
        var number = char.IsLetter(text[^1]) ? text[..^1] : text;
        var factor = unit switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86400, _ => 0 };
        if (factor == 0 || !int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || (long)value * factor is var seconds && (seconds < min || seconds > max))
        {
            validation.Add(field, $"'{field}' must be a duration between {min} s and {max / 3600} h, like 90s, 5m or 1h; got '{text}'.");
            return null;
        }
        return value * factor;
    }
}

/// <summary>
/// Raises an alert for every heartbeat that is past due. Sleeps until the earliest due time (or
/// until a ping changes it), with a periodic sweep as a safety net for other nodes' heartbeats.
/// </summary>
public sealed class HeartbeatMonitor(IServiceScopeFactory scopes, IntakeQueue queue, WakeSignal<HeartbeatMonitor> signal, TimeProvider time, ILogger<HeartbeatMonitor> logger)
    : DueTimeWorker<HeartbeatMonitor>(signal, time, logger)
{
    /// <summary>Raises alerts for what is due now; returns when the next heartbeat falls due.</summary>
    protected internal override async Task<DateTimeOffset?> RunDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        var now = Time.GetUtcNow();
        var due = await db.Heartbeats.Where(h => !h.IsDown && h.DueAt <= now).OrderBy(h => h.DueAt).Take(500).ToListAsync(cancellationToken);
        foreach (var heartbeat in due)
        {
            // The alert first: if we die before marking the heartbeat down, the next pass triggers again, which dedups.
            var trigger = new IncomingAlert(IntakeAction.Trigger, heartbeat.DedupKey,
                $"Heartbeat '{heartbeat.Name}' missed: no ping since {heartbeat.LastPingAt:yyyy-MM-dd HH:mm:ss} UTC (expected every {heartbeat.IntervalSeconds} s)",
                Severity.Critical, "heartbeat", new Dictionary<string, string> { ["heartbeat"] = heartbeat.Name }, null, [], null, "heartbeat");
            if (await queue.SubmitAsync([new ServiceEvent(heartbeat.ServiceId, trigger)]) != IntakeResult.Stored)
                return now.AddSeconds(5);
            heartbeat.IsDown = true;
            heartbeat.Version++;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear(); // pinged meanwhile: the ping resolves what we raised on the next step
            }
        }
        return await db.Heartbeats.Where(h => !h.IsDown).OrderBy(h => h.DueAt).Select(h => (DateTimeOffset?)h.DueAt).FirstOrDefaultAsync(cancellationToken);
    }
}
