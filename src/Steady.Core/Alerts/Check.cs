using Steady.Core.Audit;

namespace Steady.Core.Alerts;

public enum CheckKind
{
    Http,
    Tcp,
}

/// <summary>
/// Detection without other tools: an HTTP(S) request (expected status, latency threshold, body
/// match — the curl health check) or a TCP connect, run by the server on an interval. Enough
/// consecutive failures raise an alert on its service; the next success resolves it.
/// </summary>
public sealed class Check : IAudited
{
    public Guid Id { get; set; }

    public Guid ServiceId { get; set; }

    public required string Name { get; set; }

    public CheckKind Kind { get; set; }

    /// <summary>An http(s) URL, or host:port for TCP; it may carry credentials (stored encrypted, shown masked to people outside its team).</summary>
    [Secret]
    public required string Target { get; set; }

    public int IntervalSeconds { get; set; } = 60;

    public int TimeoutMs { get; set; } = 5000;

    /// <summary>The status an HTTP check expects; null means any 2xx.</summary>
    public int? ExpectedStatus { get; set; }

    /// <summary>Slower than this counts as a failure.</summary>
    public int? MaxLatencyMs { get; set; }

    /// <summary>Text the response body must contain.</summary>
    public string? BodyMatch { get; set; }

    public Severity Severity { get; set; } = Severity.Critical;

    /// <summary>Consecutive failures before an alert is raised.</summary>
    public int FailuresToAlert { get; set; } = 2;

    public bool Enabled { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    [AuditIgnore]
    public DateTimeOffset NextRunAt { get; set; }

    [AuditIgnore]
    public DateTimeOffset? LastRunAt { get; set; }

    [AuditIgnore]
    public bool? LastOk { get; set; }

    [AuditIgnore]
    public string? LastMessage { get; set; }

    [AuditIgnore]
    public int ConsecutiveFailures { get; set; }

    /// <summary>True while this check's alert is open.</summary>
    [AuditIgnore]
    public bool Alerting { get; set; }

    [AuditIgnore]
    public int Version { get; set; }

    public string DedupKey => "check:" + Id.ToString("N");
}

/// <summary>One run of a check.</summary>
public sealed class CheckResult
{
    public Guid Id { get; set; }

    public Guid CheckId { get; set; }

    public DateTimeOffset At { get; set; }

    public bool Ok { get; set; }

    public int LatencyMs { get; set; }

    public int? StatusCode { get; set; }

    /// <summary>What was wrong, or "ok"; a sentence a person can act on.</summary>
    public required string Message { get; set; }
}

/// <summary>The pure judgement of a check run, and what it means for the check's alert.</summary>
public static class CheckRules
{
    /// <summary>Whether an HTTP response passes the check, and why not.</summary>
    public static (bool Ok, string Message) JudgeHttp(Check check, int status, int latencyMs, string? body)
    {
        var statusOk = check.ExpectedStatus is { } expected ? status == expected : status is >= 200 and < 300;
        if (!statusOk)
            return (false, $"HTTP {status}, expected {(check.ExpectedStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "2xx")}");
        if (check.MaxLatencyMs is { } max && latencyMs > max)
            return (false, $"HTTP {status} in {latencyMs} ms, slower than {max} ms");
        if (!string.IsNullOrEmpty(check.BodyMatch) && (body is null || !body.Contains(check.BodyMatch, StringComparison.Ordinal)))
            return (false, $"HTTP {status}, but the body does not contain \"{check.BodyMatch}\"");
        return (true, $"HTTP {status} in {latencyMs} ms");
    }

    /// <summary>Raise after enough consecutive failures; resolve on the first success after that.</summary>
    public static IntakeAction? AlertChange(Check check, bool ok) =>
        ok
            ? check.Alerting ? IntakeAction.Resolve : null
            : !check.Alerting && check.ConsecutiveFailures >= Math.Max(1, check.FailuresToAlert) ? IntakeAction.Trigger : null;
}
