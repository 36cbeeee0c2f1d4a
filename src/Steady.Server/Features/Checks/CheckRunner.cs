using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Alerts;
using Steady.Server.Data;
using Steady.Server.Features.Alerts;
using Steady.Server.Features.Intake;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Checks;

/// <summary>
/// Runs due checks. Each due check is claimed by moving its due time forward under its version
/// (so two nodes never run the same check at once), run, recorded, and its alert raised or resolved
/// through intake. Sleeps until the next due time, a signal, or a periodic sweep.
/// </summary>
public sealed class CheckRunner(
    IServiceScopeFactory scopes,
    IntakeQueue queue,
    WakeSignal<CheckRunner> signal,
    IHttpClientFactory http,
    OutboundPolicy outbound,
    TimeProvider time,
    ILogger<CheckRunner> logger) : DueTimeWorker<CheckRunner>(signal, time, logger)
{
    public const string HttpClientName = "checks";
    private const int KeptResults = 50;
    private const int Parallelism = 16;

    /// <summary>Runs every check that is due; returns when the next one falls due.</summary>
    protected internal override async Task<DateTimeOffset?> RunDueAsync(CancellationToken cancellationToken)
    {
        var claimed = await ClaimAsync(cancellationToken);
        await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (check, ct) => await RecordAsync(check, await ProbeAsync(check, ct), ct));
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        return await db.Checks.AsNoTracking().Where(c => c.Enabled).OrderBy(c => c.NextRunAt).Select(c => (DateTimeOffset?)c.NextRunAt).FirstOrDefaultAsync(cancellationToken);
    }

    private async Task<List<Check>> ClaimAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        var now = Time.GetUtcNow();
        var due = await db.Checks.Where(c => c.Enabled && c.NextRunAt <= now).OrderBy(c => c.NextRunAt).Take(200).ToListAsync(cancellationToken);
        var claimed = new List<Check>();
        foreach (var check in due)
        {
            check.NextRunAt = now.AddSeconds(check.IntervalSeconds);
            check.Version++;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                claimed.Add(check);
            }
            catch (DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear(); // another node (or an edit) took it
            }
        }
        return claimed;
    }

    /// <summary>One run of the check: what happened, in a sentence.</summary>
    internal async Task<CheckResult> ProbeAsync(Check check, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(check.TimeoutMs);
        int? status = null;
        bool ok;
        string message;
        try
        {
            // Steady:Outbound:Allow holds for checks written before it was set, too.
            if ((check.Kind == CheckKind.Tcp ? outbound.RefusalForHost(CheckInput.SplitHostPort(check.Target).Host, isAdmin: true) : outbound.RefusalForUrl(check.Target, isAdmin: true)) is { } refused)
                (ok, message) = (false, $"not run: {refused}");
            else if (check.Kind == CheckKind.Tcp)
            {
                var (host, port) = CheckInput.SplitHostPort(check.Target);
                using var socket = await outbound.ConnectAsync(host, port, timeout.Token);
                (ok, message) = (true, $"connected in {Elapsed(started)} ms");
            }
            else
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, check.Target);
                request.Headers.UserAgent.ParseAdd("Steady-Check/1.0");
                using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                status = (int)response.StatusCode;
                var body = string.IsNullOrEmpty(check.BodyMatch) ? null : await ReadPrefixAsync(response, timeout.Token);
                (ok, message) = CheckRules.JudgeHttp(check, status.Value, Elapsed(started), body);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            (ok, message) = (false, $"no answer within {check.TimeoutMs} ms");
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException or ArgumentException)
        {
            (ok, message) = (false, (e.InnerException ?? e).Message);
        }
        return new CheckResult { Id = Ids.New(Time), CheckId = check.Id, At = Time.GetUtcNow(), Ok = ok, LatencyMs = Elapsed(started), StatusCode = status, Message = message };
    }

    private async Task RecordAsync(Check claimed, CheckResult result, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
            var check = await db.Checks.FirstOrDefaultAsync(c => c.Id == claimed.Id, cancellationToken);
            if (check is null)
                return; // deleted while it ran
            check.ConsecutiveFailures = result.Ok ? 0 : check.ConsecutiveFailures + 1;
            var change = CheckRules.AlertChange(check, result.Ok);
            if (change is { } action && !await RaiseAsync(check, action, result))
                return; // not stored: the next run decides again
            if (change == IntakeAction.Trigger)
                check.Alerting = true;
            else if (change == IntakeAction.Resolve)
                check.Alerting = false;
            check.LastRunAt = result.At;
            check.LastOk = result.Ok;
            check.LastMessage = result.Message;
            check.Version++;
            db.CheckResults.Add(result);
            var old = await db.CheckResults.Where(r => r.CheckId == check.Id).OrderByDescending(r => r.At).ThenByDescending(r => r.Id).Skip(KeptResults - 1).ToListAsync(cancellationToken);
            db.CheckResults.RemoveRange(old);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateConcurrencyException)
            {
                // edited meanwhile: record against the fresh row
            }
        }
    }

    private async Task<bool> RaiseAsync(Check check, IntakeAction action, CheckResult result)
    {
        // An alert is seen by everyone and sent to chat: it carries the target masked (no user, password or query values).
        var target = CheckTargets.Masked(check.Kind, check.Target);
        var labels = new Dictionary<string, string> { ["check"] = check.Name, ["kind"] = check.Kind.ToString().ToLowerInvariant(), ["target"] = target };
        var summary = action == IntakeAction.Trigger
            ? $"Check '{check.Name}' failing: {result.Message}"
            : $"Check '{check.Name}' passing again: {result.Message}";
        var links = check.Kind == CheckKind.Http && target == check.Target && Uri.TryCreate(check.Target, UriKind.Absolute, out _) ? new List<AlertLink> { new(check.Target, "Checked URL") } : [];
        var alert = new IncomingAlert(action, check.DedupKey, summary, check.Severity, target, labels,
            System.Text.Json.JsonSerializer.Serialize(new { result.Message, result.StatusCode, result.LatencyMs, failures = check.ConsecutiveFailures }), links, null, "check");
        return await queue.SubmitAsync([new ServiceEvent(check.ServiceId, alert)]) == IntakeResult.Stored;
    }

    private static async Task<string> ReadPrefixAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // Enough of the body for a health page; never the whole of a large download.
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[256 * 1024];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
                break;
            read += n;
        }
        return System.Text.Encoding.UTF8.GetString(buffer, 0, read);
    }

    private static int Elapsed(long started) => (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}
