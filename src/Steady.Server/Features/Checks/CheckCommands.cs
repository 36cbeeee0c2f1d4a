using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Alerts;
using Steady.Server.Data;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Checks;

/// <summary>
/// Adding, changing, running and removing a service's built-in checks, checked and saved in one place for the API and
/// the service page; the runner is woken so a new or changed check runs on its new terms.
/// </summary>
public sealed class CheckCommands(SteadyDb db, WakeSignal<CheckRunner> signal, OutboundPolicy outbound, TimeProvider time)
{
    public async Task<Outcome<Check>> CreateAsync(Actor actor, CheckInput input, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(input.Service))
            return Failure.Invalid("service", "'service' is required: the service the check watches.");
        var service = await db.ServiceAsync(input.Service, cancellationToken);
        if (service is null)
            return Failure.Invalid("service", $"There is no service '{input.Service}'.");
        if (!Permissions.CanRespondFor(actor, service.TeamId))
            return Failure.Forbidden("Only responders of the service's team can add checks to it.");
        var check = new Check { Id = Ids.New(time), ServiceId = service.Id, Name = "", Target = "", CreatedAt = time.GetUtcNow(), NextRunAt = time.GetUtcNow() };
        if ((Apply(check, input, creating: true) ?? Refusal(check, actor)) is { } invalid)
            return invalid;
        if (await db.Checks.AnyAsync(c => c.ServiceId == service.Id && c.Name.ToLower() == check.Name.ToLower(), cancellationToken))
            return Failure.Conflict($"{service.Name} already has a check named '{check.Name}'.");
        db.Checks.Add(check);
        await db.SaveChangesAsync(cancellationToken);
        signal.Wake();
        return check;
    }

    public async Task<Outcome<Check>> UpdateAsync(Actor actor, Guid id, CheckInput input, CancellationToken cancellationToken)
    {
        var found = await FindForChangeAsync(actor, id, cancellationToken);
        if (!found.Succeeded)
            return found;
        var check = found.Value!;
        // Only a target being set is checked against the outbound policy: a responder may still pause an admin's loopback check.
        if ((Apply(check, input, creating: false) ?? (input.Target is null ? null : Refusal(check, actor))) is { } invalid)
            return invalid;
        if (await db.Checks.AnyAsync(c => c.ServiceId == check.ServiceId && c.Id != id && c.Name.ToLower() == check.Name.ToLower(), cancellationToken))
            return Failure.Conflict($"The service already has a check named '{check.Name}'.");
        check.Version++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Failure.Conflict("The check ran (or was changed) while you edited it; try again.");
        }
        signal.Wake();
        return check;
    }

    public async Task<Outcome<Check>> DeleteAsync(Actor actor, Guid id, CancellationToken cancellationToken)
    {
        var found = await FindForChangeAsync(actor, id, cancellationToken);
        if (!found.Succeeded)
            return found;
        db.CheckResults.RemoveRange(await db.CheckResults.Where(r => r.CheckId == id).ToListAsync(cancellationToken));
        db.Checks.Remove(found.Value!);
        await db.SaveChangesAsync(cancellationToken);
        return found;
    }

    public async Task<Outcome<Check>> RunNowAsync(Actor actor, Guid id, CancellationToken cancellationToken)
    {
        var found = await FindForChangeAsync(actor, id, cancellationToken);
        if (!found.Succeeded)
            return found;
        var check = found.Value!;
        // The runner may be storing a result of this check at the same moment: then read it again and ask once more.
        for (var attempt = 1; ; attempt++)
        {
            check.NextRunAt = time.GetUtcNow();
            check.Version++;
            db.AuditEvent("run_requested", "check", check.Id, new Dictionary<string, string?> { ["name"] = check.Name }); // its schedule is bookkeeping, not audited
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                break;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
                db.ChangeTracker.Clear();
                found = await FindForChangeAsync(actor, id, cancellationToken);
                if (!found.Succeeded)
                    return found;
                check = found.Value!;
            }
        }
        signal.Wake();
        return check;
    }

    private async Task<Outcome<Check>> FindForChangeAsync(Actor actor, Guid id, CancellationToken cancellationToken)
    {
        var check = await db.Checks.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (check is null)
            return Failure.NotFound("The check");
        var teamId = await db.Services.Where(s => s.Id == check.ServiceId).Select(s => s.TeamId).FirstAsync(cancellationToken);
        return Permissions.CanRespondFor(actor, teamId) ? check : Failure.Forbidden("Only responders of the service's team can change its checks.");
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
        if (input.ExpectedStatus is not 0 and (< 100 or > 599))
            v.Add("expectedStatus", "'expectedStatus' must be an HTTP status between 100 and 599 (0: none, any 2xx or 3xx).");
        if (input.MaxLatencyMs is < 0 or > 60000)
            v.Add("maxLatencyMs", "'maxLatencyMs' must be between 1 and 60000 (0: no limit).");
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
        // Absent: unchanged; 0: none (any 2xx or 3xx; no latency limit).
        check.ExpectedStatus = input.ExpectedStatus switch { 0 => null, null => creating ? null : check.ExpectedStatus, var status => status };
        check.MaxLatencyMs = input.MaxLatencyMs switch { 0 => null, null => creating ? null : check.MaxLatencyMs, var latency => latency };
        check.BodyMatch = input.BodyMatch is null ? check.BodyMatch : string.IsNullOrEmpty(input.BodyMatch) ? null : input.BodyMatch;
        check.Severity = severity;
        check.FailuresToAlert = input.FailuresToAlert ?? check.FailuresToAlert;
        check.Enabled = input.Enabled ?? check.Enabled;
        return null;
    }

    /// <summary>Whether <paramref name="actor"/> may point the server at the check's target (<see cref="OutboundPolicy"/>).</summary>
    private Failure? Refusal(Check check, Actor actor)
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
