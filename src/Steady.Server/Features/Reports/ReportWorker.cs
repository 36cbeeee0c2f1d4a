using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using NodaTime;
using Steady.Core.Accounts;
using Steady.Server.Data;

namespace Steady.Server.Features.Reports;

/// <summary>The "Steady:Reports" section.</summary>
public sealed class ReportsOptions
{
    public const string Section = "Steady:Reports";

    /// <summary>
    /// How long the report worker process is kept after the last report; then it exits and gives all its memory back. A new
    /// one takes one to two seconds longer for its first report (it compiles its code again), so it is kept for a working
    /// session: two minutes after the last report it lets its tables go and shrinks (<see cref="ReportRunner.KeepScratch"/>).
    /// </summary>
    public TimeSpan WorkerIdle { get; set; } = TimeSpan.FromHours(1);
}

public enum ReportKind
{
    Response,
    OnCall,
    Noise,
}

/// <summary>A report asked of the worker: its kind and scope as ids and instants (the worker reads the rest), and the server's "now".</summary>
public sealed record ReportRequest(long Id, ReportKind Kind, Actor Actor, DateTimeOffset From, DateTimeOffset To, string Zone, IReadOnlyList<Guid> Teams, Guid? Service, DateTimeOffset Now)
{
    public static ReportRequest Of(long id, ReportKind kind, ReportScope scope, DateTimeOffset now) => new(
        id, kind, scope.Actor, scope.Period.Start.ToDateTimeOffset(), scope.Period.End.ToDateTimeOffset(), scope.Zone.Id,
        scope.Teams.Select(t => t.Id).ToList(), scope.Service?.Id, now);
}

/// <summary>The worker's answer to one request: the report as JSON, or why it failed.</summary>
public sealed record ReportAnswer(long Id, JsonElement? Result, string? Error);

/// <summary>What the worker is told once, first: the database to read (it opens it read-only).</summary>
public sealed record ReportWorkerStart(DatabaseProvider Provider, string ConnectionString);

/// <summary>
/// Where the server gets its reports: from a process of its own (<see cref="ReportWorkerProcess"/>), started at the first
/// report, kept <see cref="ReportsOptions.WorkerIdle"/> after the last one, then let go. A report over a year reads a million
/// rows for one to two seconds of CPU and fills tables of hundreds of thousands of entries: in the server's own process its
/// allocations set the pace of the server's garbage collections (1.6-1.8 s of pauses in 40 s of reports), and paging's
/// and intake's p99 rose from their quiet 12-22 ms to 28-47 ms while reports ran (docs/benchmarks.md, Reports). In its own
/// process, at nice 10, its heap is its own (0.2 s of the server's pauses in the same 40 s, p99 at the quiet figures), it
/// reads the database read-only, it holds no secrets' keys (what it reads of a secret stays sealed), and paging only
/// shares the CPU with it, at a tenth of the weight. Reports are computed one at a time, in order of asking; one whose reader went away before its turn is never
/// sent. Each request carries the server's clock, so the worker's "now" is the server's (and a test's).
/// </summary>
public sealed partial class ReportWorker(DatabaseInfo database, IOptions<ReportsOptions> options, TimeProvider time, ILogger<ReportWorker> logger) : IDisposable
{
    /// <summary>The JSON of the requests, the answers and the reports in them: the API's own.</summary>
    public static readonly JsonSerializerOptions Json = MakeJson();

    private readonly SemaphoreSlim _turn = new(1, 1);
    private Process? _child;
    private ITimer? _idle;
    private long _requests;
    private int _started;
    private bool _disposed;

    /// <summary>The process id of the worker running now (null when none is).</summary>
    public int? ProcessId
    {
        get
        {
            try
            {
                return _child is { HasExited: false } child ? child.Id : null;
            }
            catch (InvalidOperationException)
            {
                return null; // let go of meanwhile
            }
        }
    }

    /// <summary>How many worker processes were started (for tests).</summary>
    public int Started => Volatile.Read(ref _started);

    public Task<ResponseReportDto> ResponseAsync(ReportScope scope, CancellationToken cancellationToken) => RunAsync<ResponseReportDto>(ReportKind.Response, scope, cancellationToken);

    public Task<OnCallReportDto> OnCallAsync(ReportScope scope, CancellationToken cancellationToken) => RunAsync<OnCallReportDto>(ReportKind.OnCall, scope, cancellationToken);

    public Task<NoiseReportDto> NoiseAsync(ReportScope scope, CancellationToken cancellationToken) => RunAsync<NoiseReportDto>(ReportKind.Noise, scope, cancellationToken);

