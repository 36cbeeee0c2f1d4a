using Steady.Agent.Checks;
using Steady.Host;
using Steady.Host.Collect;
using Steady.Host.Journal;

namespace Steady.Agent;

/// <summary>The agent's seams: the clock, the host, the journal, systemctl, the network, and where it logs.</summary>
public sealed record AgentOptions
{
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The handler of the connection to the server (tests cut it to play an unreachable server).</summary>
    public HttpMessageHandler? IntakeHandler { get; init; }

    public Func<JournalReader> Journal { get; init; } = JournalReader.Default;

    /// <summary>Runs systemctl; by default the real one, and only when the root is "/".</summary>
    public Func<TimeSpan, string?>? Systemctl { get; init; }

    public TextWriter Log { get; init; } = TextWriter.Null;
}

/// <summary>What one check said on the agent's last run.</summary>
public sealed record CheckStatus(string Check, string Type, IReadOnlyList<Failing> Failing, string? Note);

/// <summary>
/// steady agent: on its interval, runs the checks and turns what changed into alert changes
/// (raise a subject that started failing, resolve one that stopped); sends a heartbeat on its own
/// interval; sends what waits, in order, through the service's intake. While the server cannot be
/// reached everything waits in a bounded <see cref="Outbox"/> and sending is retried with
/// exponential backoff (up to <see cref="AgentConfig.MaxBackoff"/>); the checks go on meanwhile.
/// All time comes from the injected clock: <see cref="RunOnceAsync"/> does what is due now and
/// says when it next has something to do.
/// </summary>
public sealed class Agent : IDisposable
{
    private readonly AgentConfig _config;
    private readonly AgentOptions _options;
    private readonly IntakeClient _intake;
    private readonly HttpClient _checksHttp = new(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) }) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly CheckContext _context;
    private readonly Dictionary<string, FiringAlert> _firing = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _notes = new(StringComparer.Ordinal);
    private DateTimeOffset _nextCheck = DateTimeOffset.MinValue;
    private DateTimeOffset _nextHeartbeat = DateTimeOffset.MinValue;
    private int _failures;
    private bool _dirty;

    public Agent(AgentConfig config, AgentOptions? options = null)
    {
        _config = config;
        _options = options ?? new AgentOptions();
        _intake = new IntakeClient(config, _options.IntakeHandler);
        Outbox = new Outbox(config.Buffer);
        var files = new HostFiles(config.Root);
        _context = new CheckContext
        {
            Files = files,
            Time = _options.Time,
            Host = config.Host,
            Http = _checksHttp,
            Journal = _options.Journal,
            Systemctl = _options.Systemctl ?? (files.Root == "/" ? SystemdCollector.RunSystemctl : null),
        };
        LoadState();
    }

    public Outbox Outbox { get; }

    public IReadOnlyDictionary<string, FiringAlert> Firing => _firing;

    /// <summary>When sending is tried again after a failure; null when the last send went through.</summary>
    public DateTimeOffset? RetryAt { get; private set; }

    public string? LastSendError => _intake.LastError;

    public IReadOnlyList<CheckStatus> LastRun { get; private set; } = [];

    /// <summary>The dedup key of a check's subject: stable across runs and restarts, distinct per host.</summary>
    public string DedupKey(ICheck check, string subject)
    {
        var key = subject.Length == 0 ? $"agent/{_config.Host}/{check.Name}" : $"agent/{_config.Host}/{check.Name}/{subject}";
        // The intake takes keys of at most 255 characters: a long mount path or unit name is hashed.
        return key.Length <= MaxKeyLength ? key
            : $"agent/{_config.Host[..Math.Min(_config.Host.Length, 100)]}/{check.Name}/#{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(subject)))[..32]}";
    }

    /// <summary>The intake's limits (Steady.Core IntakeLimits): dedup keys and summaries.</summary>
    internal const int MaxKeyLength = 255, MaxSummaryLength = 1024;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Log($"steady agent on {_config.Host}: {_config.Checks.Count} checks every {_config.Interval.TotalSeconds:0} s, heartbeat '{_config.HeartbeatName}' every {_config.HeartbeatInterval.TotalSeconds:0} s to {_config.Server}");
        while (!cancellationToken.IsCancellationRequested)
        {
            var next = await RunOnceAsync(cancellationToken);
            var wait = next - _options.Time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, _options.Time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        SaveState();
    }

    /// <summary>Does what is due now — checks, heartbeat, sending — and returns when something is next due.</summary>
    public async Task<DateTimeOffset> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = _options.Time.GetUtcNow();
        if (now >= _nextCheck)
        {
            await RunChecksAsync(now, cancellationToken);
            _nextCheck = now + _config.Interval;
        }
        if (now >= _nextHeartbeat)
        {
            Outbox.Heartbeat = now;
            _nextHeartbeat = now + _config.HeartbeatInterval;
            _dirty = true;
        }
        if (Outbox.Count > 0 && (RetryAt is null || now >= RetryAt))
            await FlushAsync(cancellationToken);
        SaveState();
        var next = _nextCheck < _nextHeartbeat ? _nextCheck : _nextHeartbeat;
        return Outbox.Count > 0 && RetryAt is { } retry && retry < next ? retry : next;
    }

    private async Task RunChecksAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var statuses = new List<CheckStatus>();
        foreach (var check in _config.Checks)
        {
            CheckRun run;
            try
            {
                run = await check.RunAsync(_context, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Could not look: what it raised before stays raised, and the reason is logged once.
                Note(check, $"could not run: {e.GetType().Name}: {e.Message}");
                statuses.Add(new CheckStatus(check.Name, check.Type, [], $"could not run: {e.Message}"));
                continue;
            }
            Note(check, run.Note);
            statuses.Add(new CheckStatus(check.Name, check.Type, run.Failing, run.Note));
            var failingNow = new Dictionary<string, Failing>(StringComparer.Ordinal);
            foreach (var failing in run.Failing)
                failingNow[DedupKey(check, failing.Subject)] = failing;
            foreach (var (key, failing) in failingNow)
            {
                var known = _firing.GetValueOrDefault(key);
                if (known is null || known.Severity != failing.Severity || now - known.SentAt >= _config.Reassert)
                {
                    var summary = failing.Summary.Length <= MaxSummaryLength ? failing.Summary : failing.Summary[..(MaxSummaryLength - 1)] + "…";
                    Outbox.Add(new AlertChange(key, AlertChange.Firing, summary, failing.Severity, check.Name, failing.Labels, now));
                    _firing[key] = new FiringAlert(check.Name, failing.Summary, failing.Severity, now);
                    if (known is null)
                        Log($"raised {key}: {failing.Summary}");
                }
                else
                {
                    _firing[key] = known with { Summary = failing.Summary };
                }
                _dirty = true;
            }
            foreach (var (key, alert) in _firing.Where(f => f.Value.Check == check.Name && !failingNow.ContainsKey(f.Key)).ToList())
            {
                Outbox.Add(new AlertChange(key, AlertChange.Resolved, alert.Summary, alert.Severity, check.Name, null, now));
                _firing.Remove(key);
                _dirty = true;
                Log($"resolved {key}");
            }
        }
        // A check taken out of the config: what it raised is resolved, not left open forever.
        var names = _config.Checks.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, alert) in _firing.Where(f => !names.Contains(f.Value.Check)).ToList())
        {
            Outbox.Add(new AlertChange(key, AlertChange.Resolved, alert.Summary, alert.Severity, alert.Check, null, now));
            _firing.Remove(key);
            _dirty = true;
            Log($"resolved {key} (its check '{alert.Check}' is no longer configured)");
        }
        LastRun = statuses;
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        var before = Outbox.Count;
        while (Outbox.Changes.Count > 0)
        {
            var batch = Outbox.Changes.Take(IntakeClient.MaxPerRequest).ToList();
            switch (await _intake.AlertsAsync(batch, cancellationToken))
            {
                case SendOutcome.Delivered:
                    Outbox.Sent(batch);
                    break;
                case SendOutcome.Refused:
                    Outbox.Discard(batch);
                    Log($"the server refused {batch.Count} alert changes; dropped: {_intake.LastError}");
                    break;
                default:
                    Backoff();
                    return;
            }
            _dirty = true;
        }
        if (Outbox.Heartbeat is not null)
        {
            var outcome = await _intake.HeartbeatAsync(cancellationToken);
            if (outcome == SendOutcome.Retry)
            {
                Backoff();
                return;
            }
            if (outcome == SendOutcome.Refused)
                Log($"the server refused the heartbeat: {_intake.LastError}");
            Outbox.Heartbeat = null;
            _dirty = true;
        }
        if (_failures > 0)
            Log($"the server answers again: {before} sent{(Outbox.Dropped > 0 ? $" ({Outbox.Dropped} dropped while the buffer was full)" : "")}");
        _failures = 0;
        RetryAt = null;
    }

    /// <summary>2 s, 4 s, 8 s ... up to MaxBackoff, from the clock.</summary>
    private void Backoff()
    {
        _failures++;
        var seconds = Math.Min(_config.MaxBackoff.TotalSeconds, 2 * Math.Pow(2, Math.Min(_failures - 1, 20)));
        RetryAt = _options.Time.GetUtcNow().AddSeconds(seconds);
        if (_failures == 1 || _failures % 10 == 0)
            Log($"{_intake.LastError}; {Outbox.Count} waiting, retrying in {seconds:0} s (try {_failures})");
    }

    private void Note(ICheck check, string? note)
    {
        if (_notes.GetValueOrDefault(check.Name) != note && note is not null)
            Log($"check {check.Name}: {note}");
        _notes[check.Name] = note;
    }

    private void Log(string line)
    {
        lock (_options.Log)
            _options.Log.WriteLine(line);
    }

    private void LoadState()
    {
        if (_config.StatePath is not { } path)
            return;
        try
        {
            if (AgentState.Load(path) is not { } state)
                return;
            foreach (var (key, alert) in state.Firing)
                _firing[key] = alert;
            Outbox.Restore(state.Pending, state.Heartbeat, state.Dropped);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            Log($"cannot read the state file {path} ({e.Message}); starting afresh");
        }
    }

    private void SaveState()
    {
        if (!_dirty || _config.StatePath is not { } path)
            return;
        try
        {
            new AgentState(new Dictionary<string, FiringAlert>(_firing), [.. Outbox.Changes], Outbox.Heartbeat, Outbox.Dropped).Save(path);
            _dirty = false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log($"cannot write the state file {path}: {e.Message}");
        }
    }

    public void Dispose()
    {
        _intake.Dispose();
        _checksHttp.Dispose();
    }
}