    private async Task<T> RunAsync<T>(ReportKind kind, ReportScope scope, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken); // given up before its turn: never sent
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _idle?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            var request = ReportRequest.Of(++_requests, kind, scope, time.GetUtcNow());
            // A worker that died (killed, out of memory) before it answered is replaced, and asked once more.
            var answer = await AskAsync(request) ?? await AskAsync(request)
                ?? throw new InvalidOperationException("The report worker process stopped before it answered, twice (its last lines are in the server's log).");
            if (answer.Error is not null)
                throw new InvalidOperationException($"The {kind} report failed in the report worker: {answer.Error}");
            return answer.Result!.Value.Deserialize<T>(Json)!;
        }
        finally
        {
            if (!_disposed)
                (_idle ??= time.CreateTimer(_ => RetireIdle(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan)).Change(options.Value.WorkerIdle, Timeout.InfiniteTimeSpan);
            _turn.Release();
        }
    }

    /// <summary>
    /// Sends the request to the worker (started if none runs) and reads its answer; null when the worker ended first (it is
    /// then let go of). Once sent, a report runs to its end whoever waits for it: its answer must be read before the next
    /// request's.
    /// </summary>
    private async Task<ReportAnswer?> AskAsync(ReportRequest request)
    {
        if (_child is { HasExited: true })
            Stop(kill: true); // it ended on its own (killed): what is left of it is let go of first
        var child = _child ?? Start();
        try
        {
            await child.StandardInput.WriteLineAsync(JsonSerializer.Serialize(request, Json));
            await child.StandardInput.FlushAsync();
            while (await child.StandardOutput.ReadLineAsync() is { } line)
            {
                var answer = JsonSerializer.Deserialize<ReportAnswer>(line, Json);
                if (answer?.Id == request.Id)
                    return answer;
            }
        }
        catch (IOException)
        {
            // the pipe broke: the worker is gone
        }
        Stop(kill: true);
        return null;
    }

    private Process Start()
    {
        var (file, arguments) = Command();
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new System.Text.UTF8Encoding(false),
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        // Its pauses stop nobody but itself: the blocking collector does the same work with less CPU.
        start.Environment["DOTNET_gcConcurrent"] = "0";
        // It is told what it needs on its input; the server's settings (a master key given as Steady__Secrets__Key among
        // them) stay out of its environment.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("Steady__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Steady:", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        var child = Process.Start(start) ?? throw new InvalidOperationException($"Could not start the report worker ({file}).");
        child.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrEmpty(e.Data))
                LogWorkerLine(logger, child.Id, e.Data);
        };
        child.BeginErrorReadLine();
        // The database (connection string, password included) goes through the pipe, never the command line or environment.
        child.StandardInput.WriteLine(JsonSerializer.Serialize(new ReportWorkerStart(database.Provider, database.ConnectionString), Json));
        child.StandardInput.Flush();
        _child = child;
        Interlocked.Increment(ref _started);
        LogStarted(logger, child.Id);
        return child;
    }

    /// <summary>
    /// This server's own program in its report-worker mode, at nice 10 where <c>nice</c> exists: its apphost beside the
    /// assembly, or the dotnet host running the assembly.
    /// </summary>
    private static (string File, IReadOnlyList<string> Arguments) Command()
    {
        var assembly = typeof(ReportWorker).Assembly.Location;
        var apphost = Path.Combine(Path.GetDirectoryName(assembly)!, Path.GetFileNameWithoutExtension(assembly) + (OperatingSystem.IsWindows() ? ".exe" : ""));
        List<string> command = File.Exists(apphost)
            ? [apphost, ReportWorkerProcess.Verb]
            : [DotnetHost(), "exec", assembly, ReportWorkerProcess.Verb];
        var nice = new[] { "/usr/bin/nice", "/bin/nice" }.FirstOrDefault(File.Exists);
        return nice is null ? (command[0], command[1..]) : (nice, ["-n", ReportRunner.Nice.ToString(System.Globalization.CultureInfo.InvariantCulture), .. command]);
    }

    /// <summary>The dotnet host of the runtime this server runs on (its shared framework lives three folders below it).</summary>
    private static string DotnetHost()
    {
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
            return self;
        var runtime = System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory();
        var host = Path.GetFullPath(Path.Combine(runtime, "..", "..", "..", OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet"));
        return File.Exists(host) ? host : "dotnet";
    }

    /// <summary>No report for <see cref="ReportsOptions.WorkerIdle"/>: the worker is let go (unless a report is being computed).</summary>
    private void RetireIdle()
    {
        if (!_turn.Wait(0))
            return;
        try
        {
            if (!_disposed)
                Stop(kill: false);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Ends the worker: its input closed (it exits when it reads the end), killed if it has not within 5 s, or at once.</summary>
    private void Stop(bool kill)
    {
        var child = _child;
        _child = null;
        if (child is null)
            return;
        try
        {
            if (!child.HasExited && !kill)
            {
                child.StandardInput.Close();
                if (child.WaitForExit(TimeSpan.FromSeconds(5)))
                {
                    LogStopped(logger, child.Id);
                    return;
                }
            }
            if (!child.HasExited)
                child.Kill(entireProcessTree: true);
            child.WaitForExit(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            // it had ended already
        }
        finally
        {
            child.Dispose();
        }
    }

    public void Dispose()
    {
        _turn.Wait(TimeSpan.FromSeconds(10)); // a report being computed ends first (or the worker is killed below)
        _disposed = true;
        _idle?.Dispose();
        Stop(kill: false);
    }

    private static JsonSerializerOptions MakeJson()
    {
        var json = new JsonSerializerOptions();
        SteadyApp.ConfigureJson(json);
        json.WriteIndented = false;
        json.MakeReadOnly(populateMissingResolver: true);
        return json;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started the report worker (process {ProcessId})")]
    private static partial void LogStarted(ILogger logger, int processId);

    [LoggerMessage(Level = LogLevel.Information, Message = "The report worker (process {ProcessId}) was idle and has exited")]
    private static partial void LogStopped(ILogger logger, int processId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Report worker {ProcessId}: {Line}")]
    private static partial void LogWorkerLine(ILogger logger, int processId, string line);
}
